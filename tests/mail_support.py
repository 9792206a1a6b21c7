"""Outbox helpers shared by the mail tests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.timeutil import utcnow


def outbox() -> list[OutboxMessage]:
    """Every outbox row, freshly read from the database."""
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def make_due() -> None:
    """Let the backoff pass: every waiting row becomes due now."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending")
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
