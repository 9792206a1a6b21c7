"""What the register button says on an offering's page, for the person looking at it."""

from __future__ import annotations

from sqlalchemy import select

from lms.events.models import Offering
from lms.events.services import is_network_member
from lms.extensions import db
from lms.registrations.models import Registration
from lms.registrations.seats import SeatCounts
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
