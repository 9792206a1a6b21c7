"""What learners answered: attempts, one row per question asked (the item rows the outcome
report is computed from), regrades, and time accommodations.

Every answer row carries what a report needs without joining the content back: the
question version answered, the chosen options or text, the score and maximum, whether it
was right, the time spent, and the question's tags as they were when it was asked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.extensions import db
from lms.learning.models import PURPOSES, ModuleVersion, QuestionVersion, Quiz, in_check
from lms.timeutil import UTCDateTime, utcnow

ATTEMPT_STATES = ("open", "submitted")


class Attempt(db.Model):
    """One try at a quiz, on the module version it started on. ``deadline_at`` is the
    server's end of a timed attempt (the learner's accommodation applied); ``revision``
    grows with every save, so two tabs cannot overwrite each other unseen."""

    __tablename__ = "lms_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("lms_quizzes.id", ondelete="CASCADE"))
    module_version_id: Mapped[int] = mapped_column(
        ForeignKey("lms_module_versions.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()  # the learner's 1st, 2nd … attempt at the quiz
    purpose: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10), default="open")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Filled on submission; ``score`` and ``passed`` stay None while an essay waits.
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    revision: Mapped[int] = mapped_column(default=0)
    # The seed the draw and the shuffles were made from (kept: the order is stable).
    seed: Mapped[int] = mapped_column(default=0)

    quiz: Mapped[Quiz] = relationship()
    module_version: Mapped[ModuleVersion] = relationship()
    user: Mapped[User] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="Answer.slot"
    )

    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        CheckConstraint(in_check("state", ATTEMPT_STATES), name="state"),
        CheckConstraint(in_check("purpose", PURPOSES), name="purpose"),
        # At most one open attempt per person and quiz, whatever races.
        Index(
            "ux_lms_attempts_one_open",
            "quiz_id",
            "user_id",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
        Index("ix_lms_attempts_user_id", "user_id"),
    )


class Answer(db.Model):
    """One question asked in an attempt and what was answered. ``option_order`` is the
    shuffled order the learner saw; ``response`` the answer as the question type reads
    it (None: not answered). ``fraction`` is None until graded (an essay waits)."""

    __tablename__ = "lms_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("lms_attempts.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column()
    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("lms_question_versions.id", ondelete="CASCADE"), index=True
    )
    tags: Mapped[list] = mapped_column(JSON, default=list)
    option_order: Mapped[list] = mapped_column(JSON, default=list)
    response: Mapped[object | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seconds_spent: Mapped[int] = mapped_column(default=0)
    fraction: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float, default=1.0)
    right: Mapped[bool | None] = mapped_column(Boolean)
    scored: Mapped[bool] = mapped_column(Boolean, default=True)
    graded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_users.id", ondelete="SET NULL")
    )
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    grader_comment: Mapped[str] = mapped_column(Text, default="")

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    question_version: Mapped[QuestionVersion] = relationship()

    __table_args__ = (UniqueConstraint("attempt_id", "slot"),)


class Regrade(db.Model):
    """A stored answer graded again after its question's key was fixed: what it had, what
    it has now, under which version, by whom."""

    __tablename__ = "lms_regrades"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("lms_answers.id", ondelete="CASCADE"), index=True
    )
    graded_with_id: Mapped[int] = mapped_column(
        ForeignKey("lms_question_versions.id", ondelete="CASCADE")
    )
    old_fraction: Mapped[float | None] = mapped_column(Float)
    new_fraction: Mapped[float | None] = mapped_column(Float)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))


class TimeAccommodation(db.Model):
    """More time (or none) for one person on one quiz (WCAG 2.2.1): the time limit is
    multiplied by ``factor``; None lifts the limit. The quiz stays the same for others."""

    __tablename__ = "lms_time_accommodations"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("lms_quizzes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"))
    factor: Mapped[float | None] = mapped_column(Float)
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_users.id", ondelete="SET NULL")
    )
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id"),
        CheckConstraint("factor IS NULL OR factor >= 1", name="factor"),
    )
