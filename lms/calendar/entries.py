"""Offerings, network meetings and personal feeds as calendar entries.

The mapping from the LMS's records to the neutral ``ical.CalendarEntry``: which
sessions a file holds, with what UID, status, text and link. Pure functions: records
in, entries (or the file's bytes) out; nothing here reads the request, the clock or the
database. Where the links point comes in as ``Links`` (``lms/calendar/files.py`` makes
it by the one rule for absolute links and the detail route), so this module knows no
route.

The rules, and why:

- One entry per session with ``UID:session-<uuid>@<host>``: stable for the session's
  life, unique per occurrence, never derived from its title or time. The host is the
  one of ``LMS_BASE_URL`` (never a request's), so a session has one UID wherever a
  client got it from.
- ``LAST-MODIFIED`` (and ``DTSTAMP``) is the latest of the session's, the offering's
  and, in a personal feed, the registration's modification times; ``SEQUENCE`` is
  ``OfferingSession.sequence`` (raised when time or place changes).
- Cancelled sessions (a session taken off a published offering is kept as cancelled,
  never deleted), sessions of a cancelled offering and, in a personal feed, sessions
  whose registration was cancelled stay in the file with ``STATUS:CANCELLED`` so
  subscribed clients remove them. A session cancelled only from outside (the offering
  or the registration) gets its SEQUENCE raised by one, so clients that compare
  SEQUENCE see the change.

Network meetings are emitted as N entries with distinct UIDs, not as one entry with
an ``RRULE``/``EXDATE``: the LMS stores each meeting as its own offering with its own
session, its own registrations, capacity and possibly a moved date or a cancellation,
so one UID per meeting says exactly what is true, and a moved meeting is a changed
event (new ``SEQUENCE``) rather than a ``RECURRENCE-ID`` override that clients handle
unevenly. ``Network.recurrence_rule`` only generates the meetings.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from lms.calendar.ical import DEFAULT_TIMEZONE, CalendarEntry, build_calendar
from lms.events.services import PUBLIC_STATUSES
from lms.registrations.online_links import sees_online_link
from lms.registrations.statuses import ENDED, HOLDS_SEAT

# A registration in these states puts the offering's sessions in a personal feed (an
# offered seat, held but not yet taken, as STATUS:TENTATIVE); in CANCELLED_REGISTRATION
# ones they stay there marked STATUS:CANCELLED (a client may have them from when the
# registration was confirmed or offered).
ACTIVE_REGISTRATION = HOLDS_SEAT
CANCELLED_REGISTRATION = ENDED
# Offerings that may appear in a calendar at all (drafts never do).
LISTED_OFFERING = PUBLIC_STATUSES


@dataclass(frozen=True)
class Links:
    """Where a file's entries point: the host in their UIDs and each offering's page
    (``offering_url(offering_id)``, an absolute URL)."""

    uid_host: str
    offering_url: Callable[[int], str]


def host_of(base_url: str) -> str:
    """The host part used in UIDs, e.g. ``kurs.example.no``."""
    return urlsplit(base_url).hostname or "lms.local"


def session_uid(session, links: Links) -> str:
    return f"session-{session.uid}@{links.uid_host}"


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


def session_entry(
    offering,
    session,
    links: Links,
    *,
    zone: str = DEFAULT_TIMEZONE,
    cancelled: bool = False,
    modified: datetime | None = None,
    with_online_url: bool = True,
    tentative: bool = False,
) -> CalendarEntry:
    """The entry for one ``session`` of ``offering``.

    ``cancelled`` marks it cancelled from outside (the registration was cancelled);
    ``modified`` is a further modification time to take into account (the
    registration's); ``tentative`` shows a seat held but not yet taken.
    """
    is_cancelled = session.status == "cancelled" or offering.status == "cancelled" or cancelled
    url = links.offering_url(offering.id)
    title = offering.title
    if session.title and session.title.strip() and session.title.strip() != title:
        title = f"{title}: {session.title.strip()}"
    return CalendarEntry(
        uid=session_uid(session, links),
        start=session.starts_at,
        end=session.ends_at,
        timezone=zone,
        summary=title,
        description=_description(offering, url, with_online_url),
        location=location_of(offering, session),
        url=url,
        status="CANCELLED" if is_cancelled else "TENTATIVE" if tentative else "CONFIRMED",
        sequence=session.sequence + (1 if is_cancelled and session.status != "cancelled" else 0),
        last_modified=_latest(session.updated_at, offering.updated_at, modified),
    )


def offering_entries(
    offering,
    links: Links,
    *,
    zone: str = DEFAULT_TIMEZONE,
    with_online_url: bool = True,
    cancelled: bool = False,
) -> list[CalendarEntry]:
    """Every session of ``offering`` as its own entry (cancelled ones marked so; all of
    them with ``cancelled``, for someone whose registration was cancelled)."""
    return [
        session_entry(
            offering, s, links, zone=zone, with_online_url=with_online_url, cancelled=cancelled
        )
        for s in _ordered(offering.sessions)
    ]


def network_entries(
    meetings: Iterable,
    links: Links,
    *,
    zone: str = DEFAULT_TIMEZONE,
    linked: Collection[int] = (),
) -> list[CalendarEntry]:
    """A network's meetings, in the order given: one entry per meeting session, each
    with its own UID (see the module docstring for why not one RRULE). Drafts are left
    out; a meeting's online link is only in those whose ids are ``linked`` (the reader
    has a place or runs it: ``online_links``)."""
    return [
        session_entry(meeting, s, links, zone=zone, with_online_url=meeting.id in linked)
        for meeting in meetings
        if meeting.status in LISTED_OFFERING
        for s in _ordered(meeting.sessions)
    ]


def personal_entries(
    user, registrations: Iterable, links: Links, *, zone: str = DEFAULT_TIMEZONE
) -> list[CalendarEntry]:
    """The sessions of ``user``'s registrations: active ones as they are (an offer not
    yet accepted as tentative), cancelled (or expired, declined) ones marked
    ``STATUS:CANCELLED``; pending and waitlisted registrations and draft offerings are
    left out. The online link is only in the entries of a place (``online_links``).
    Only ``user``'s own registrations are used, whatever the caller passes."""
    entries = []
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
        entries.extend(
            session_entry(
                offering,
                session,
                links,
                zone=zone,
                cancelled=cancelled,
                modified=registration.updated_at,
                tentative=registration.status == "offered",
                with_online_url=sees_online_link(registration.status),
            )
            for session in _ordered(offering.sessions)
        )
    return entries


