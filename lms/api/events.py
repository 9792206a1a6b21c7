"""Events API: the catalogue, one offering, and registering through it.

Routes are added to the ``lms_api`` blueprint (``lms/api/views.py`` imports this
module), so they share its authentication and CSRF rules. Services decide who may
do what; ``ERROR_STATUS`` is the one place a ``RegistrationError`` becomes an HTTP
status.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import load_only, selectinload
from werkzeug.routing import BuildError

from lms.api.views import bp
from lms.core.errors import api_error
from lms.events.models import KINDS, THEMES, Offering
from lms.extensions import db
from lms.registrations import services
from lms.registrations.models import HOLDS_SEAT, Registration
from lms.registrations.services import RegistrationError

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
LIST_COLUMNS = (
    "id", "kind", "status", "title", "summary", "themes", "venue", "room", "address",
    "online_url", "capacity", "registration_opens_at", "registration_closes_at",
)  # fmt: skip


def registration_error(error: RegistrationError):
    status = ERROR_STATUS.get(error.code, 422)
    return api_error(status, ERROR_MESSAGES.get(error.code, error.code), error.code)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LMS_TIMEZONE"])


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(_zone()).isoformat() if value is not None else None


_SENTINEL_ID = 2147483647


def _url_maker(endpoint: str):
    """``id -> absolute URL`` for ``endpoint``: one ``url_for`` per request, not per row.

    A long catalogue spent a sixth of its time in ``url_for``. ``None`` when the
    endpoint does not exist (an area that has not added its route).
    """
    try:
        pattern = url_for(endpoint, offering_id=_SENTINEL_ID, _external=True)
    except BuildError:
        return lambda _id: None
    head, _, tail = pattern.rpartition(str(_SENTINEL_ID))
    return lambda offering_id: f"{head}{offering_id}{tail}"


def _counts_for(offering_ids: list[int]) -> dict[int, dict[str, int]]:
    """Registrations by status for many offerings, in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if offering_ids:
        rows = db.session.execute(
            select(Registration.offering_id, Registration.status, func.count())
            .where(Registration.offering_id.in_(offering_ids))
            .group_by(Registration.offering_id, Registration.status)
        )
        for offering_id, status, n in rows:
            counts[offering_id][status] = n
    return counts


def _summary(offering: Offering, by_status: dict[str, int], urls=None) -> dict:
    detail_url, ics_url = urls or (
        _url_maker("lms_events.detail"),
        _url_maker("lms_calendar.offering_ics"),
    )
    held = sum(by_status.get(s, 0) for s in HOLDS_SEAT)
    return {
        "id": offering.id,
        "kind": offering.kind,
        "status": offering.status,
        "title": offering.title,
        "summary": offering.summary,
        "themes": list(offering.themes or []),
        "starts_at": _iso(offering.starts_at),
        "ends_at": _iso(offering.ends_at),
        "timezone": current_app.config["LMS_TIMEZONE"],
        "location": ", ".join(p for p in (offering.venue, offering.room, offering.address) if p),
        "online_url": offering.online_url or None,
        "capacity": offering.capacity,
        "confirmed_count": by_status.get("confirmed", 0),
        "waitlist_count": by_status.get("waitlisted", 0),
        "seats_left": max(offering.capacity - held, 0),
        "registration_open": offering.registration_is_open(),
        "url": detail_url(offering.id),
        "ics_url": ics_url(offering.id),
    }


def _soonest_first(starts_at: datetime | None, row_id: int) -> tuple:
    """A sort key: dated offerings by start, then those without sessions."""
    return (starts_at is None, starts_at.timestamp() if starts_at else 0.0, row_id)


