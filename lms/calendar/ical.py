"""iCalendar (RFC 5545) files built from plain calendar entries.

Pure functions: entries in, bytes out; nothing here reads the request, the clock or
the database, and nothing here knows what an entry stands for (an offering's session,
a conference talk, a personal agenda item): the areas map their records to
``CalendarEntry`` values themselves (``lms/calendar/entries.py`` for offerings). The
same entries always give the same bytes, so a strong ETag holds.

What every file holds, and why (see the shared calendar reference):

- ``VERSION:2.0``, a ``PRODID``, CRLF endings, lines folded at 75 octets (the
  ``icalendar`` library serialises that way).
- Times in each entry's IANA zone with ``TZID`` and a matching ``VTIMEZONE``, never
  floating and never ``TZID:GMT``; an entry without an aware start is refused.
- ``UID`` exactly as the entry gives it: the mapping decides its shape, and it must be
  stable for the thing's life and unique per occurrence.
- ``DTSTAMP`` and ``LAST-MODIFIED`` from the entry's own modification time, not from
  "now", so rebuilding an unchanged file gives the same bytes.
- ``STATUS:CANCELLED`` entries stay in the file (clients only drop an event a feed marks
  cancelled) and are ``TRANSP:TRANSPARENT``, so they no longer block the person's time.
- No ``ORGANIZER`` and no ``METHOD``: feeds, downloads and mail attachments are plain
  published calendars; libical's RFC 5546 check wants an ORGANIZER with
  ``METHOD:PUBLISH``, and an ORGANIZER makes clients send "accepted" replies (pretix
  leaves it out too).
- Events in the order the caller gives them; the mapping decides it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone, vRecur, vText

PRODID = "-//Anskaffelser LMS//Calendar 1.0//EN"
DEFAULT_TIMEZONE = "Europe/Oslo"
REFRESH = "PT1H"  # how often subscribed clients should re-read a feed
REFRESH_EVERY = timedelta(hours=1)
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")


@dataclass(frozen=True)
class CalendarEntry:
    """One ``VEVENT``, as plain values.

    ``start``, ``end``, ``last_modified`` and every ``exdates`` value are aware
    datetimes (any zone; they are written in ``timezone``). ``last_modified`` is both
    ``DTSTAMP`` and ``LAST-MODIFIED``. ``rrule`` is an RFC 5545 ``RRULE`` value
    (``FREQ=WEEKLY;COUNT=4``; an ``UNTIL`` in UTC), ``exdates`` the occurrences it
    leaves out, by their start. Empty texts are left out of the file.
    """

    uid: str
    start: datetime
    end: datetime
    summary: str
    last_modified: datetime
    timezone: str = DEFAULT_TIMEZONE
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = "CONFIRMED"
    sequence: int = 0
    rrule: str = ""
    exdates: tuple[datetime, ...] = ()

    def __post_init__(self) -> None:
        # Refused here rather than written wrong: a naive time would come out floating
        # (a different instant in every client's zone).
        moments = (self.start, self.end, self.last_modified, *self.exdates)
        if any(moment.tzinfo is None or moment.utcoffset() is None for moment in moments):
            raise ValueError("calendar entry times must be timezone-aware")
        if not self.uid:
            raise ValueError("a calendar entry needs a UID")
        if self.end <= self.start:
            raise ValueError("a calendar entry must end after it starts")
        if self.status not in STATUSES:
            raise ValueError(f"calendar entry status must be one of {STATUSES}")
        if self.sequence < 0:
            raise ValueError("a calendar entry's SEQUENCE is never negative")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {self.timezone!r}") from error
        if self.rrule:
            vRecur.from_ical(self.rrule)


def entry_event(entry: CalendarEntry) -> Event:
    """The ``VEVENT`` for ``entry``."""
    tz = ZoneInfo(entry.timezone)
    cancelled = entry.status == "CANCELLED"
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", entry.last_modified)
    event.add("last-modified", entry.last_modified)
    event.add("sequence", entry.sequence)
    event.add("summary", entry.summary)
    event.add("dtstart", entry.start.astimezone(tz))
    event.add("dtend", entry.end.astimezone(tz))
    if entry.rrule:
        event.add("rrule", vRecur.from_ical(entry.rrule))
    for moment in sorted(entry.exdates):
        # One EXDATE per line: the form every client reads (as with RDATE below).
        event.add("exdate", moment.astimezone(tz))
    event.add("status", entry.status)
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if entry.location:
        event.add("location", entry.location)
    if entry.url:
        event.add("url", entry.url)
    if entry.description:
        event.add("description", entry.description)
    return event


def build_calendar(
    name: str,
    entries: Iterable[CalendarEntry],
    *,
    zone: str = DEFAULT_TIMEZONE,
    feed: bool = True,
) -> bytes:
    """A calendar named ``name`` holding ``entries`` in the order given.

    ``zone`` is the calendar's own zone (``X-WR-TIMEZONE``); each entry is written in
    its own. ``feed`` adds how often a subscribed client should read the file again.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone)
    if feed:
        calendar.add("refresh-interval", REFRESH_EVERY, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vText(REFRESH))
    entries = list(entries)
    for entry in entries:
        calendar.add_component(entry_event(entry))
    calendar.subcomponents[0:0] = _timezones(entries)
    return calendar.to_ical()


