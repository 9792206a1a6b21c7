"""What an organiser does to several participants of one offering at once: cancel their
registrations, or record that they came. Each is the one-person operation applied to
each chosen registration that it fits; the others are left alone and counted.

Every function checks ``can_manage`` itself, ``flush()``es and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.events.models import Offering
from lms.extensions import db
from lms.registrations import log_notes, manage, services
from lms.registrations.models import Registration
from lms.registrations.services import RegistrationError, can_manage
from lms.registrations.statuses import CANCELLABLE, HAS_PLACE


@dataclass
class Selection:
    """The chosen registrations of one offering, split by whether an action fits them."""

    fits: list[Registration] = field(default_factory=list)
    others: list[Registration] = field(default_factory=list)


def selected(actor, offering_id: int, ids, statuses) -> Selection:
    """The registrations among ``ids`` that belong to the offering, by name, split into
    those whose status is in ``statuses`` and the others."""
    offering = db.session.get(Offering, offering_id)
    if offering is None or not can_manage(actor, offering):
        raise RegistrationError("not_found")
    rows = db.session.scalars(
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(Registration.offering_id == offering.id, Registration.id.in_(list(ids)))
        .order_by(User.name, Registration.id)
        .options(selectinload(Registration.user))
    ).all()
    if not rows:
        raise RegistrationError("none_selected")
    result = Selection()
    for registration in rows:
        (result.fits if registration.status in statuses else result.others).append(registration)
    return result


def cancellable(actor, offering_id: int, ids) -> Selection:
    """Of the chosen, those an organiser may still cancel (``statuses.CANCELLABLE``)."""
    return selected(actor, offering_id, ids, CANCELLABLE)


def cancel_many(actor, offering_id: int, ids, note: str = log_notes.CANCELLED_BY_ORGANISER) -> int:
    """Cancel each chosen registration that can be (each is mailed, the line moves up);
    returns how many."""
    chosen = cancellable(actor, offering_id, ids)
    for registration in chosen.fits:
        services.cancel(actor, registration.id, note=note)
    return len(chosen.fits)


def attendance_many(actor, offering_id: int, ids) -> int:
    """Record each chosen participant with a place as attended (from the first day on,
    as check-in); returns how many."""
    chosen = selected(actor, offering_id, ids, HAS_PLACE)
    offering = db.session.get(Offering, offering_id)
    if not manage.attendance_can_be_recorded(offering):
        raise RegistrationError("not_started")
    for registration in chosen.fits:
        manage.record_attendance(actor, registration.id, attended=True)
    return len(chosen.fits)
