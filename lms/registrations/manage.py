"""What organisers (and an offering's instructors) do to its participants: approve or
decline, promote or reorder by hand, check in, list and read the log (messages to them
are in ``messages``, actions on several at once in ``bulk``).

Each operation checks ``can_manage`` itself, takes the offering's lock where seats can
move, ``flush()``es and never commits. Registering, cancelling, the automatic waiting
list and capacity live in ``services``, which this module builds on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.core.dates import to_local
from lms.core.folding import folded, like_pattern
from lms.events.models import Offering
from lms.events.services import CapacityWarning
from lms.extensions import db
from lms.registrations import log_notes, notify
from lms.registrations.locking import lock_offering
from lms.registrations.models import Registration, RegistrationLog
from lms.registrations.seats import next_rank, seat_counts, waitlist_position
from lms.registrations.services import RegistrationError, can_manage, transition
from lms.registrations.statuses import HAS_PLACE
from lms.timeutil import utcnow


def _locked_for_organiser(actor, registration_id: int) -> tuple[Registration, Offering]:
    """The registration and its offering, locked for writing and re-read under the lock,
    for someone who manages the offering; ``not_found`` or ``forbidden`` otherwise."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise RegistrationError("not_found")
    offering = lock_offering(registration.offering_id)
    if not can_manage(actor, offering):
        raise RegistrationError("forbidden")
    db.session.refresh(registration)
    return registration, offering


def decide_pending(actor, registration_id: int, *, approve: bool) -> Registration:
    """An organiser approves (seat or waiting list) or declines a pending registration."""
    registration, offering = _locked_for_organiser(actor, registration_id)
    if registration.status != "pending":
        raise RegistrationError("not_pending")
    if not approve:
        transition(registration, "declined", actor=actor)
    else:
        counts = seat_counts(offering)
        if counts.seats_left > 0 and counts.waitlisted == 0:
            transition(registration, "confirmed", actor=actor, note=log_notes.APPROVED)
        else:
            registration.waitlist_rank = next_rank(offering.id)
            transition(registration, "waitlisted", actor=actor, note=log_notes.APPROVED)
    db.session.flush()
    notify.registration_changed(registration)
    return registration


def promote_by_hand(actor, registration_id: int, *, allow_over_capacity: bool = False):
    """An organiser confirms someone from the list; warns (raises) when no seat is free."""
    registration, offering = _locked_for_organiser(actor, registration_id)
    if registration.status not in ("waitlisted", "pending", "offered"):
        raise RegistrationError("not_promotable")
    counts = seat_counts(offering)
    held_after = counts.held + (0 if registration.status == "offered" else 1)
    if held_after > offering.capacity and not allow_over_capacity:
        raise CapacityWarning(held_after, offering.capacity)
    registration.waitlist_rank = None
    transition(registration, "confirmed", actor=actor, note=log_notes.PROMOTED_BY_HAND)
    db.session.flush()
    notify.registration_changed(registration)
    return registration


def move_in_waitlist(actor, registration_id: int, position: int) -> None:
    """Put a waitlisted person at ``position`` (1 = first); the others keep their order."""
    registration, offering = _locked_for_organiser(actor, registration_id)
    line = db.session.scalars(
        select(Registration)
        .where(Registration.offering_id == offering.id, Registration.status == "waitlisted")
        .order_by(Registration.waitlist_rank, Registration.id)
    ).all()
    if registration not in line:
        raise RegistrationError("not_waitlisted")
    line.remove(registration)
    line.insert(max(0, min(position - 1, len(line))), registration)
    base = next_rank(offering.id)
    for offset, entry in enumerate(line):
        entry.waitlist_rank = base + offset
    db.session.add(
        RegistrationLog(
            registration_id=registration.id,
            actor_id=actor.id,
            from_status="waitlisted",
            to_status="waitlisted",
            note=log_notes.moved_to(position),
        )
    )
    db.session.flush()


def record_attendance(actor, registration_id: int, *, attended: bool) -> Registration:
    """Check a confirmed participant in (attended) or mark a no-show; can be corrected."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or not can_manage(actor, registration.offering):
        raise RegistrationError("not_found")
    if registration.status not in HAS_PLACE:
        raise RegistrationError("not_confirmed")
    if not attendance_can_be_recorded(registration.offering):
        raise RegistrationError("not_started")
    target = "attended" if attended else "no_show"
    if registration.status != target:
        transition(registration, target, actor=actor)
        db.session.flush()
    return registration


def attendance_can_be_recorded(offering: Offering, now: datetime | None = None) -> bool:
    """From the first session's day (local time), when people start to arrive; a check-in
    weeks ahead would be a slip of the finger."""
    starts_at = offering.starts_at
    if starts_at is None:
        return False
    first_day = to_local(starts_at).replace(hour=0, minute=0, second=0, microsecond=0)
    return (now or utcnow()) >= first_day


def participants(offering: Offering, *, status: str = "", organisation_type: str = "", query=""):
    """The offering's registrations for its organisers, filtered; the waiting list in order.

    Returns (registration, waitlist position or None) pairs.
    """
    statement = (
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(Registration.offering_id == offering.id)
    )
    if status:
        statement = statement.where(Registration.status == status)
    if query:
        like = like_pattern(query.lower())
        statement = statement.where(
            folded(User.name).like(like, escape="\\") | folded(User.email).like(like, escape="\\")
        )
    rows = db.session.scalars(
        statement.order_by(Registration.waitlist_rank.is_(None), Registration.waitlist_rank)
        .order_by(User.name, Registration.id)
        .options(selectinload(Registration.user))
    ).all()
    if organisation_type:
        rows = [r for r in rows if (r.answers or {}).get("organisation_type") == organisation_type]
    position = 0
    result = []
    for registration in rows:
        if registration.status == "waitlisted" and not status:
            position += 1
            result.append((registration, position))
        elif registration.status == "waitlisted":
            result.append((registration, waitlist_position(registration)))
        else:
            result.append((registration, None))
    return result


def registration_log(offering: Offering) -> list[RegistrationLog]:
    """Every logged change to the offering's registrations, newest first."""
    return list(
        db.session.scalars(
            select(RegistrationLog)
            .join(Registration, Registration.id == RegistrationLog.registration_id)
            .where(Registration.offering_id == offering.id)
            .order_by(RegistrationLog.id.desc())
            .options(
                selectinload(RegistrationLog.actor),
                selectinload(RegistrationLog.registration).selectinload(Registration.user),
            )
        )
    )


def confirmed_participants(offering: Offering, query: str = "") -> list[Registration]:
    """Those holding a confirmed seat (and those already checked in), by name; only those
    whose name or e-mail holds every word of ``query``, in any order (the check-in
    search: "haugen nora" finds Nora Haugen). The
    search is made here, not in SQL: SQLite's lower() knows no Æ, Ø and Å, and the list
    is the few people of one offering."""
    everyone = db.session.scalars(
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(
            Registration.offering_id == offering.id,
            Registration.status.in_(HAS_PLACE),
        )
        .order_by(func.lower(User.name), Registration.id)
        .options(selectinload(Registration.user))
    ).all()
    words = query.casefold().split()
    return [
        r
        for r in everyone
        if all(w in r.user.name.casefold() or w in r.user.email.casefold() for w in words)
    ]