def _timezones(entries: list[CalendarEntry]) -> list[Timezone]:
    """One ``VTIMEZONE`` per zone the entries use, by zone name.

    Each holds the zone's rules from the year of its first entry on: smaller, and
    still fixed by the data alone.
    """
    first_year: dict[str, int] = {}
    for entry in entries:
        year = entry.start.astimezone(ZoneInfo(entry.timezone)).year
        first_year[entry.timezone] = min(year, first_year.get(entry.timezone, year))
    found = (_vtimezone(zone, year) for zone, year in sorted(first_year.items()))
    return [Timezone.from_ical(data) for data in found if data is not None]


@lru_cache(maxsize=16)
def _vtimezone(zone: str, first_year: int) -> bytes | None:
    """The zone's normalised ``VTIMEZONE`` from ``first_year`` on, built once per process
    (None for UTC, whose times are written with ``Z`` and need none).

    It is the dearest part of a calendar file, and every confirmation mail carries one.
    """
    probe = Calendar()
    event = Event()
    event.add("dtstart", datetime(first_year, 6, 1, 12, tzinfo=ZoneInfo(zone)))
    probe.add_component(event)
    # icalendar lists transitions up to 2038 by default, so a first year from 2038 on got
    # an empty range and a zone without its changes: ask for a few years past it then.
    last_year = max(first_year + 3, Timezone.DEFAULT_LAST_DATE.year)
    probe.add_missing_timezones(first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1))
    _normalise_timezones(probe)
    timezones = probe.walk("VTIMEZONE")
    return timezones[0].to_ical() if timezones else None


def _normalise_timezones(calendar: Calendar) -> None:
    """Rewrite each generated ``VTIMEZONE`` into the form every client reads right.

    ``add_missing_timezones`` lists the transitions as comma-separated ``RDATE``s.
    That is valid RFC 5545, but ical.js (Thunderbird, Nextcloud) reads only the first
    value of each ``RDATE`` and ignores the observance's ``DTSTART`` once an ``RDATE``
    is there, so every summer came out an hour wrong; Outlook is known to mishandle
    ``RDATE`` time zones too. So: when the onsets follow a yearly rule (Europe/Oslo:
    last Sunday of March and of October), write that ``RRULE``, as tzurl.org's zones
    do; otherwise write one ``RDATE`` per line, repeating ``DTSTART`` among them.
    ``DTSTART`` is also set to the local time before the change (02:00, not 03:00, on
    the spring night), as RFC 5545 reads it.
    """
    for timezone in calendar.walk("VTIMEZONE"):
        zone = ZoneInfo(str(timezone["TZID"]))
        timezone.pop("COMMENT", None)  # "only works until 2038" no longer holds
        for observance in timezone.subcomponents:
            before = observance["TZOFFSETFROM"].td
            after = observance["TZOFFSETTO"].td
            onsets = [observance.DTSTART.replace(tzinfo=None)]
            rdates = observance.get("RDATE")
            if rdates is not None:
                lists = rdates if isinstance(rdates, list) else [rdates]
                onsets += [d.dt.replace(tzinfo=None) for rdate in lists for d in rdate.dts]
                del observance["RDATE"]
            onsets = sorted(_onset(moment, before, after, zone) for moment in onsets)
            del observance["DTSTART"]
            observance.add("dtstart", onsets[0])
            if len(onsets) == 1:
                continue
            rule = _yearly_rule(onsets)
            if rule:
                observance.add("rrule", rule)
            else:
                for moment in onsets:
                    observance.add("rdate", moment)


def _onset(local: datetime, before: timedelta, after: timedelta, zone: ZoneInfo) -> datetime:
    """The local time of a change, read in the offset before it (RFC 5545)."""
    for offset in (before, after):
        instant = (local - offset).replace(tzinfo=UTC)
        tick = timedelta(seconds=1)
        if (
            instant.astimezone(zone).utcoffset() == after
            and (instant - tick).astimezone(zone).utcoffset() == before
        ):
            return (instant + before).replace(tzinfo=None)
    return local


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _yearly_rule(onsets: list[datetime]) -> dict | None:
    """``FREQ=YEARLY;BYMONTH=m;BYDAY=nDD`` when every onset fits it, year after year."""
    first = onsets[0]
    same = all(
        (o.month, o.time(), o.weekday()) == (first.month, first.time(), first.weekday())
        and o.year == first.year + i
        for i, o in enumerate(onsets)
    )
    if not same:
        return None
    weekday = WEEKDAYS[first.weekday()]
    if all((o + timedelta(days=7)).month != o.month for o in onsets):
        return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"-1{weekday}"}
    nth = {(o.day - 1) // 7 + 1 for o in onsets}
    if len(nth) == 1:
        return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"{nth.pop()}{weekday}"}
    return None
