"""Registration operations that decide who holds a seat: register, cancel, the waiting
list (promotion, time-limited offers and their expiry), capacity, and "My registrations".

Every operation that can change who holds a seat takes the offering's lock first
(``lock_offering``) and counts seats *after* it, inside the same transaction; the
caller commits once. Mail goes through the outbox (``notify``), in the same
transaction, in the recipient's language. What organisers do to a participant list
(approve, promote or reorder by hand, check in, message) is in ``manage``; the
periodic reminder is in ``reminders``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from lms.core.service_errors import ServiceError
from lms.events.models import Offering, registration_window_open
from lms.events.services import PUBLIC_STATUSES, CapacityWarning
from lms.extensions import db
from lms.registrations import fast_register, log_notes, notify, signals
from lms.registrations.locking import lock_offering, take_offering_lock, widen_race_window
from lms.registrations.models import Registration, RegistrationLog
from lms.registrations.seats import seat_counts, waitlist_positions
from lms.registrations.status_change import OfferTerms, back_of_line, status_change
from lms.registrations.statuses import ACTIVE, CANCELLABLE, SEAT_TO_COME
from lms.timeutil import utcnow


class RegistrationError(ServiceError):
    """A refused registration operation; ``code`` says why (for messages and API errors)."""


def can_manage(user, offering: Offering) -> bool:
    """Organisers manage every offering's participants; instructors their own offerings'."""
    return offering.can_edit(user)


def find_registration(user, offering_id: int) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.offering_id == offering_id, Registration.user_id == user.id
        )
    )


def transition(
    registration: Registration,
    to_status: str,
    actor=None,
    note: str = "",
    *,
    now: datetime | None = None,
    offer: OfferTerms | None = None,
) -> None:
    """Change the status and log who, from, to; every status change of an ORM object
    goes through here. (``register`` writes a new registration in Core, from the same
    ``status_change``.)

    The values come from ``status_change``: a registration moved to the waiting list
    keeps the rank the caller set (``next_rank``), an offer needs the offering's
    ``offer`` terms, and ``now`` (default: the clock) stamps the row and its log.
    """
    change = status_change(
        registration.status,
        to_status,
        actor_id=getattr(actor, "id", None),
        note=note,
        now=now or utcnow(),
        offer=offer,
        waitlist_rank=registration.waitlist_rank,
    )
    registration.log.append(RegistrationLog(**change.log))
    for column, value in change.registration.items():
        setattr(registration, column, value)
    # A new row (an import) is not yet tied to its offering: read it (from the identity map).
    offering = registration.offering or db.session.get(Offering, registration.offering_id)
    signals.status_written.send(
        offering.kind,
        registration=registration,
        registration_id=registration.id,
        offering_id=offering.id,
        status=to_status,
    )


@dataclass(frozen=True)
class Registered:
    """What ``register`` decided: the registration's id, its status and, when on the
    waiting list, the person's place in it (1 = next)."""

    id: int
    status: str
    waitlist_position: int | None


def register(
    user,
    offering_id: int,
    *,
    answers: dict | None = None,
    consent: bool = False,
    now: datetime | None = None,
) -> Registered:
    """Register ``user``: confirmed while seats are free, else waitlisted (or pending).

    Raises ``RegistrationError`` with code ``not_found``, ``cancelled``, ``closed``,
    ``members_only``, ``consent_required`` or ``already_registered``. This is the write
    that comes in a rush, so it runs on SQLAlchemy Core (``fast_register``): the rules
    are here, and what the change writes comes from ``status_change``, as in
    ``transition``. ``now`` (default: the clock) is the moment it is judged and stamped.
    """
    now = now or utcnow()
    take_offering_lock(offering_id)
    offering = fast_register.read_snapshot(offering_id, user.id)
    if offering is None or offering.status not in PUBLIC_STATUSES:
        raise RegistrationError("not_found")  # a draft is not shown to those who register
    if offering.status == "cancelled":
        raise RegistrationError("cancelled")
    if not registration_window_open(
        offering.status,
        offering.registration_opens_at,
        offering.registration_closes_at,
        offering.starts_at,
        now,
    ):
        raise RegistrationError("closed")
    if offering.members_only and not offering.is_member:
        raise RegistrationError("members_only")
    if offering.existing_status in ACTIVE:  # before consent: asking twice is the conflict
        raise RegistrationError("already_registered")
    if offering.consent_text and not consent:
        raise RegistrationError("consent_required")

    widen_race_window()
    position = None
    if offering.requires_approval:
        status = "pending"
    elif offering.seats_left > 0 and offering.waitlisted == 0:
        status = "confirmed"
    else:
        status = "waitlisted"
        position = offering.waitlisted + 1  # the back of the line
    change = status_change(
        offering.existing_status,
        status,
        actor_id=user.id,
        note="",
        now=now,
        offer=OfferTerms(offering.offer_hours, offering.starts_at),
        waitlist_rank=back_of_line(offering.highest_rank),
    )
    registration_id = fast_register.write_registration(
        offering_id,
        user.id,
        offering.existing_id,
        change,
        answers={k: v for k, v in (answers or {}).items() if k in offering.questions},
        consent_given_at=now if consent else None,
        mail=notify.registered_mail(user, offering_id, status, position, offering.kind),
    )
    signals.status_written.send(
        offering.kind,
        registration=None,
        registration_id=registration_id,
        offering_id=offering_id,
        status=status,
    )
    return Registered(registration_id, status, position)


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
    held_seat = registration.status in SEAT_TO_COME
    transition(registration, "cancelled", actor=actor, note=note)
    db.session.flush()
    notify.cancelled(registration, held_seat=held_seat, note=note)
    promote_waitlist(offering)
    return registration


