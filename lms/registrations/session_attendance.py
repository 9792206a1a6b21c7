"""Check-in per session: who was there at each session of an offering.

A ``SessionAttendance`` row says a person was at one session. The registration's status
``attended`` stays the summary for the offering: checking someone in at any session also
records them as attended, through ``manage.record_attendance`` (so its permission and
"from the first day on" rules, and its log entry, are the ones of every check-in).
Undoing a session's check-in removes that row only; the summary stays as it is, because
it may rest on the other sessions, and an organiser who meant "did not come" says so
with the summary's own no-show button.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select

from lms.core.dates import to_local
from lms.events.models import Offering, OfferingSession
from lms.extensions import db
from lms.registrations import manage, signals
from lms.registrations.models import Registration, SessionAttendance
from lms.registrations.services import RegistrationError, can_manage
from lms.registrations.statuses import HAS_PLACE
from lms.timeutil import utcnow


def _check(actor, registration: Registration, session: OfferingSession) -> None:
    """The rules of ``manage.record_attendance`` (its predicates, not a copy), and the
    session must be one of the registration's offering that takes place."""
    offering = registration.offering
    if not can_manage(actor, offering):
        raise RegistrationError("not_found")
    if session.offering_id != offering.id or session.status == "cancelled":
        raise RegistrationError("not_found")
    if registration.status not in HAS_PLACE:
        raise RegistrationError("not_confirmed")
    if not manage.attendance_can_be_recorded(offering):
        raise RegistrationError("not_started")


def check_in_session(actor, registration: Registration, session: OfferingSession) -> bool:
    """Record that the person of ``registration`` was at ``session`` (and, as the
    offering's summary, that they attended). Checking in twice changes nothing. Returns
    True when a new check-in was recorded."""
    _check(actor, registration, session)
    existing = db.session.get(SessionAttendance, (registration.id, session.id))
    if existing is None:
        db.session.add(
            SessionAttendance(
                registration_id=registration.id,
                session_id=session.id,
                checked_in_by_id=getattr(actor, "id", None),
            )
        )
    if registration.status != "attended":
        manage.record_attendance(actor, registration.id, attended=True)
    db.session.flush()
    if existing is None:
        signals.session_checked_in.send(registration, session=session, actor=actor)
    return existing is None


def undo_check_in_session(actor, registration: Registration, session: OfferingSession) -> bool:
    """Take back a check-in at ``session`` (a slip of the finger). The summary status
    stays (see the module's docstring). Returns True when there was one to take back."""
    _check(actor, registration, session)
    result = db.session.execute(
        delete(SessionAttendance).where(
            SessionAttendance.registration_id == registration.id,
            SessionAttendance.session_id == session.id,
        )
    )
    db.session.flush()
    return bool(result.rowcount)


def checked_in_at(session_id: int) -> set[int]:
    """The registrations checked in at one session (ids), in one query."""
    return set(
        db.session.scalars(
            select(SessionAttendance.registration_id).where(
                SessionAttendance.session_id == session_id
            )
        )
    )


def sessions_attended(offering: Offering) -> dict[int, int]:
    """How many of the offering's sessions (not cancelled) each registration was checked
    in at, by registration id, in one query (the participant export's column)."""
    rows = db.session.execute(
        select(SessionAttendance.registration_id, func.count())
        .join(OfferingSession, OfferingSession.id == SessionAttendance.session_id)
        .where(OfferingSession.offering_id == offering.id, OfferingSession.status != "cancelled")
        .group_by(SessionAttendance.registration_id)
    )
    return {registration_id: count for registration_id, count in rows}


def default_session(
    sessions: list[OfferingSession], today: date | None = None
) -> OfferingSession | None:
    """The session the check-in page opens on: the first one of today (local time), else
    the first one."""
    today = today or to_local(utcnow()).date()
    for session in sessions:
        if to_local(session.starts_at).date() == today:
            return session
    return sessions[0] if sessions else None
