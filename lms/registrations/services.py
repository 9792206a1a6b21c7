"""Registration operations: register, cancel, waiting list, offers, approvals, attendance.

Every operation that can change who holds a seat takes the offering's lock first
(``lock_offering``) and counts seats *after* it, inside the same transaction; the
caller commits once. Mail goes through the outbox (``notify``), in the same
transaction, in the recipient's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.events.models import NetworkMembership, Offering
from lms.extensions import db
from lms.registrations import notify
from lms.registrations.locking import lock_offering, widen_race_window
from lms.registrations.models import HOLDS_SEAT, Registration, RegistrationLog
from lms.timeutil import utcnow

ACTIVE = ("pending", "confirmed", "waitlisted", "offered", "attended", "no_show")
CANCELLABLE = ("pending", "confirmed", "waitlisted", "offered")


class RegistrationError(Exception):
    """A refused registration operation; ``code`` says why (for messages and API errors)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class CapacityWarning(RegistrationError):
    """The operation would put more people in seats than the offering has; ask to confirm."""

    def __init__(self, held: int, capacity: int) -> None:
        super().__init__("over_capacity")
        self.held, self.capacity = held, capacity


@dataclass(frozen=True)
class SeatCounts:
    capacity: int
    held: int  # confirmed + offered (+ attended/no-show)
    confirmed: int
    offered: int
    pending: int
    waitlisted: int

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.held, 0)


def seat_counts(offering: Offering) -> SeatCounts:
    """Count the offering's registrations by status, in one query."""
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.offering_id == offering.id)
        .group_by(Registration.status)
    ).all()
    by_status = dict(rows)
    return SeatCounts(
        capacity=offering.capacity,
        held=sum(by_status.get(s, 0) for s in HOLDS_SEAT),
        confirmed=by_status.get("confirmed", 0),
        offered=by_status.get("offered", 0),
        pending=by_status.get("pending", 0),
        waitlisted=by_status.get("waitlisted", 0),
    )


def can_manage(user, offering: Offering) -> bool:
    """Organisers manage every offering's participants; instructors their own offerings'."""
    return offering.can_edit(user)


def is_member(user, offering: Offering) -> bool:
    if offering.network_id is None:
        return True
    return (
        db.session.scalar(
            select(func.count())
            .select_from(NetworkMembership)
            .where(
                NetworkMembership.network_id == offering.network_id,
                NetworkMembership.user_id == user.id,
                NetworkMembership.status == "approved",
            )
        )
        > 0
    )


