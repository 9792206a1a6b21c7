"""The conference area: the annual conference's programme, releases, agendas and check-in."""
