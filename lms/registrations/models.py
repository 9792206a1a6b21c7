"""A person's registration for an offering, the log of every change to it, and the
messages organisers have sent to an offering's participants."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.events.models import Offering
from lms.extensions import db
from lms.registrations.statuses import status_check
from lms.timeutil import UTCDateTime, utcnow


class Registration(db.Model):
    """One person on one offering. Re-registering reuses the row (one per person)."""

    __tablename__ = "lms_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("lms_offerings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12))
    # First come, first served: a growing number; an organiser may reorder by hand.
    waitlist_rank: Mapped[int | None] = mapped_column()
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    consent_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    offering: Mapped[Offering] = relationship()
    user: Mapped[User] = relationship()
    log: Mapped[list[RegistrationLog]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="RegistrationLog.id"
    )

    __table_args__ = (
        UniqueConstraint("offering_id", "user_id"),
        CheckConstraint(
            status_check(),
            name="status",
        ),
        Index("ix_lms_registrations_offering_id_status", "offering_id", "status"),
        Index("ix_lms_registrations_user_id", "user_id"),
    )


class RegistrationLog(db.Model):
    """Who changed a registration, when, from what to what."""

    __tablename__ = "lms_registration_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lms_registrations.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="log")
    actor: Mapped[User | None] = relationship()


class SentMessage(db.Model):
    """A message an organiser sent to an offering's participants: kept so the organisers
    see what was said, by whom, when and to how many (the mails are in the outbox)."""

    __tablename__ = "lms_sent_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("lms_offerings.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sender: Mapped[User | None] = relationship()


class SessionAttendance(db.Model):
    """A person checked in at one session of an offering. The registration's status
    ``attended`` stays the summary for the offering; a course's completion rule counts
    these rows ("attended at least N % of the sessions")."""

    __tablename__ = "lms_session_attendance"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lms_registrations.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(
        ForeignKey("lms_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_users.id", ondelete="SET NULL")
    )
