"""Self-paced modules: their content as instructors edit it, the question bank, and the
published versions participants see.

The live rows (``Module``, ``Lesson``, ``Quiz``, ``Question``…) are the instructors'
working copy. Publishing freezes them into a ``ModuleVersion``: a JSON snapshot of the
lessons and quizzes, with each question pinned to the ``QuestionVersion`` it had then.
Participants read the newest snapshot; an attempt keeps the version it started on, so
publishing again never changes an attempt already begun. A question version that a
snapshot or an answer refers to is never edited: a change makes the next version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.extensions import db
from lms.timeutil import UTCDateTime, utcnow

MODULE_STATUSES = ("draft", "published", "archived")
PURPOSES = ("practice", "graded", "pretest", "posttest", "selfassessment")
GRADING_METHODS = ("highest", "first", "last", "average")
# When a learner may see each part of a review (Moodle's review options): right after
# submitting, later while the quiz is still open, after it has closed.
REVIEW_MOMENTS = ("immediately", "open", "closed")
REVIEW_PARTS = ("score", "answers", "right_answers", "feedback")

module_instructors = Table(
    "lms_module_instructors",
    db.metadata,
    Column("module_id", ForeignKey("lms_modules.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("lms_users.id", ondelete="CASCADE"), primary_key=True),
)

# A module may belong to instructor-led courses (offerings of kind "course").
module_courses = Table(
    "lms_module_courses",
    db.metadata,
    Column("module_id", ForeignKey("lms_modules.id", ondelete="CASCADE"), primary_key=True),
    Column("offering_id", ForeignKey("lms_offerings.id", ondelete="CASCADE"), primary_key=True),
)


def in_check(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Module(db.Model):
    """A self-paced module: the working copy its instructors edit."""

    __tablename__ = "lms_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    language: Mapped[str] = mapped_column(String(5), default="nb")
    title: Mapped[str] = mapped_column(String(200))
    summary_md: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list] = mapped_column(JSON, default=list)
    principles: Mapped[list] = mapped_column(JSON, default=list)
    estimated_minutes: Mapped[int] = mapped_column(default=30)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # Completion: every lesson viewed (when set) and every quiz marked
    # ``required_for_completion`` passed.
    complete_needs_lessons: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    instructors: Mapped[list[User]] = relationship(secondary=module_instructors)
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="Objective.position"
    )
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="Lesson.position"
    )
    quizzes: Mapped[list[Quiz]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="Quiz.position"
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="module",
        cascade="all, delete-orphan",
        order_by="[Question.position, Question.id]",
    )
    versions: Mapped[list[ModuleVersion]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="ModuleVersion.number"
    )

    __table_args__ = (CheckConstraint(in_check("status", MODULE_STATUSES), name="status"),)

    def can_edit(self, user) -> bool:
        """Organisers edit every module; instructors the ones they teach."""
        if not getattr(user, "is_authenticated", False):
            return False
        if user.has_role("organiser"):
            return True
        return user.has_role("instructor") and any(i.id == user.id for i in self.instructors)


class Objective(db.Model):
    """A learning objective of a module, with a short code questions are tagged by."""

    __tablename__ = "lms_module_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_modules.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    module: Mapped[Module] = relationship(back_populates="objectives")

    __table_args__ = (UniqueConstraint("module_id", "code"),)


class Lesson(db.Model):
    """A lesson: Markdown, rendered and sanitised when shown. ``key`` is stable (files,
    progress and snapshots refer to it)."""

    __tablename__ = "lms_lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_modules.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text, default="")

    module: Mapped[Module] = relationship(back_populates="lessons")

    __table_args__ = (UniqueConstraint("module_id", "key"),)


class Attachment(db.Model):
    """A file of a module (an image in a lesson, a clause template to download). Images are
    stored re-encoded; every file is served as what ``content_type`` says, never sniffed."""

    __tablename__ = "lms_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_modules.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("module_id", "filename"),)


class Quiz(db.Model):
    """A quiz of a module and its settings (see ``PURPOSES``, ``GRADING_METHODS``)."""

    __tablename__ = "lms_quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_modules.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    intro_md: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(String(20), default="graded")
    attempts_allowed: Mapped[int] = mapped_column(default=0)  # 0: no limit
    time_limit_minutes: Mapped[int | None] = mapped_column()
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    grading_method: Mapped[str] = mapped_column(String(10), default="highest")
    pass_percent: Mapped[float] = mapped_column(Float, default=80.0)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=True)
    # {"immediately": ["score", "answers", "feedback"], "open": [...], "closed": [...]}
    review: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"min_percent": 80, "text_md": "..."}, ...]: the band a score falls in is shown.
    overall_feedback: Mapped[list] = mapped_column(JSON, default=list)
    required_for_completion: Mapped[bool] = mapped_column(Boolean, default=False)

    module: Mapped[Module] = relationship(back_populates="quizzes")
    draws: Mapped[list[QuizDraw]] = relationship(
        back_populates="quiz", cascade="all, delete-orphan", order_by="QuizDraw.position"
    )

    __table_args__ = (
        UniqueConstraint("module_id", "key"),
        CheckConstraint(in_check("purpose", PURPOSES), name="purpose"),
        CheckConstraint(in_check("grading_method", GRADING_METHODS), name="grading_method"),
        CheckConstraint("attempts_allowed >= 0", name="attempts_allowed"),
        CheckConstraint("time_limit_minutes IS NULL OR time_limit_minutes > 0", name="time_limit"),
        CheckConstraint("pass_percent >= 0 AND pass_percent <= 100", name="pass_percent"),
    )


class QuizDraw(db.Model):
    """What a quiz asks, in order: one fixed question, or ``count`` questions drawn at
    random (stably per attempt) from the module's questions tagged ``tag``."""

    __tablename__ = "lms_quiz_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("lms_quizzes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_questions.id", ondelete="CASCADE")
    )
    tag: Mapped[str | None] = mapped_column(String(100))
    count: Mapped[int] = mapped_column(default=1)

    quiz: Mapped[Quiz] = relationship(back_populates="draws")
    question: Mapped[Question | None] = relationship()

    __table_args__ = (
        CheckConstraint("(question_id IS NULL) <> (tag IS NULL)", name="question_or_tag"),
        CheckConstraint("count >= 1", name="count"),
    )


