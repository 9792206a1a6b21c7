"""The outbox: one row per e-mail, written in the transaction that causes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.timeutil import UTCDateTime, utcnow

STATUSES = ("pending", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    """An e-mail waiting for, or done with, delivery.

    ``message_id`` is fixed when the row is written, so a retry after a lost
    acknowledgement carries the same Message-ID and mail clients show one mail.
    The request writes ``kind``, ``language`` and ``context``; the worker renders
    ``subject``, the bodies and the attachments once (``rendered_at``) before the
    first attempt, so every attempt sends the same mail (``lms/mail/rendering.py``).
    """

    __tablename__ = "lms_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(50))
    to_address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5))
    context: Mapped[dict | None] = mapped_column(JSON)
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    subject: Mapped[str] = mapped_column(String(300), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OutboxAttachment.id"
    )

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        Index("ix_lms_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )


class OutboxAttachment(db.Model):
    """A file sent with an outbox message (e.g. the ``.ics`` of a confirmed registration)."""

    __tablename__ = "lms_outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("lms_outbox.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
