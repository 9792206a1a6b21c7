"""What the register button says on an offering's page, for the person looking at it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.core.urls import url_or_none
from lms.events.models import Offering
from lms.events.services import is_network_member
from lms.extensions import db
from lms.registrations.models import Registration
from lms.registrations.seats import SeatCounts, seat_counts
from lms.registrations.statuses import ACTIVE, HAS_PLACE
from lms.timeutil import utcnow


def registration_for(user, offering: Offering) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Registration).where(
            Registration.offering_id == offering.id, Registration.user_id == user.id
        )
    )


def register_action(
    user, offering: Offering, counts: SeatCounts, registration=None, now=None
) -> str:
    """What pressing "register" would do for ``user``, as one word for the page:

    ``registered`` / ``waitlisted`` / ``pending`` / ``offered`` (already in),
    ``cancelled`` (the offering), ``not_open`` (window not open yet), ``closed``,
    ``members_only``, ``register``, ``waitlist`` (full: joins the list), ``apply``
    (approval needed).
    """
    now = now or utcnow()
    if offering.status == "cancelled":
        return "cancelled"
    if registration is not None and registration.status in ACTIVE:
        return "registered" if registration.status in HAS_PLACE else registration.status
    if offering.status != "published":
        return "closed"
    if offering.registration_opens_at and now < offering.registration_opens_at:
        return "not_open"
    if not offering.registration_is_open(now):
        return "closed"
    if offering.members_only and not is_network_member(user, offering.network_id):
        return "members_only"
    if offering.requires_approval:
        return "apply"
    if counts.seats_left > 0 and counts.waitlisted == 0:
        return "register"
    return "waitlist"


@dataclass(frozen=True)
class RegisterBox:
    """What the registration box of an offering's page shows (``_register_box.html``):
    the seats, the viewer's own registration and what pressing the button would do."""

    offering: Offering
    counts: SeatCounts
    registration: Registration | None
    action: str
    my_registrations_url: str | None


def register_box(user, offering: Offering) -> RegisterBox:
    counts = seat_counts(offering)
    registration = registration_for(user, offering)
    return RegisterBox(
        offering=offering,
        counts=counts,
        registration=registration,
        action=register_action(user, offering, counts, registration),
        my_registrations_url=url_or_none("lms_registrations.mine"),
    )