def cancel_deadline_passed(registration: Registration, now: datetime | None = None) -> bool:
    """Whether the participant may no longer give up their seat themselves.

    Only a confirmed seat is bound by the deadline: leaving the waiting list is always
    allowed, and so is turning down an offer, which passes the seat on sooner than
    letting the offer run out would."""
    if registration.status != "confirmed":
        return False
    offering = registration.offering
    deadline = offering.cancellation_deadline or offering.starts_at
    return deadline is not None and (now or utcnow()) >= deadline


def waitlist_moves(offering: Offering, now: datetime | None = None) -> bool:
    """Whether a seat given up now goes to the waiting list (a published offering whose
    registration is open; ``promote_waitlist`` moves nobody otherwise)."""
    return offering.status == "published" and offering.registration_is_open(now or utcnow())


def promote_waitlist(offering: Offering, now: datetime | None = None) -> list[Registration]:
    """Fill free seats from the front of the list (call with the offering locked).

    Auto mode confirms; offer mode holds the seat for ``offer_hours`` (never past the
    start). Nothing moves once registration has closed or the event has started.
    """
    now = now or utcnow()
    if not waitlist_moves(offering, now):
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
            terms = OfferTerms(offering.offer_hours, offering.starts_at)
            transition(registration, "offered", note=log_notes.OFFERED, now=now, offer=terms)
        else:
            transition(registration, "confirmed", note=log_notes.PROMOTED, now=now)
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
    transition(registration, "confirmed", actor=user, note=log_notes.OFFER_ACCEPTED)
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
            transition(registration, "expired", note=log_notes.OFFER_EXPIRED, now=now)
            db.session.flush()
            notify.registration_changed(registration)
            expired += 1
        promote_waitlist(offering, now)
    return expired


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


# --- My registrations (read only) -------------------------------------------------------


@dataclass
class MyRegistrations:
    """A person's registrations, sorted for "My registrations"."""

    offered: list
    upcoming: list
    waitlisted: list  # (registration, position)
    pending: list
    past: list


def my_registrations(user, now: datetime | None = None) -> MyRegistrations:
    """Group ``user``'s live registrations: offers first, then upcoming (a course under way
    included, until its last session ends), the list, pending, past."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Registration)
        .join(Offering, Offering.id == Registration.offering_id)
        .where(Registration.user_id == user.id, Registration.status.in_(ACTIVE))
        .options(contains_eager(Registration.offering))
        .order_by(Registration.id)
    ).all()
    # One query for every offering and its sessions, one for every waiting-list position:
    # the count stays the same however many registrations a person has.
    positions = waitlist_positions(rows)
    result = MyRegistrations([], [], [], [], [])
    for registration in rows:
        offering = registration.offering
        started = offering.starts_at is not None and offering.starts_at <= now
        over = offering.ends_at is not None and offering.ends_at <= now
        if registration.status in ("attended", "no_show") or (
            over and registration.status == "confirmed"
        ):
            result.past.append(registration)
        elif started and registration.status != "confirmed":
            continue  # a list or offer that never turned into a seat
        elif registration.status == "offered":
            result.offered.append(registration)
        elif registration.status == "confirmed":
            result.upcoming.append(registration)
        elif registration.status == "waitlisted":
            result.waitlisted.append((registration, positions.get(registration.id)))
        elif registration.status == "pending":
            result.pending.append(registration)

    def start_of(registration):
        return registration.offering.starts_at or now

    result.upcoming.sort(key=start_of)
    result.past.sort(key=start_of, reverse=True)
    return result
