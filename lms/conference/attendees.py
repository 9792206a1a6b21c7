"""Attendees at the door: each conference registration that has a place gets a short code
(printed under the QR code of its confirmation mail), and the check-in reads it.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S,
8/B), random, unique per conference. It is made when the registration first gets a place,
in the transaction that gives it (the receiver of ``registrations.signals.status_written``),
under the offering's lock, so two registrations never draw the same code unseen.

Checking in goes through the registrations area (``session_attendance.check_in_session``):
its permission and "from the first day on" rules, and the day's attendance row, are the
engine's; the attendee row keeps when the person first came through the door.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import segno
from sqlalchemy import Integer, String, bindparam, exists, func, insert, select

from lms.accounts.models import User
from lms.conference.models import Conference
from lms.conference.registration import days_of
from lms.conference.release_models import Attendee
from lms.conference.services import ConferenceError
from lms.core.dates import to_local
from lms.events.services import require_organiser
from lms.extensions import db
from lms.registrations import session_attendance
from lms.registrations.models import Registration, SessionAttendance
from lms.registrations.services import RegistrationError
from lms.registrations.signals import MailChoice
from lms.registrations.statuses import HAS_PLACE
from lms.timeutil import utcnow

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalised(typed: str) -> str:
    """A code as typed or scanned: spaces and hyphens dropped, upper case."""
    return "".join(ch for ch in (typed or "").upper() if ch not in " -\t\r\n")[:40]


@cache
def _place_statement():
    """Built once per process: the conference of an offering, and the attendee row a
    registration already has (None when it has none)."""
    existing = (
        select(Attendee.id)
        .where(Attendee.registration_id == bindparam("registration"))
        .scalar_subquery()
    )
    return select(Conference.id, existing).where(Conference.offering_id == bindparam("offering"))


@cache
def _code_taken_statement():
    """Built once per process: whether a code is taken in a conference."""
    return select(Attendee.id).where(
        Attendee.conference_id == bindparam("conference"), Attendee.code == bindparam("code")
    )


@cache
def _give_statement():
    """Built once per process, and one round trip under the offering's lock (which every
    other registration of the rush waits for): the attendee row of registration
    ``:registration`` with code ``:code``, inserted only when the offering is a
    conference's, the registration has no row yet and the code is free; RETURNING says
    whether it was."""
    registration = bindparam("registration", type_=Integer)
    code = bindparam("code", type_=String)
    taken = exists().where(Attendee.conference_id == Conference.id, Attendee.code == code)
    has_one = exists().where(Attendee.registration_id == registration)
    chosen = select(Conference.id, registration, code).where(
        Conference.offering_id == bindparam("offering"), ~taken, ~has_one
    )
    table = Attendee.__table__  # Core, not the ORM's bulk insert of parameter lists
    columns = [table.c.conference_id, table.c.registration_id, table.c.code]
    return insert(table).from_select(columns, chosen).returning(table.c.id)


def _unused_code(conference_id: int) -> str:
    while True:
        code = new_code()
        taken = db.session.scalar(
            _code_taken_statement(), {"conference": conference_id, "code": code}
        )
        if taken is None:
            return code


def give_code(offering_kind, *, registration, registration_id, offering_id, status) -> None:
    """The receiver of ``status_written`` for conference offerings: a registration that
    now has a place gets its attendee row and code, once (registering again keeps it)."""
    if status not in HAS_PLACE:
        return
    if registration_id is not None:
        values = {"offering": offering_id, "registration": registration_id}
        while True:
            given = db.session.execute(_give_statement(), {**values, "code": new_code()})
            if given.first() is not None:
                return
            # Nothing inserted: not a conference's offering, a row already there, or (very
            # rarely) the code drawn was taken, the one case worth another draw.
            found = db.session.execute(_place_statement(), values).first()
            if found is None or found[1] is not None:
                return
    found = db.session.execute(
        _place_statement(), {"offering": offering_id, "registration": None}
    ).first()
    if found is None:
        return
    # A new row not yet flushed (an import): no row can be there yet.
    db.session.add(
        Attendee(conference_id=found[0], registration=registration, code=_unused_code(found[0]))
    )


def confirmation_mail(offering_kind, *, status):
    """The receiver of ``status_mail`` for conference offerings: a place's mail is the
    conference's own, with the QR code beside the calendar file."""
    if status == "confirmed":
        return MailChoice("conference_registration_confirmed", ("calendar", "conference_pass"))
    return None


def attendee_of(offering_id: int, user_id: int) -> Attendee | None:
    """The attendee row of a person's registration for an offering (the mail's code)."""
    return db.session.scalar(
        select(Attendee)
        .join(Registration, Registration.id == Attendee.registration_id)
        .where(Registration.offering_id == offering_id, Registration.user_id == user_id)
    )


