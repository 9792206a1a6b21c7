"""What the calendar area asks the areas above it (the layers run one way: calendar
imports none of them, they connect their receivers in their ``init_area``)."""

from __future__ import annotations

from collections.abc import Iterable

from blinker import Namespace

from lms.calendar.ical import CalendarEntry

_signals = Namespace()

# Asked while a person's feed is built: (user, links=, zone=). A receiver returns the
# person's own ``CalendarEntry`` values (a conference agenda's items) and changes
# nothing; built only from what was published, so the same data gives the same bytes.
personal_feed_entries = _signals.signal("lms.calendar-personal-feed-entries")


def more_personal_entries(user, links, zone: str) -> list[CalendarEntry]:
    """The entries the areas above add to ``user``'s feed, in a fixed order (by UID),
    whatever order the receivers answered in, so the feed's bytes and ETag hold."""
    answers: Iterable = personal_feed_entries.send(user, links=links, zone=zone)
    entries = [entry for _receiver, found in answers for entry in (found or ())]
    return sorted(entries, key=lambda entry: (entry.start, entry.uid))
