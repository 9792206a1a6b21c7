"""iCalendar (RFC 5545) files built from offerings, sessions and registrations.

Pure functions: records in, bytes out; nothing here reads the request, the clock
or the database, so the same data always gives the same bytes (and a strong ETag).

What every file holds, and why (see the shared calendar reference):

- ``VERSION:2.0``, a ``PRODID``, CRLF endings, lines folded at 75 octets (the
  ``icalendar`` library serialises that way).
- Times in the LMS's IANA zone (``Europe/Oslo``) with ``TZID`` and a matching
  ``VTIMEZONE`` (``add_missing_timezones``), never floating and never ``TZID:GMT``.
- One ``VEVENT`` per session with ``UID:session-<uuid>@<host>``: stable for the
  session's life, unique per occurrence, never derived from its title or time.
- ``DTSTAMP`` and ``LAST-MODIFIED`` from the records' own modification times, not
  from "now"; ``SEQUENCE`` from ``OfferingSession.sequence`` (raised when time or place
  changes).
- Cancelled sessions (a session taken off a published offering is kept as
  cancelled, never deleted), sessions of a cancelled offering and, in a personal
  feed, sessions whose registration was cancelled stay in the file with
  ``STATUS:CANCELLED`` so subscribed clients remove them.
- No ``ORGANIZER`` and no ``METHOD``: feeds and downloads are plain published
  calendars; libical's RFC 5546 check wants an ORGANIZER with ``METHOD:PUBLISH``,
  and an ORGANIZER makes clients send "accepted" replies (pretix leaves it out too).
  The mail attachment is the same file, for the same reasons.

Network meetings are emitted as N events with distinct UIDs, not as one event with
an ``RRULE``/``EXDATE``: the LMS stores each meeting as its own offering with its own
session, its own registrations, capacity and possibly a moved date or a cancellation,
so one UID per meeting says exactly what is true, and a moved meeting is a changed
event (new ``SEQUENCE``) rather than a ``RECURRENCE-ID`` override that clients handle
unevenly. ``Network.recurrence_rule`` only generates the meetings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vText

PRODID = "-//Anskaffelser LMS//Calendar 1.0//EN"
DEFAULT_TIMEZONE = "Europe/Oslo"
REFRESH = "PT1H"  # how often subscribed clients should re-read a feed
REFRESH_EVERY = timedelta(hours=1)

# A registration in these states puts the offering's sessions in a personal feed (an
# offered seat, held but not yet taken, as STATUS:TENTATIVE); in CANCELLED_REGISTRATION
# ones they stay there marked STATUS:CANCELLED (a client may have them from when the
# registration was confirmed or offered).
ACTIVE_REGISTRATION = ("confirmed", "offered", "attended", "no_show")
CANCELLED_REGISTRATION = ("cancelled", "expired", "declined")
# Offerings that may appear in a calendar at all (drafts never do).
LISTED_OFFERING = ("published", "cancelled", "archived")


def host_of(base_url: str) -> str:
    """The host part used in UIDs, e.g. ``kurs.example.no``."""
    return urlsplit(base_url).hostname or "lms.local"


def session_uid(session, base_url: str) -> str:
    return f"session-{session.uid}@{host_of(base_url)}"


def offering_url(offering, base_url: str) -> str:
    """The offering's detail page; ``base_url`` includes any ``LMS_URL_PREFIX``."""
    return f"{base_url.rstrip('/')}/events/{offering.id}"


def location_of(offering, session) -> str:
    """Room, venue and address joined by commas; a session's own room or venue wins."""
    parts = (
        session.room or offering.room,
        session.venue or offering.venue,
        offering.address,
    )
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _description(offering, url: str, with_online_url: bool = True) -> str:
    parts = [offering.summary.strip()] if offering.summary and offering.summary.strip() else []
    if offering.online_url and with_online_url:
        parts.append(f"Online: {offering.online_url}")
    parts.append(url)
    return "\n\n".join(parts)


def _latest(*stamps: datetime | None) -> datetime:
    return max(s for s in stamps if s is not None)