def qr_png(code: str, scale: int = 8) -> bytes:
    """The QR code of an attendee code as PNG bytes (the code itself, nothing else)."""
    out = io.BytesIO()
    segno.make(code, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def pass_attachment(context: dict) -> tuple[str, str, bytes]:
    """The mail attachment builder ``conference_pass``: the recipient's QR code."""
    attendee = attendee_of(context["offering"].id, context["user"].id)
    if attendee is None:
        raise LookupError("the registration has no attendee code")
    return "check-in-code.png", "image/png", qr_png(attendee.code)


@dataclass(frozen=True)
class CheckIn:
    """What the door is told: ``outcome`` is ``checked_in``, ``already`` (at ``at``),
    ``unknown`` or ``no_place``; with the attendee's name, days and needs."""

    outcome: str
    code: str
    attendee: Attendee | None = None
    at: datetime | None = None
    days: tuple[date, ...] = ()
    today_is_theirs: bool = True

    @property
    def registration(self) -> Registration | None:
        return self.attendee.registration if self.attendee else None


@dataclass(frozen=True)
class DoorDay:
    """Today at the door: the conference's days, and the day a check-in made now counts
    for (the day the registrations area's check-in picks: today if it is one of them,
    else the first), with how many are in of those expected that day."""

    today: date
    days: tuple[date, ...]
    counts_for: date | None
    checked_in: int = 0
    expected: int = 0

    @property
    def is_a_conference_day(self) -> bool:
        return self.today in self.days

    @property
    def before_the_first_day(self) -> bool:
        return bool(self.days) and self.today < self.days[0]


def door_day(conference: Conference, now: datetime | None = None) -> DoorDay:
    """What the check-in page says about today (``now``, in the LMS's zone, like the
    check-in itself), so a wrong date on the door's phone or a test run the day before is
    seen before the first code is typed."""
    today = to_local(now or utcnow()).date()
    days = tuple(sorted(day.day for day in conference.days))
    offering = conference.offering
    session = (
        session_attendance.default_session(offering.active_sessions, today) if offering else None
    )
    if session is None:
        return DoorDay(today=today, days=days, counts_for=None)
    counts_for = to_local(session.starts_at).date()
    checked_in = db.session.scalar(
        select(func.count()).where(SessionAttendance.session_id == session.id)
    )
    answers = db.session.scalars(
        select(Registration.answers).where(
            Registration.offering_id == offering.id, Registration.status.in_(HAS_PLACE)
        )
    )
    expected = sum(1 for each in answers if counts_for in days_of(conference, each))
    return DoorDay(today, days, counts_for, checked_in=checked_in, expected=expected)


def check_in(actor, conference: Conference, typed: str, now: datetime | None = None) -> CheckIn:
    """Check in the attendee whose code was typed or scanned, at today's day of the
    conference (or its first). A second scan the same day says when they came."""
    require_organiser(actor)
    code = normalised(typed)
    attendee = db.session.scalar(
        select(Attendee).where(Attendee.conference_id == conference.id, Attendee.code == code)
    )
    if attendee is None or not code:
        return CheckIn("unknown", code)
    registration = attendee.registration
    days = tuple(days_of(conference, registration.answers))
    today = to_local(now or utcnow()).date()
    base = {"code": code, "attendee": attendee, "days": days, "today_is_theirs": today in days}
    if registration.status not in HAS_PLACE:
        return CheckIn("no_place", **base)
    offering = registration.offering
    session = session_attendance.default_session(offering.active_sessions, today)
    if session is None:
        raise ConferenceError("no_days")
    earlier = db.session.get(SessionAttendance, (registration.id, session.id))
    if earlier is not None:
        return CheckIn("already", at=earlier.checked_in_at, **base)
    try:
        session_attendance.check_in_session(actor, registration, session)
    except RegistrationError as error:
        raise ConferenceError(error.code) from error
    if attendee.checked_in_at is None:
        attendee.checked_in_at = now or utcnow()
        attendee.checked_in_by_id = actor.id
    db.session.flush()
    return CheckIn("checked_in", at=attendee.checked_in_at, **base)


def badge_rows(conference: Conference) -> list[tuple[Attendee, Registration]]:
    """Every attendee with a place, by name, with their registration and person."""
    if conference.offering_id is None:
        return []
    rows = db.session.execute(
        select(Attendee, Registration)
        .join(Registration, Registration.id == Attendee.registration_id)
        .join(User, User.id == Registration.user_id)
        .where(Attendee.conference_id == conference.id, Registration.status.in_(HAS_PLACE))
        .order_by(User.name, Attendee.id)
    ).all()
    return [(attendee, registration) for attendee, registration in rows]
