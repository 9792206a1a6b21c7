"""Helpers for the registration tests: offerings with sessions, and reading back rows.

Reads go through fresh queries so a test never trusts objects cached in its session.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.events.models import Offering, OfferingSession
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.registrations.models import Registration, RegistrationLog
from lms.timeutil import utcnow


def make_offering(
    *,
    capacity: int = 2,
    starts_in: timedelta = timedelta(days=10),
    status: str = "published",
    title: str = "Menneskerettigheter i leverandørkjeden",
    instructors=(),
    **fields,
) -> Offering:
    """A published seminar with one session ``starts_in`` from now, committed."""
    start = utcnow() + starts_in
    offering = Offering(
        kind=fields.pop("kind", "seminar"),
        status=status,
        title=title,
        capacity=capacity,
        venue="Anskaffelseshuset",
        **fields,
    )
    offering.sessions.append(OfferingSession(starts_at=start, ends_at=start + timedelta(hours=3)))
    offering.instructors.extend(instructors)
    db.session.add(offering)
    db.session.commit()
    return offering


def begin_now(offering) -> None:
    """Move the offering's sessions so it started an hour ago and runs two more: the day
    organisers check people in (from the first day on), and places may still be added."""
    for session in offering.sessions:
        session.starts_at = utcnow() - timedelta(hours=1)
        session.ends_at = utcnow() + timedelta(hours=2)
    db.session.commit()


def registration_of(user, offering) -> Registration | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Registration).where(
            Registration.user_id == user.id, Registration.offering_id == offering.id
        )
    )


def status_of(user, offering) -> str | None:
    registration = registration_of(user, offering)
    return registration.status if registration else None


def mails(to_address: str, kind: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    statement = select(OutboxMessage).where(OutboxMessage.to_address == to_address)
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(statement.order_by(OutboxMessage.id)))


def log_of(registration) -> list[tuple]:
    """(actor id, from, to) of every logged transition, oldest first."""
    rows = db.session.scalars(
        select(RegistrationLog)
        .where(RegistrationLog.registration_id == registration.id)
        .order_by(RegistrationLog.id)
    )
    return [(row.actor_id, row.from_status, row.to_status) for row in rows]