def _day_start(value: str, name: str) -> datetime:
    """The start of an ISO date in the LMS time zone; ValueError names the parameter."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{name}' must be an ISO date (YYYY-MM-DD).") from None
    return datetime.combine(day, time.min, tzinfo=_zone())


@bp.get("/events")
def events():
    """Published offerings, soonest first; filters: kind, theme, from, to (ISO dates)."""
    args = request.args
    kind, theme = args.get("kind"), args.get("theme")
    if kind is not None and kind not in KINDS:
        return api_error(400, f"'kind' must be one of {', '.join(KINDS)}.", "invalid_parameter")
    if theme is not None and theme not in THEMES:
        return api_error(400, f"'theme' must be one of {', '.join(THEMES)}.", "invalid_parameter")
    try:
        after = _day_start(args["from"], "from") if "from" in args else None
        before = _day_start(args["to"], "to") + timedelta(days=1) if "to" in args else None
    except (ValueError, OverflowError) as error:
        return api_error(400, str(error) or "Invalid date.", "invalid_parameter")

    query = select(Offering).where(Offering.status == "published")
    if kind:
        query = query.where(Offering.kind == kind)
    # Only the columns the list shows (no descriptions, fewer JSON columns to decode).
    columns = load_only(*(getattr(Offering, c) for c in LIST_COLUMNS), raiseload=False)
    offerings = db.session.scalars(query.options(columns, selectinload(Offering.sessions))).all()
    chosen = [
        o
        for o in offerings
        if (not theme or theme in (o.themes or []))
        and (after is None or (o.ends_at is not None and o.ends_at >= after))
        and (before is None or (o.starts_at is not None and o.starts_at < before))
    ]
    chosen.sort(key=lambda o: _soonest_first(o.starts_at, o.id))
    counts = _counts_for([o.id for o in chosen])
    urls = (_url_maker("lms_events.detail"), _url_maker("lms_calendar.offering_ics"))
    return {"events": [_summary(o, counts[o.id], urls) for o in chosen]}


def _visible_offering(offering_id: int) -> Offering | None:
    offering = db.session.get(Offering, offering_id)
    if offering is None:
        return None
    if offering.status in ("draft", "archived") and not offering.can_edit(current_user):
        return None
    return offering


@bp.get("/events/<lms_id:offering_id>")
def event(offering_id: int):
    """One offering with its sessions."""
    offering = _visible_offering(offering_id)
    if offering is None:
        return api_error(404, ERROR_MESSAGES["not_found"])
    body = _summary(offering, _counts_for([offering.id])[offering.id])
    body["description_md"] = offering.description_md
    body["questions"] = list(offering.questions or [])
    body["consent_text"] = offering.consent_text or None
    body["requires_approval"] = offering.requires_approval
    body["members_only"] = offering.members_only
    body["sessions"] = [
        {
            "id": s.id,
            "uid": s.uid,
            "title": s.title,
            "starts_at": _iso(s.starts_at),
            "ends_at": _iso(s.ends_at),
            "venue": s.venue,
            "room": s.room,
            "status": s.status,
        }
        for s in offering.sessions
    ]
    return body


def _registration_body() -> tuple[dict, bool]:
    """``(answers, consent)`` from an optional JSON body; ValueError says what is wrong."""
    if not request.get_data(cache=True):
        return {}, False
    payload = request.get_json(silent=True)
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
        raise ValueError(f"'answers' must map questions to texts of at most {MAX_ANSWER_LENGTH}.")
    return answers, consent


@bp.post("/events/<lms_id:offering_id>/registrations")
def register(offering_id: int):
    """Register the caller: 201 with the status (confirmed, waitlisted or pending)."""
    try:
        answers, consent = _registration_body()
    except ValueError as error:
        return api_error(400, str(error), "invalid_body")
    try:
        registration = services.register(
            current_user, offering_id, answers=answers, consent=consent
        )
    except RegistrationError as error:
        db.session.rollback()
        return registration_error(error)
    position = services.waitlist_position(registration)
    body = {"id": registration.id, "status": registration.status, "waitlist_position": position}
    db.session.commit()
    return body, 201


@bp.delete("/events/<lms_id:offering_id>/registrations/me")
def unregister(offering_id: int):
    """Cancel the caller's registration (or leave the list); the next in line moves up."""
    registration = services.find_registration(current_user, offering_id)
    if registration is None or _visible_offering(offering_id) is None:
        return api_error(404, "You are not registered for this event.")
    try:
        services.cancel(current_user, registration.id)
    except RegistrationError as error:
        db.session.rollback()
        return registration_error(error)
    db.session.commit()
    return "", 204


def _positions(registrations: list[Registration]) -> dict[int, int]:
    """Waiting-list positions (1 = next) for the waitlisted ones, in one query."""
    waiting = {r.offering_id: r for r in registrations if r.status == "waitlisted"}
    if not waiting:
        return {}
    rows = db.session.execute(
        select(Registration.offering_id, Registration.id)
        .where(Registration.offering_id.in_(waiting), Registration.status == "waitlisted")
        .order_by(Registration.offering_id, Registration.waitlist_rank, Registration.id)
    )
    positions, seen = {}, defaultdict(int)
    for offering_id, registration_id in rows:
        seen[offering_id] += 1
        positions[registration_id] = seen[offering_id]
    return positions


@bp.get("/me/registrations")
def my_registrations():
    """The caller's registrations, soonest event first."""
    rows = db.session.scalars(
        select(Registration)
        .where(Registration.user_id == current_user.id)
        .options(selectinload(Registration.offering).selectinload(Offering.sessions))
    ).all()
    positions = _positions(rows)
    rows = sorted(rows, key=lambda r: _soonest_first(r.offering.starts_at, r.id))
    return {
        "registrations": [
            {
                "id": r.id,
                "status": r.status,
                "waitlist_position": positions.get(r.id),
                "offer_expires_at": _iso(r.offer_expires_at),
                "created_at": _iso(r.created_at),
                "event": {
                    "id": r.offering.id,
                    "title": r.offering.title,
                    "status": r.offering.status,
                    "starts_at": _iso(r.offering.starts_at),
                    "ends_at": _iso(r.offering.ends_at),
                    "url": url_for("lms_events.detail", offering_id=r.offering_id, _external=True),
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
    positions = _positions(rows)
    return {
        "registrations": [
            {
                "id": r.id,
                "status": r.status,
                "waitlist_position": positions.get(r.id),
                "created_at": _iso(r.created_at),
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
