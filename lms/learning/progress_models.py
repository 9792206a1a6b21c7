"""Progress and proof of it: lessons viewed and certificates.

A certificate keeps the holder's name and what was completed as they were when it was
issued, so the public verification page shows what the PDF says even after a rename.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.extensions import db
from lms.timeutil import UTCDateTime, utcnow


class LessonView(db.Model):
    """A learner opened a lesson (first and latest time): "continue where you left off"."""

    __tablename__ = "lms_lesson_views"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("lms_users.id", ondelete="CASCADE"), primary_key=True
    )
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lms_lessons.id", ondelete="CASCADE"), primary_key=True
    )
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Certificate(db.Model):
    """Proof that a person completed a module or a course. ``code`` is random and long
    (it is the only key to the public verification page)."""

    __tablename__ = "lms_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("lms_modules.id", ondelete="CASCADE"))
    offering_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_offerings.id", ondelete="CASCADE")
    )
    holder_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_users.id", ondelete="SET NULL")
    )
    revoke_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint("(module_id IS NULL) <> (offering_id IS NULL)", name="module_or_course"),
        Index("ix_lms_certificates_user_id", "user_id"),
        # One certificate per person and module, and per person and course, whatever races.
        Index(
            "ux_lms_certificates_user_module",
            "user_id",
            "module_id",
            unique=True,
            sqlite_where=text("module_id IS NOT NULL"),
            postgresql_where=text("module_id IS NOT NULL"),
        ),
        Index(
            "ux_lms_certificates_user_offering",
            "user_id",
            "offering_id",
            unique=True,
            sqlite_where=text("offering_id IS NOT NULL"),
            postgresql_where=text("offering_id IS NOT NULL"),
        ),
    )
