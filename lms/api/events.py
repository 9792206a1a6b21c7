"""Events API: the catalogue, one offering, and registering through it.

Routes are added to the ``lms_api`` blueprint (``lms/api/views.py`` imports this
module), so they share its authentication and CSRF rules. Services decide who may
do what; ``ERROR_STATUS`` is the one place a ``RegistrationError`` becomes an HTTP
status.
"""

from __future__ import annotations

from datetime import datetime

from flask import request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.api.blueprint import bp, cacheable, json_bytes, public
from lms.api.serialise import detail, iso
from lms.core.errors import api_error
from lms.core.urls import external_url
from lms.events import services as event_services
from lms.events.models import Offering
from lms.extensions import db
from lms.registrations import services
from lms.registrations.models import Registration
from lms.registrations.online_links import online_url_for
from lms.registrations.seats import seat_counts, waitlist_positions
from lms.registrations.services import RegistrationError
from lms.registrations.statuses import ACTIVE

# RegistrationError code -> HTTP status. Anything not listed is a 422.
ERROR_STATUS = {
    "not_found": 404,
    "forbidden": 403,
    "members_only": 403,
    "already_registered": 409,
    "closed": 422,
    "cancelled": 422,
    "consent_required": 422,
    "not_cancellable": 422,
    "deadline_passed": 422,
}
ERROR_MESSAGES = {
    "not_found": "No such event.",
    "forbidden": "You may not do that.",
    "members_only": "Only members of the network may register.",
    "already_registered": "You are already registered.",
    "closed": "Registration is not open.",
    "cancelled": "The event is cancelled.",
    "consent_required": 'The event needs your consent: send "consent": true.',
    "not_cancellable": "That registration can no longer be cancelled.",
    "deadline_passed": "The cancellation deadline has passed.",
}
MAX_ANSWER_LENGTH = 500


def registration_error(error: RegistrationError):
    status = ERROR_STATUS.get(error.code, 422)
    return api_error(status, ERROR_MESSAGES.get(error.code, error.code), error.code)


def _soonest_first(starts_at: datetime | None, row_id: int) -> tuple:
    """A sort key: dated offerings by start, then those without sessions."""
    return (starts_at is None, starts_at.timestamp() if starts_at else 0.0, row_id)


def _visible_offering(offering_id: int) -> Offering | None:
    offering = db.session.get(Offering, offering_id)
    if offering is None or not event_services.may_see(current_user, offering):
        return None
    return offering


@bp.get("/events/<lms_id:offering_id>")
@public
def event(offering_id: int):
    """One offering with its sessions; a draft only for its editors (``may_see``)."""
    offering = _visible_offering(offering_id)
    if offering is None:
        return api_error(404, ERROR_MESSAGES["not_found"])
    counts = seat_counts(offering)
    online_url = online_url_for(current_user, offering)
    return cacheable(json_bytes(detail(offering, counts, online_url)))


def _registration_body() -> tuple[dict, bool]:
    """``(answers, consent)`` from an optional JSON body; ValueError says what is wrong."""
    if not request.get_data(cache=True):
        return {}, False
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        raise ValueError("The body is nested too deeply.") from None
    if not isinstance(payload, dict):
        raise ValueError("The body must be a JSON object.")
    unknown = set(payload) - {"answers", "consent"}
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(map(str, unknown)))}.")
    answers = payload.get("answers", {})
    consent = payload.get("consent", False)
    if not isinstance(consent, bool):
        raise ValueError("'consent' must be true or false.")
    if not isinstance(answers, dict) or not all(
        isinstance(v, str) and len(v) <= MAX_ANSWER_LENGTH for v in answers.values()
    ):
        raise ValueError(
            f"'answers' must map questions to texts of at most {MAX_ANSWER_LENGTH} characters."
        )
    if not all(_storable(text) for pair in answers.items() for text in pair):
        raise ValueError("'answers' holds a character no text may hold (NUL or half a pair).")
    return answers, consent


def _storable(text: str) -> bool:
    """Text a database can keep: JSON may escape a NUL or a lone UTF-16 surrogate, which
    PostgreSQL refuses and no page or export could encode."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@bp.post("/events/<lms_id:offering_id>/registrations")
def register(offering_id: int):
    """Register the caller: 201 with the status (confirmed, waitlisted or pending)."""
    try:
        answers, consent = _registration_body()
    except ValueError as error:
        return api_error(400, str(error), "invalid_body")
    try:
        registered = services.register(current_user, offering_id, answers=answers, consent=consent)
    except RegistrationError as error:
        db.session.rollback()
        return registration_error(error)
    db.session.commit()
    return {
        "id": registered.id,
        "status": registered.status,
        "waitlist_position": registered.waitlist_position,
    }, 201


@bp.delete("/events/<lms_id:offering_id>/registrations/me")
def unregister(offering_id: int):
    """Cancel the caller's registration (or leave the list); the next in line moves up."""
    registration = services.find_registration(current_user, offering_id)
    active = registration is not None and registration.status in ACTIVE
    if not active or _visible_offering(offering_id) is None:  # cancelled before: not there
        return api_error(404, "You are not registered for this event.")
    try:
        services.cancel(current_user, registration.id)
    except RegistrationError as error:
        db.session.rollback()
        return registration_error(error)
    db.session.commit()
    return "", 204


@bp.get("/me/registrations")
def my_registrations():
    """The caller's registrations, soonest event first."""
    rows = db.session.scalars(
        select(Registration)
        .where(Registration.user_id == current_user.id)
        .options(selectinload(Registration.offering).selectinload(Offering.sessions))
    ).all()
    positions = waitlist_positions(rows)
    rows = sorted(rows, key=lambda r: _soonest_first(r.offering.starts_at, r.id))
    return {
        "registrations": [
            {
                "id": r.id,
                "status": r.status,
                "waitlist_position": positions.get(r.id),
                "offer_expires_at": iso(r.offer_expires_at),
                "created_at": iso(r.created_at),
                "event": {
                    "id": r.offering.id,
                    "title": r.offering.title,
                    "status": r.offering.status,
                    "starts_at": iso(r.offering.starts_at),
                    "ends_at": iso(r.offering.ends_at),
                    "url": external_url("lms_events.detail", offering_id=r.offering_id),
                },
            }
            for r in rows
        ]
    }


@bp.get("/events/<lms_id:offering_id>/registrations")
def event_registrations(offering_id: int):
    """Everyone registered for an offering: its organisers and instructors only."""
    offering = _visible_offering(offering_id)  # a draft stays a 404 to outsiders
    if offering is None:
        return api_error(404, ERROR_MESSAGES["not_found"])
    if not services.can_manage(current_user, offering):
        return api_error(403, "Only the event's organisers and instructors may see this.")
    rows = db.session.scalars(
        select(Registration)
        .where(Registration.offering_id == offering.id)
        .options(selectinload(Registration.user))
        .order_by(Registration.created_at, Registration.id)
    ).all()
    positions = waitlist_positions(rows)
    return {
        "registrations": [
            {
                "id": r.id,
                "status": r.status,
                "waitlist_position": positions.get(r.id),
                "created_at": iso(r.created_at),
                "answers": r.answers or {},
                "user": {
                    "id": r.user.id,
                    "name": r.user.name,
                    "email": r.user.email,
                    "organisation": r.user.organisation,
                },
            }
            for r in rows
        ]
    }