def session_event(
    offering,
    session,
    base_url: str,
    *,
    zone: str = DEFAULT_TIMEZONE,
    cancelled: bool = False,
    modified: datetime | None = None,
    with_online_url: bool = True,
    tentative: bool = False,
) -> Event:
    """One ``VEVENT`` for ``session``.

    ``cancelled`` marks it cancelled from outside (the registration was cancelled);
    ``modified`` is a further modification time to take into account (the
    registration's). A session cancelled only from outside gets its SEQUENCE raised
    by one, so clients that compare SEQUENCE see the change.
    """
    tz = ZoneInfo(zone)
    is_cancelled = session.status == "cancelled" or offering.status == "cancelled" or cancelled
    sequence = session.sequence + (1 if is_cancelled and session.status != "cancelled" else 0)
    stamp = _latest(session.updated_at, offering.updated_at, modified)
    url = offering_url(offering, base_url)
    title = offering.title
    if session.title and session.title.strip() and session.title.strip() != title:
        title = f"{title}: {session.title.strip()}"

    event = Event()
    event.add("uid", session_uid(session, base_url))
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", sequence)
    event.add("summary", title)
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    event.add("status", "CANCELLED" if is_cancelled else "TENTATIVE" if tentative else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if is_cancelled else "OPAQUE")
    location = location_of(offering, session)
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("description", _description(offering, url, with_online_url))
    return event


def _calendar(name: str, events: Iterable[Event], zone: str, *, feed: bool) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone)
    if feed:
        calendar.add("refresh-interval", REFRESH_EVERY, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vText(REFRESH))
    events = list(events)
    for event in events:
        calendar.add_component(event)
    starts = [e.DTSTART for e in events]
    # The zone's rules from the year of the first event on: smaller, and still fixed
    # by the data alone.
    first_year = min(starts).year if starts else 1970
    if starts:
        calendar.subcomponents.insert(0, Timezone.from_ical(_vtimezone(zone, first_year)))
    return calendar.to_ical()


@lru_cache(maxsize=16)
def _vtimezone(zone: str, first_year: int) -> bytes:
    """The zone's normalised ``VTIMEZONE`` from ``first_year`` on, built once per process.

    Generating it is most of the cost of a calendar file (a few ms), and every
    confirmation mail carries one.
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
    return probe.walk("VTIMEZONE")[0].to_ical()


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


def offering_calendar(
    offering,
    base_url: str,
    *,
    zone: str = DEFAULT_TIMEZONE,
    with_online_url: bool = True,
    cancelled: bool = False,
) -> bytes:
    """Every session of ``offering`` as its own event (cancelled ones marked so; all of
    them with ``cancelled``, for someone whose registration was cancelled)."""
    events = [
        session_event(
            offering, s, base_url, zone=zone, with_online_url=with_online_url, cancelled=cancelled
        )
        for s in _ordered(offering.sessions)
    ]
    return _calendar(offering.title, events, zone, feed=True)


def network_calendar(
    network, meetings: Iterable, base_url: str, *, zone: str = DEFAULT_TIMEZONE
) -> bytes:
    """A network's meetings: one event per meeting session, each with its own UID
    (see the module docstring for why not one RRULE). Drafts are left out."""
    events = [
        session_event(meeting, s, base_url, zone=zone)
        for meeting in meetings
        if meeting.status in LISTED_OFFERING
        for s in _ordered(meeting.sessions)
    ]
    return _calendar(network.name, events, zone, feed=True)


def personal_calendar(
    user, registrations: Iterable, base_url: str, *, zone: str = DEFAULT_TIMEZONE, name: str = ""
) -> bytes:
    """The sessions of ``user``'s registrations: active ones as they are (an offer not yet
    accepted as tentative), cancelled
    (or expired, declined) ones marked ``STATUS:CANCELLED``; pending and waitlisted
    registrations and draft offerings are left out. Only ``user``'s own
    registrations are used, whatever the caller passes."""
    events = []
    for registration in sorted(registrations, key=lambda r: r.id):
        if registration.user_id != user.id:
            continue
        offering = registration.offering
        if offering.status not in LISTED_OFFERING:
            continue
        if registration.status in ACTIVE_REGISTRATION:
            cancelled = False
        elif registration.status in CANCELLED_REGISTRATION:
            cancelled = True
        else:
            continue
        for session in _ordered(offering.sessions):
            events.append(
                session_event(
                    offering,
                    session,
                    base_url,
                    zone=zone,
                    cancelled=cancelled,
                    modified=registration.updated_at,
                    tentative=registration.status == "offered",
                )
            )
    return _calendar(name or user.name, events, zone, feed=True)


def _ordered(sessions: Iterable) -> list:
    return sorted(sessions, key=lambda s: (s.starts_at, s.uid))
