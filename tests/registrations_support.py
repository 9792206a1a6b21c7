"""Helpers for the registration tests: reading back rows (offerings come from the factory).

Reads go through fresh queries so a test never trusts objects cached in its session.
"""

from __future__ import annotations

from datetime import timedelta

from factories import outbox as mails
from sqlalchemy import select

from lms.extensions import db
from lms.registrations.models import Registration, RegistrationLog
from lms.timeutil import utcnow


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


def log_of(registration) -> list[tuple]:
    """(actor id, from, to) of every logged transition, oldest first."""
    rows = db.session.scalars(
        select(RegistrationLog)
        .where(RegistrationLog.registration_id == registration.id)
        .order_by(RegistrationLog.id)
    )
    return [(row.actor_id, row.from_status, row.to_status) for row in rows]


__all__ = ["begin_now", "log_of", "mails", "registration_of", "status_of"]