def find_registration(user, offering_id: int) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.offering_id == offering_id, Registration.user_id == user.id
        )
    )


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not on the list."""
    if registration.status != "waitlisted":
        return None
    ahead = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.offering_id == registration.offering_id,
            Registration.status == "waitlisted",
            Registration.waitlist_rank < registration.waitlist_rank,
        )
    )
    return ahead + 1


def _next_rank(offering_id: int) -> int:
    highest = db.session.scalar(
        select(func.max(Registration.waitlist_rank)).where(Registration.offering_id == offering_id)
    )
    return (highest or 0) + 1


def _transition(registration: Registration, to_status: str, actor=None, note: str = "") -> None:
    registration.log.append(
        RegistrationLog(
            actor_id=getattr(actor, "id", None),
            from_status=registration.status,
            to_status=to_status,
            note=note,
        )
    )
    registration.status = to_status
    if to_status != "offered":
        registration.offer_expires_at = None


def register(user, offering_id: int, *, answers: dict | None = None, consent: bool = False):
    """Register ``user``: confirmed while seats are free, else waitlisted (or pending).

    Raises ``RegistrationError`` with code ``not_found``, ``cancelled``, ``closed``,
    ``members_only``, ``consent_required`` or ``already_registered``.
    """
    offering = lock_offering(offering_id)
    if offering is None or offering.status in ("draft", "archived"):
        raise RegistrationError("not_found")
    if offering.status == "cancelled":
        raise RegistrationError("cancelled")
    if not offering.registration_is_open():
        raise RegistrationError("closed")
    if offering.members_only and not is_member(user, offering):
        raise RegistrationError("members_only")
    if offering.consent_text and not consent:
        raise RegistrationError("consent_required")
    registration = find_registration(user, offering_id)
    if registration is not None and registration.status in ACTIVE:
        raise RegistrationError("already_registered")

    counts = seat_counts(offering)
    widen_race_window()
    if offering.requires_approval:
        status = "pending"
    elif counts.seats_left > 0 and counts.waitlisted == 0:
        status = "confirmed"
    else:
        status = "waitlisted"

    # Ranked before the new row is added: a query would autoflush it half-made.
    rank = _next_rank(offering.id) if status == "waitlisted" else None
    if registration is None:
        registration = Registration(offering_id=offering.id, user_id=user.id, status=None)
    registration.answers = {k: v for k, v in (answers or {}).items() if k in offering.questions}
    registration.consent_given_at = utcnow() if consent else None
    registration.waitlist_rank = rank
    _transition(registration, status, actor=user)
    db.session.add(registration)
    db.session.flush()
    notify.registration_changed(registration)
    return registration


def cancel(actor, registration_id: int, *, note: str = "") -> Registration:
    """Cancel a registration (or leave the waiting list); the next in line moves up.

    A participant may cancel their own until the cancellation deadline; an organiser
    (or the offering's instructor) any time.
    """
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise RegistrationError("not_found")
    offering = lock_offering(registration.offering_id)
    db.session.refresh(registration)
    manager = can_manage(actor, offering)
    if registration.user_id != actor.id and not manager:
        raise RegistrationError("not_found")
    if registration.status not in CANCELLABLE:
        raise RegistrationError("not_cancellable")
    if not manager and cancel_deadline_passed(registration):
        raise RegistrationError("deadline_passed")
    _transition(registration, "cancelled", actor=actor, note=note)
    registration.waitlist_rank = None
    db.session.flush()
    notify.registration_changed(registration)
    promote_waitlist(offering)
    return registration


def cancel_deadline_passed(registration: Registration, now: datetime | None = None) -> bool:
    """Whether the participant may no longer give up their seat themselves (leaving the
    waiting list is always allowed)."""
    if registration.status not in ("confirmed", "offered"):
        return False
    offering = registration.offering
    deadline = offering.cancellation_deadline or offering.starts_at
    return deadline is not None and (now or utcnow()) >= deadline


def promote_waitlist(offering: Offering, now: datetime | None = None) -> list[Registration]:
    """Fill free seats from the front of the list (call with the offering locked).

    Auto mode confirms; offer mode holds the seat for ``offer_hours`` (never past the
    start). Nothing moves once registration has closed or the event has started.
    """
    now = now or utcnow()
    if offering.status != "published" or not offering.registration_is_open(now):
        return []
    free = seat_counts(offering).seats_left
    if free <= 0:
        return []
    line = db.session.scalars(
        select(Registration)
        .where(Registration.offering_id == offering.id, Registration.status == "waitlisted")
        .order_by(Registration.waitlist_rank, Registration.id)
        .limit(free)
    ).all()
    for registration in line:
        if offering.waitlist_mode == "offer":
            expires = now + timedelta(hours=offering.offer_hours)
            if offering.starts_at is not None:
                expires = min(expires, offering.starts_at)
            _transition(registration, "offered", note="seat offered")
            registration.offer_expires_at = expires
        else:
            _transition(registration, "confirmed", note="promoted from the waiting list")
        registration.waitlist_rank = None
        db.session.flush()
        notify.registration_changed(registration)
    return list(line)


def accept_offer(user, registration_id: int) -> Registration:
    """Take an offered seat before the offer expires."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != user.id:
        raise RegistrationError("not_found")
    offering = lock_offering(registration.offering_id)
    db.session.refresh(registration)
    if registration.status != "offered":
        raise RegistrationError("no_offer")
    if offering.status != "published":
        raise RegistrationError("cancelled")
    if registration.offer_expires_at is not None and registration.offer_expires_at <= utcnow():
        raise RegistrationError("offer_expired")
    _transition(registration, "confirmed", actor=user, note="offer accepted")
    db.session.flush()
    notify.registration_changed(registration)
    return registration


def expire_offers(now: datetime | None = None) -> int:
    """Expire every offer past its time and pass each seat to the next in line."""
    now = now or utcnow()
    offering_ids = db.session.scalars(
        select(Registration.offering_id)
        .where(Registration.status == "offered", Registration.offer_expires_at <= now)
        .distinct()
    ).all()
    expired = 0
    for offering_id in offering_ids:
        offering = lock_offering(offering_id)
        due = db.session.scalars(
            select(Registration).where(
                Registration.offering_id == offering_id,
                Registration.status == "offered",
                Registration.offer_expires_at <= now,
            )
        ).all()
        for registration in due:
            _transition(registration, "expired", note="offer expired")
            db.session.flush()
            notify.registration_changed(registration)
            expired += 1
        promote_waitlist(offering, now)
    return expired


def decide_pending(actor, registration_id: int, *, approve: bool) -> Registration:
    """An organiser approves (seat or waiting list) or declines a pending registration."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise RegistrationError("not_found")
    offering = lock_offering(registration.offering_id)
    if not can_manage(actor, offering):
        raise RegistrationError("forbidden")
    db.session.refresh(registration)
    if registration.status != "pending":
        raise RegistrationError("not_pending")
    if not approve:
        _transition(registration, "declined", actor=actor)
    else:
        counts = seat_counts(offering)
        if counts.seats_left > 0 and counts.waitlisted == 0:
            _transition(registration, "confirmed", actor=actor, note="approved")
        else:
            registration.waitlist_rank = _next_rank(offering.id)
            _transition(registration, "waitlisted", actor=actor, note="approved")
    db.session.flush()
    notify.registration_changed(registration)
    return registration


def promote_by_hand(actor, registration_id: int, *, allow_over_capacity: bool = False):
    """An organiser confirms someone from the list; warns (raises) when no seat is free."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise RegistrationError("not_found")
    offering = lock_offering(registration.offering_id)
    if not can_manage(actor, offering):
        raise RegistrationError("forbidden")
    db.session.refresh(registration)
    if registration.status not in ("waitlisted", "pending", "offered"):
        raise RegistrationError("not_promotable")
    counts = seat_counts(offering)
    held_after = counts.held + (0 if registration.status == "offered" else 1)
    if held_after > offering.capacity and not allow_over_capacity:
        raise CapacityWarning(held_after, offering.capacity)
    registration.waitlist_rank = None
    _transition(registration, "confirmed", actor=actor, note="promoted by an organiser")
    db.session.flush()
    notify.registration_changed(registration)
    return registration


def move_in_waitlist(actor, registration_id: int, position: int) -> None:
    """Put a waitlisted person at ``position`` (1 = first); the others keep their order."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise RegistrationError("not_found")
    offering = lock_offering(registration.offering_id)
    if not can_manage(actor, offering):
        raise RegistrationError("forbidden")
    line = db.session.scalars(
        select(Registration)
        .where(Registration.offering_id == offering.id, Registration.status == "waitlisted")
        .order_by(Registration.waitlist_rank, Registration.id)
    ).all()
    if registration not in line:
        raise RegistrationError("not_waitlisted")
    line.remove(registration)
    line.insert(max(0, min(position - 1, len(line))), registration)
    base = _next_rank(offering.id)
    for offset, entry in enumerate(line):
        entry.waitlist_rank = base + offset
    db.session.add(
        RegistrationLog(
            registration_id=registration.id,
            actor_id=actor.id,
            from_status="waitlisted",
            to_status="waitlisted",
            note=f"moved to position {position}",
        )
    )
    db.session.flush()


def set_capacity(actor, offering_id: int, capacity: int, *, allow_below_held: bool = False):
    """Change the number of seats. Lowering it below the seats already held raises a
    ``CapacityWarning`` unless confirmed; nobody is ever dropped. Raising it promotes."""
    offering = lock_offering(offering_id)
    if offering is None or not can_manage(actor, offering):
        raise RegistrationError("not_found")
    if capacity < 0:
        raise RegistrationError("invalid_capacity")
    counts = seat_counts(offering)
    if capacity < counts.held and not allow_below_held:
        raise CapacityWarning(counts.held, capacity)
    offering.capacity = capacity
    db.session.flush()
    promote_waitlist(offering)
    return offering


def record_attendance(actor, registration_id: int, *, attended: bool) -> Registration:
    """Check a confirmed participant in (attended) or mark a no-show; can be corrected."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or not can_manage(actor, registration.offering):
        raise RegistrationError("not_found")
    if registration.status not in ("confirmed", "attended", "no_show"):
        raise RegistrationError("not_confirmed")
    target = "attended" if attended else "no_show"
    if registration.status != target:
        _transition(registration, target, actor=actor)
        db.session.flush()
    return registration


# --- lists for pages (read only) ---------------------------------------------------------


@dataclass
class MyRegistrations:
    """A person's registrations, sorted for "My registrations"."""

    offered: list
    upcoming: list
    waitlisted: list  # (registration, position)
    pending: list
    past: list


def my_registrations(user, now: datetime | None = None) -> MyRegistrations:
    """Group ``user``'s live registrations: offers first, then upcoming, the list, pending, past."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Registration)
        .join(Offering, Offering.id == Registration.offering_id)
        .where(Registration.user_id == user.id, Registration.status.in_(ACTIVE))
        .order_by(Registration.id)
    ).all()
    result = MyRegistrations([], [], [], [], [])
    for registration in rows:
        offering = registration.offering
        starts = offering.starts_at
        ended = starts is not None and starts <= now
        if registration.status in ("attended", "no_show") or (
            ended and registration.status == "confirmed"
        ):
            result.past.append(registration)
        elif ended:
            continue  # a list or offer that never turned into a seat
        elif registration.status == "offered":
            result.offered.append(registration)
        elif registration.status == "confirmed":
            result.upcoming.append(registration)
        elif registration.status == "waitlisted":
            result.waitlisted.append((registration, waitlist_position(registration)))
        elif registration.status == "pending":
            result.pending.append(registration)

    def start_of(registration):
        return registration.offering.starts_at or now

    result.upcoming.sort(key=start_of)
    result.past.sort(key=start_of, reverse=True)
    return result


def participants(offering: Offering, *, status: str = "", organisation_type: str = "", query=""):
    """The offering's registrations for its organisers, filtered; the waiting list in order.

    Returns (registration, waitlist position or None) pairs.
    """
    from lms.accounts.models import User

    statement = (
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(Registration.offering_id == offering.id)
    )
    if status:
        statement = statement.where(Registration.status == status)
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(
            func.lower(User.name).like(like) | func.lower(User.email).like(like)
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


def confirmed_participants(offering: Offering) -> list[Registration]:
    """Those holding a confirmed seat (and those already checked in), by name."""
    from lms.accounts.models import User

    return list(
        db.session.scalars(
            select(Registration)
            .join(User, User.id == Registration.user_id)
            .where(
                Registration.offering_id == offering.id,
                Registration.status.in_(("confirmed", "attended", "no_show")),
            )
            .order_by(func.lower(User.name), Registration.id)
            .options(selectinload(Registration.user))
        )
    )


def message_participants(actor, offering_id: int, subject: str, text: str) -> int:
    """Queue ``subject`` and ``text`` to every confirmed participant; returns how many."""
    offering = db.session.get(Offering, offering_id)
    if offering is None or not can_manage(actor, offering):
        raise RegistrationError("not_found")
    recipients = [r for r in confirmed_participants(offering) if r.status == "confirmed"]
    for registration in recipients:
        notify.message(registration, subject, text, sender=actor)
    return len(recipients)


# --- reminders (periodic) ----------------------------------------------------------------


def offerings_due_for_reminder(days: int, now: datetime | None = None) -> list[int]:
    """Published offerings starting within ``days`` that have not had their reminder."""
    from lms.events.models import Session

    now = now or utcnow()
    first_start = (
        select(Session.offering_id, func.min(Session.starts_at).label("starts_at"))
        .where(Session.status != "cancelled")
        .group_by(Session.offering_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Offering.id)
            .join(first_start, first_start.c.offering_id == Offering.id)
            .where(
                Offering.status == "published",
                Offering.reminder_sent_at.is_(None),
                first_start.c.starts_at > now,
                first_start.c.starts_at <= now + timedelta(days=days),
            )
            .order_by(Offering.id)
        )
    )


def send_reminder(offering_id: int, now: datetime | None = None) -> int:
    """Queue the reminder to every confirmed participant, once per offering.

    ``reminder_sent_at`` is read and set under the offering's lock, so two workers that
    both saw the offering as due never both send. Returns the number of mails queued.
    """
    now = now or utcnow()
    offering = lock_offering(offering_id)
    if offering is None or offering.reminder_sent_at is not None:
        return 0
    if offering.status != "published":
        return 0
    registrations = [r for r in confirmed_participants(offering) if r.status == "confirmed"]
    widen_race_window()
    for registration in registrations:
        notify.reminder(registration)
    offering.reminder_sent_at = now
    db.session.flush()
    return len(registrations)