def offering_calendar(
    offering,
    links: Links,
    *,
    zone: str = DEFAULT_TIMEZONE,
    with_online_url: bool = True,
    cancelled: bool = False,
) -> bytes:
    """The offering's file: its sessions (see ``offering_entries``), named by its title."""
    entries = offering_entries(
        offering, links, zone=zone, with_online_url=with_online_url, cancelled=cancelled
    )
    return build_calendar(offering.title, entries, zone=zone)


def network_calendar(
    network,
    meetings: Iterable,
    links: Links,
    *,
    zone: str = DEFAULT_TIMEZONE,
    linked: Collection[int] = (),
) -> bytes:
    """The network's feed of its meetings (see ``network_entries``), named by the network."""
    entries = network_entries(meetings, links, zone=zone, linked=linked)
    return build_calendar(network.name, entries, zone=zone)


def personal_calendar(
    user,
    registrations: Iterable,
    links: Links,
    *,
    zone: str = DEFAULT_TIMEZONE,
    name: str = "",
    more: Iterable[CalendarEntry] = (),
) -> bytes:
    """A person's feed (see ``personal_entries``), named ``name`` or after them;
    ``more`` are the entries other areas add (a conference agenda), after the sessions."""
    entries = [*personal_entries(user, registrations, links, zone=zone), *more]
    return build_calendar(name or user.name, entries, zone=zone)


def _ordered(sessions: Iterable) -> list:
    return sorted(sessions, key=lambda s: (s.starts_at, s.uid))
