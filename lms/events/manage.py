"""Managing offerings: create, edit (sessions and places), publish, archive, duplicate,
cancel, and assign instructors.

Services take the acting user, check what that user may do (raising ``PermissionDenied``),
``flush()`` and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import select

from lms.accounts.models import User, UserRole
from lms.core.dates import local_zone, to_local
from lms.core.service_errors import PermissionDenied
from lms.events import signals
from lms.events.models import Offering, OfferingSession
from lms.events.services import EventError, require_organiser
from lms.extensions import db


def require_edit(actor, offering: Offering) -> None:
    """Organisers edit every offering; instructors only those they are assigned to."""
    if not offering.can_edit(actor):
        raise PermissionDenied()


def require_open(offering: Offering) -> None:
    """A cancelled or archived offering is read only (``Offering.is_closed``)."""
    if offering.is_closed:
        raise EventError("read_only")


def managed_offerings_statement(actor):
    """The offerings ``actor`` may manage (drafts too): all for organisers, own for instructors."""
    statement = select(Offering).order_by(Offering.created_at.desc(), Offering.id.desc())
    if actor.has_role("organiser"):
        return statement
    if actor.has_role("instructor"):
        return statement.where(Offering.instructors.any(User.id == actor.id))
    raise PermissionDenied()


def instructor_choices() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.roles.any(UserRole.role.in_(("instructor", "admin"))),
            )
            .order_by(User.name, User.id)
        )
    )


OFFERING_FIELDS = (
    "kind",
    "title",
    "summary",
    "description_md",
    "themes",
    "principles",
    "audience",
    "guest_speakers",
    "language",
    "venue",
    "room",
    "address",
    "online_url",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "cancellation_deadline",
    "requires_approval",
    "members_only",
    "waitlist_mode",
    "offer_hours",
    "questions",
    "consent_text",
)
PLACE_FIELDS = ("venue", "room", "address", "online_url")


@dataclass
class SessionData:
    """One session row from a form: ``id`` None for a new one; ``remove`` drops it."""

    starts_at: datetime | None = None
    ends_at: datetime | None = None
    title: str = ""
    venue: str = ""
    room: str = ""
    id: int | None = None
    remove: bool = False


def create_offering(actor, data: dict, sessions: list[SessionData]) -> Offering:
    """A new draft offering (organisers only)."""
    require_organiser(actor)
    offering = Offering(status="draft", created_by_id=actor.id, kind=data.get("kind", "seminar"))
    db.session.add(offering)
    for name in OFFERING_FIELDS:
        if name in data:
            setattr(offering, name, data[name])
    _apply_sessions(offering, sessions)
    db.session.flush()
    return offering


def update_offering(
    actor,
    offering: Offering,
    data: dict,
    sessions: list[SessionData],
    *,
    allow_below_held: bool = False,
) -> bool:
    """Save changes; a session whose time or place changes gets SEQUENCE + 1, and people
    registered are told. Returns True when times or places changed.

    A new capacity is first offered to the ``capacity_changing`` receivers (the
    registrations area: below the seats already held it raises ``CapacityWarning`` unless
    ``allow_below_held``; nobody is dropped, and more seats promote from the waiting list).
    """
    require_edit(actor, offering)
    require_open(offering)
    data = dict(data)
    capacity = data.pop("capacity", None)
    if capacity is not None and capacity != offering.capacity:
        signals.capacity_changing.send(
            offering, actor=actor, capacity=capacity, allow_below_held=allow_below_held
        )
        offering.capacity = capacity
    place_changed = any(
        name in data and getattr(offering, name) != data[name] for name in PLACE_FIELDS
    )
    for name in OFFERING_FIELDS:
        if name in data:
            setattr(offering, name, data[name])
    changed = _apply_sessions(offering, sessions)
    if offering.status != "draft" and not offering.active_sessions:
        raise EventError("no_sessions")  # cancel the offering instead
    if place_changed:
        for session in offering.sessions:
            if session.status == "scheduled" and session not in changed:
                session.sequence += 1
                changed.add(session)
    db.session.flush()
    if changed:
        signals.offering_rescheduled.send(offering)
    return bool(changed)


def _apply_sessions(offering: Offering, rows: list[SessionData]) -> set[OfferingSession]:
    """Add, change and remove sessions; return those whose time or place changed.

    A session removed from an offering that has been published is not deleted: it is
    marked cancelled with SEQUENCE + 1, so calendar files and feeds keep it with
    STATUS:CANCELLED and subscribed clients take it away. Only a draft's sessions,
    which no calendar has seen, are deleted. Cancelled sessions cannot be edited.
    """
    existing = {s.id: s for s in offering.sessions if s.id is not None and s.status != "cancelled"}
    changed: set[OfferingSession] = set()
    for row in rows:
        session = existing.get(row.id) if row.id is not None else None
        if row.id is not None and session is None:
            raise EventError("unknown_session")
        if not row.remove and (
            not row.starts_at or not row.ends_at or row.ends_at <= row.starts_at
        ):
            raise EventError("ends_before_start")
        if row.remove:
            if session is None:
                continue
            if offering.status == "draft":
                offering.sessions.remove(session)
            else:
                session.status = "cancelled"
                session.sequence += 1
                changed.add(session)
            continue
        if session is None:
            offering.sessions.append(
                OfferingSession(
                    starts_at=row.starts_at,
                    ends_at=row.ends_at,
                    title=row.title,
                    venue=row.venue,
                    room=row.room,
                )
            )
            continue
        moved = (
            session.starts_at != row.starts_at
            or session.ends_at != row.ends_at
            or session.venue != row.venue
            or session.room != row.room
        )
        session.title = row.title
        if moved:
            session.starts_at, session.ends_at = row.starts_at, row.ends_at
            session.venue, session.room = row.venue, row.room
            session.sequence += 1
            changed.add(session)
    offering.sessions.sort(key=lambda s: s.starts_at)
    return changed


def set_instructors(actor, offering: Offering, user_ids: list[int]) -> None:
    """Assign instructors (organisers only; only people holding the instructor role)."""
    require_organiser(actor)
    require_open(offering)
    allowed = {u.id: u for u in instructor_choices()}
    if any(uid not in allowed for uid in user_ids):
        raise EventError("not_an_instructor")
    offering.instructors = [allowed[uid] for uid in user_ids]
    db.session.flush()


def publish(actor, offering: Offering) -> None:
    require_organiser(actor)
    if offering.status != "draft":
        raise EventError("not_draft")
    if not offering.active_sessions:
        raise EventError("no_sessions")
    offering.status = "published"
    db.session.flush()


def archive(actor, offering: Offering) -> None:
    """Put a published or cancelled offering away: off the catalogue, kept for reports."""
    require_organiser(actor)
    if offering.status not in ("published", "cancelled"):
        raise EventError("not_archivable")
    offering.status = "archived"
    db.session.flush()


def duplicate(actor, offering: Offering, *, weeks: int = 52) -> Offering:
    """A draft copy for the next edition: same fields and instructors, sessions moved
    ``weeks`` later (52 = the same weekday a year on), new UIDs, no registrations. Its
    title says it is a copy, in the offering's own language ("Kopi av …"); a cancelled
    offering's copy takes the sessions it had."""
    require_organiser(actor)
    if not -520 <= weeks <= 520:
        raise EventError("bad_shift")
    shift = timedelta(weeks=weeks)
    copy = Offering(status="draft", created_by_id=actor.id, kind=offering.kind)
    for name in OFFERING_FIELDS:
        value = getattr(offering, name)
        setattr(copy, name, list(value) if isinstance(value, list) else value)
    for name in ("registration_opens_at", "registration_closes_at", "cancellation_deadline"):
        value = getattr(offering, name)
        if value is not None:
            setattr(copy, name, _shift_local(value, shift))
    with force_locale(offering.language):
        copy.title = gettext("Copy of %(title)s", title=offering.title)[:200]
    copy.network_id = offering.network_id
    copy.instructors = list(offering.instructors)
    for session in offering.active_sessions or offering.sessions:
        copy.sessions.append(
            OfferingSession(
                title=session.title,
                starts_at=_shift_local(session.starts_at, shift),
                ends_at=_shift_local(session.ends_at, shift),
                venue=session.venue,
                room=session.room,
            )
        )
    db.session.add(copy)
    db.session.flush()
    return copy


def _shift_local(moment: datetime, shift: timedelta) -> datetime:
    """Shift by wall-clock time in the LMS zone, so 09:00 stays 09:00 across DST."""
    local = to_local(moment).replace(tzinfo=None) + shift
    return local.replace(tzinfo=local_zone()).astimezone(UTC)


def cancel_offering(actor, offering: Offering, note: str = "") -> int:
    """Cancel the whole offering: every session marked cancelled (SEQUENCE + 1) and every
    active registration cancelled, each person mailed (by the ``offering_cancelled``
    receivers). Returns how many registrations were cancelled."""
    require_organiser(actor)
    if offering.status == "cancelled":
        raise EventError("already_cancelled")
    offering.status = "cancelled"
    for session in offering.sessions:
        if session.status != "cancelled":
            session.status = "cancelled"
            session.sequence += 1
    db.session.flush()
    return signals.total(signals.offering_cancelled.send(offering, actor=actor, note=note))
