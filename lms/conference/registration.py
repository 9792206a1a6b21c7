"""Registering for a conference, and for a programme item's limited seats, through the
registration engine: each is an ``Offering`` that ``registrations.services.register``
counts, locks, waitlists and mails, never a copy of it.

- The conference's offering (kind ``conference``) has one session per conference day,
  spanning the day's hours in the conference's zone, and asks for dietary and
  accessibility needs and the days the person comes (``days``: a list of ISO dates,
  checked here against the conference's days; kept in ``Registration.answers`` like the
  other questions). A registration without a ``days`` answer (the offering's own page,
  the API) is for every day.
- An item's limited seats (round tables and workshops, ``SEATED_TYPES``) are an offering
  of kind ``conference_item`` with one session at the item's time.

In the events catalogue the conference is listed like a seminar (kind "Conference");
an item's seats are never listed there (``registrations.catalogue.NEVER_LISTED``): people
find them on the programme.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lms.conference.models import Conference, Item
from lms.conference.services import ConferenceError
from lms.events.models import Offering, OfferingSession
from lms.events.services import require_organiser
from lms.extensions import db
from lms.registrations import services as registrations
from lms.registrations.seats import SeatCounts, seat_counts_for

CONFERENCE_QUESTIONS = ["dietary", "accessibility", "days"]
MAX_NEED_LENGTH = 1000


def _utc(day: date, clock: time, zone: str) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _set_sessions(offering: Offering, wanted: list[tuple[datetime, datetime, str]]) -> None:
    """Make the offering's sessions those of ``wanted`` (start, end, room), in order: a
    session that moves gets SEQUENCE + 1, one no longer wanted is cancelled (kept, so
    calendars learn it), a new one is added."""
    existing = [session for session in offering.sessions if session.status != "cancelled"]
    for index, (starts_at, ends_at, room) in enumerate(wanted):
        if index < len(existing):
            session = existing[index]
            if (session.starts_at, session.ends_at, session.room) != (starts_at, ends_at, room):
                session.starts_at, session.ends_at, session.room = starts_at, ends_at, room
                session.sequence += 1
        else:
            offering.sessions.append(
                OfferingSession(starts_at=starts_at, ends_at=ends_at, room=room)
            )
    for session in existing[len(wanted) :]:
        session.status = "cancelled"
        session.sequence += 1


def _set_capacity(actor, offering: Offering, capacity: int, allow_below_held: bool) -> None:
    if capacity < 0:
        raise ConferenceError("invalid_capacity")
    if offering.id is None:
        offering.capacity = capacity
    elif offering.capacity != capacity:
        # The engine's own rule: below the seats held it warns (CapacityWarning) unless
        # confirmed, more seats promote from the waiting list.
        registrations.set_capacity(actor, offering.id, capacity, allow_below_held=allow_below_held)


def ensure_offering(
    actor, conference: Conference, *, capacity: int, allow_below_held: bool = False
) -> Offering:
    """Create or update the conference's registration offering (published, one session
    per day across the conference's hours, the title and place of the conference).
    Fewer seats than those held raise ``CapacityWarning`` unless ``allow_below_held``."""
    require_organiser(actor)
    if not conference.days:
        raise ConferenceError("no_days")
    offering = conference.offering
    if offering is None:
        offering = Offering(kind="conference", status="published", created_by_id=actor.id)
        db.session.add(offering)
        conference.offering = offering
    offering.title = conference.title
    offering.description_md = conference.description_md
    offering.venue, offering.address = conference.venue, conference.address
    offering.questions = list(CONFERENCE_QUESTIONS)
    zone = conference.timezone
    _set_sessions(
        offering,
        [
            (_utc(d.day, conference.day_starts, zone), _utc(d.day, conference.day_ends, zone), "")
            for d in conference.days
        ],
    )
    _set_capacity(actor, offering, capacity, allow_below_held)
    db.session.flush()
    return offering


def ensure_item_seats(
    actor, item: Item, capacity: int, *, allow_below_held: bool = False
) -> Offering:
    """Create or update the limited seats of a round table or workshop: an offering of
    kind ``conference_item`` with one session at the item's time and room. Fewer seats
    than those held raise ``CapacityWarning`` unless ``allow_below_held``."""
    require_organiser(actor)
    if not item.can_have_seats:
        raise ConferenceError("not_seated")
    if item.starts_at is None or item.ends_at is None:
        raise ConferenceError("unplaced")
    conference = db.session.get(Conference, item.conference_id)
    offering = item.offering
    if offering is None:
        offering = Offering(kind="conference_item", status="published", created_by_id=actor.id)
        db.session.add(offering)
        item.offering = offering
    _follow(offering, item, conference)
    _set_capacity(actor, offering, capacity, allow_below_held)
    db.session.flush()
    return offering


def _follow(offering: Offering, item: Item, conference: Conference) -> None:
    """The seats' offering says what the item says: title, abstract, language, place and
    one session at its time; a cancelled or unplaced item's session and offering are
    cancelled (kept, so calendars learn it), and come back if the item does."""
    offering.title = item.title
    offering.description_md = item.abstract
    offering.language = item.language
    offering.venue, offering.address = conference.venue, conference.address
    room = item.room.name if item.room is not None else ""
    offering.room = room
    if item.status == "cancelled" or item.starts_at is None or item.ends_at is None:
        _set_sessions(offering, [])
        offering.status = "cancelled"
        return
    _set_sessions(offering, [(item.starts_at, item.ends_at, room)])
    offering.status = "published"


def follow_published_items(conference: Conference, items: list[Item]) -> None:
    """After a release: the limited seats of each of ``items`` follow the item as now
    published. The release's own mail tells the seat holders, so nothing is mailed here."""
    for item in items:
        if item.offering is not None:
            _follow(item.offering, item, conference)
    db.session.flush()


