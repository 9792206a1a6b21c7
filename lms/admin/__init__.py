"""Administration: people and their roles, and outgoing mail when no SMTP is set."""