class Question(db.Model):
    """A question of a module's bank. Its text and key live in its versions; ``tags`` are
    ``theme:…``, ``objective:<code>``, ``principle:<n>`` or free words."""

    __tablename__ = "lms_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_modules.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    # The bank's order: a quiz without draws asks its questions in it.
    position: Mapped[int] = mapped_column(default=0)
    tags: Mapped[list] = mapped_column(JSON, default=list)

    module: Mapped[Module] = relationship(back_populates="questions")
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="QuestionVersion.number"
    )

    __table_args__ = (UniqueConstraint("module_id", "key"),)

    @property
    def current(self) -> QuestionVersion:
        """The newest version: what the working copy and the next snapshot use."""
        return self.versions[-1]


class QuestionVersion(db.Model):
    """One version of a question: its type (``question_types``), text, spec and marks.
    Frozen once a snapshot or an answer refers to it."""

    __tablename__ = "lms_question_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("lms_questions.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(String(20))
    text_md: Mapped[str] = mapped_column(Text)
    spec: Mapped[dict] = mapped_column(JSON, default=dict)
    feedback_md: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[float] = mapped_column(Float, default=1.0)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_users.id", ondelete="SET NULL")
    )

    question: Mapped[Question] = relationship(back_populates="versions")

    __table_args__ = (
        UniqueConstraint("question_id", "number"),
        CheckConstraint("points >= 0", name="points"),
    )


class ModuleVersion(db.Model):
    """A published version of a module: the snapshot participants see (``content``: the
    module's texts, its lessons and its quizzes with their settings and pinned question
    versions)."""

    __tablename__ = "lms_module_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_modules.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    content: Mapped[dict] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_users.id", ondelete="SET NULL")
    )

    module: Mapped[Module] = relationship(back_populates="versions")

    __table_args__ = (UniqueConstraint("module_id", "number"),)


class CourseRule(db.Model):
    """What completing an instructor-led course takes, beyond its modules: a share of its
    sessions attended (per-session check-in)."""

    __tablename__ = "lms_course_rules"

    offering_id: Mapped[int] = mapped_column(
        ForeignKey("lms_offerings.id", ondelete="CASCADE"), primary_key=True
    )
    min_attendance_percent: Mapped[int] = mapped_column(Integer, default=0)
    needs_modules: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        CheckConstraint(
            "min_attendance_percent >= 0 AND min_attendance_percent <= 100",
            name="min_attendance_percent",
        ),
    )