def checked_days(conference: Conference, days: list[str]) -> list[str]:
    """The days asked for, sorted, each one of the conference's; ``ConferenceError``
    ``no_days_chosen`` or ``unknown_day`` otherwise."""
    known = {d.day.isoformat() for d in conference.days}
    chosen = sorted(set(days))
    if not chosen:
        raise ConferenceError("no_days_chosen")
    if any(day not in known for day in chosen):
        raise ConferenceError("unknown_day")
    return chosen


def register_attendee(
    user,
    conference: Conference,
    *,
    days: list[str],
    dietary: str = "",
    accessibility: str = "",
    now: datetime | None = None,
) -> registrations.Registered:
    """Register ``user`` for the conference through the engine (seat or waiting list,
    its mail); the days are checked against the conference's, the needs are kept."""
    if conference.offering_id is None:
        raise ConferenceError("not_open")
    answers = {"days": checked_days(conference, days)}
    for name, text in (("dietary", dietary), ("accessibility", accessibility)):
        text = (text or "").strip()
        if len(text) > MAX_NEED_LENGTH:
            raise ConferenceError("too_long")
        if text:
            answers[name] = text
    return registrations.register(user, conference.offering_id, answers=answers, now=now)


def days_of(conference: Conference, answers: dict | None) -> list[date]:
    """The days a registration is for: its ``days`` answer (only the conference's own
    days count), or every day without one (or with none that is the conference's: the
    API takes any text as an answer)."""
    known = [d.day for d in conference.days]
    chosen = (answers or {}).get("days")
    if isinstance(chosen, list):
        picked = [day for day in known if day.isoformat() in chosen]
        if picked:
            return picked
    return known


def item_seat_counts(items) -> dict[int, SeatCounts]:
    """item id -> the seats of its own it has (held, waiting), for the items that have
    some; two queries however many items."""
    by_offering = {item.offering_id: item.id for item in items if item.offering_id}
    if not by_offering:
        return {}
    offerings = db.session.scalars(select(Offering).where(Offering.id.in_(list(by_offering))))
    return {
        by_offering[offering_id]: counts
        for offering_id, counts in seat_counts_for(list(offerings)).items()
    }
