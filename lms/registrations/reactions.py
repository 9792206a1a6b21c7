"""The registrations area's answers to what the events area signals (``events.signals``).

Each receiver does, inside the transaction of the change, the registration work that
change causes; ``area.init_area`` connects them.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from lms.events import signals
from lms.events.models import Offering
from lms.events.services import EventError
from lms.extensions import db
from lms.registrations import log_notes, notify, reminders, services
from lms.registrations.models import Registration
from lms.registrations.statuses import CANCELLABLE
from lms.timeutil import utcnow


def apply_capacity(offering, *, actor, capacity: int, allow_below_held: bool) -> int:
    """A new capacity is checked against the seats held under the lock (``set_capacity``):
    below them it needs ``allow_below_held``; more seats promote from the waiting list."""
    services.set_capacity(actor, offering.id, capacity, allow_below_held=allow_below_held)
    return 0


def tell_rescheduled(offering) -> int:
    """Re-arm the reminder if the offering moved far, and mail those holding a seat."""
    reminders.rearm_if_moved(offering, current_app.config["LMS_REMINDER_DAYS"])
    if offering.status != "published":
        return 0
    return notify.offering_changed(offering)


def cancel_registrations(offering, *, actor, note: str) -> int:
    """The offering was cancelled whole: cancel every active registration (each mailed)."""
    ids = db.session.scalars(
        select(Registration.id)
        .where(Registration.offering_id == offering.id, Registration.status.in_(CANCELLABLE))
        .order_by(Registration.id)
    ).all()
    for registration_id in ids:
        services.cancel(actor, registration_id, note=note or log_notes.OFFERING_CANCELLED)
    return len(ids)


def count_cancellable(offering) -> int:
    """Asked before an offering is cancelled: how many registrations it would cancel
    (each person mailed), as ``cancel_registrations`` picks them."""
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.offering_id == offering.id, Registration.status.in_(CANCELLABLE))
    )


def refuse_deleting_registered(offering) -> int:
    """A draft with any registration row is not deleted: the rows would go with it."""
    held = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.offering_id == offering.id)
    )
    if held:
        raise EventError("not_deletable")
    return 0


def _members_only_places(network, user_id: int):
    """``user_id``'s active registrations for this network's members-only meetings that
    have not started, as (registration id, offering) pairs."""
    now = utcnow()
    rows = db.session.execute(
        select(Registration.id, Offering)
        .join(Offering, Offering.id == Registration.offering_id)
        .where(
            Registration.user_id == user_id,
            Registration.status.in_(CANCELLABLE),
            Offering.network_id == network.id,
            Offering.members_only.is_(True),
        )
        .order_by(Registration.id)
    ).all()
    return [
        (registration_id, offering)
        for registration_id, offering in rows
        if offering.starts_at is not None and offering.starts_at > now
    ]


def places_needing_membership(network, *, user_id: int) -> list:
    """Asked before someone leaves: the offerings whose places leaving would cancel."""
    return [offering for _id, offering in _members_only_places(network, user_id)]


def cancel_members_only_places(network, *, actor, user_id: int, note: str) -> int:
    """Cancel ``user_id``'s active registrations for this network's members-only meetings
    that have not started; meetings open to everyone do not depend on membership, and
    past meetings keep their attendance. A seat past its cancellation deadline is kept,
    as it would be if the person cancelled it themselves."""
    cancelled = 0
    for registration_id, _offering in _members_only_places(network, user_id):
        try:
            services.cancel(actor, registration_id, note=note)
        except services.RegistrationError:
            continue  # past the deadline: the seat is kept, as for a self-cancellation
        cancelled += 1
    return cancelled


def connect() -> None:
    """Connect the receivers (idempotent: blinker keeps one connection per receiver)."""
    signals.capacity_changing.connect(apply_capacity)
    signals.offering_rescheduled.connect(tell_rescheduled)
    signals.offering_cancelled.connect(cancel_registrations)
    signals.membership_ended.connect(cancel_members_only_places)
    signals.cancellation_reach.connect(count_cancellable)
    signals.places_needing_membership.connect(places_needing_membership)
    signals.offering_deleting.connect(refuse_deleting_registered)
