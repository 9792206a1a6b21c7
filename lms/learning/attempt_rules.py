"""The rules an attempt lives by, read from the published snapshot: which quiz a learner
may start (the newest version of a published module), when it is open, when an attempt
must end (the time limit times the person's accommodation, never after the close), and
the lookups the attempt services and the review share.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from lms.extensions import db
from lms.learning.attempt_models import Attempt, TimeAccommodation
from lms.learning.models import ModuleVersion, QuestionVersion, Quiz
from lms.learning.publishing import LearningError, latest_version


def when(text: str | None) -> datetime | None:
    """A snapshot's ISO timestamp as an aware datetime (None stays None)."""
    return datetime.fromisoformat(text) if text else None


def quiz_entry(version: ModuleVersion, quiz_id: int) -> dict[str, Any] | None:
    """The quiz ``quiz_id`` as the snapshot ``version`` has it, or None."""
    return next((q for q in version.content.get("quizzes", []) if q["id"] == quiz_id), None)


def require_owner(user, attempt: Attempt | None) -> Attempt:
    """``attempt`` if it is ``user``'s own; none, anyone else's, or any attempt for an
    anonymous caller is ``not_found``, never "forbidden": an id says nothing."""
    if (
        attempt is None
        or not getattr(user, "is_authenticated", False)
        or attempt.user_id != user.id
    ):
        raise LearningError("not_found")
    return attempt


def published_quiz(quiz_id: int) -> tuple[ModuleVersion, dict[str, Any]]:
    """The newest published version of the quiz's module and the quiz in it; a quiz of a
    module that is not published, or not in its newest version, is ``not_found``."""
    quiz = db.session.get(Quiz, quiz_id)
    version = None
    if quiz is not None and quiz.module.status == "published":
        version = latest_version(quiz.module_id)
    entry = quiz_entry(version, quiz_id) if version is not None else None
    if entry is None:
        raise LearningError("not_found")
    return version, entry


def window_open(entry: dict[str, Any], now: datetime) -> bool:
    """Whether the quiz takes attempts at ``now`` (from ``opens_at``, until ``closes_at``)."""
    opens, closes = when(entry.get("opens_at")), when(entry.get("closes_at"))
    return (opens is None or opens <= now) and (closes is None or now < closes)


def accommodation_of(user_id: int, quiz_id: int) -> TimeAccommodation | None:
    return db.session.scalar(
        select(TimeAccommodation).where(
            TimeAccommodation.quiz_id == quiz_id, TimeAccommodation.user_id == user_id
        )
    )


def deadline_for(
    entry: dict[str, Any], started: datetime, accommodation: TimeAccommodation | None
) -> datetime | None:
    """When an attempt started at ``started`` must end: the time limit times the person's
    factor (an accommodation without a factor lifts the limit), and never after the quiz
    closes (the answers saved by then count)."""
    deadline = None
    minutes = entry.get("time_limit_minutes")
    if minutes and not (accommodation is not None and accommodation.factor is None):
        factor = accommodation.factor if accommodation is not None else 1
        deadline = started + timedelta(minutes=minutes * factor)
    closes = when(entry.get("closes_at"))
    if closes is not None and (deadline is None or closes < deadline):
        deadline = closes
    return deadline


def is_past_deadline(attempt: Attempt, now: datetime) -> bool:
    """Answers saved at the deadline itself still count; later ones do not."""
    return attempt.deadline_at is not None and now > attempt.deadline_at


def open_attempt_of(user_id: int, quiz_id: int) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz_id, Attempt.user_id == user_id, Attempt.state == "open"
        )
    )


def versions_of(answers) -> dict[int, QuestionVersion]:
    """The question versions ``answers`` ask, by id, in one query (read them from this
    mapping: ``answer.question_version`` would load each one on its own)."""
    ids = {a.question_version_id for a in answers}
    if not ids:
        return {}
    rows = db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(ids)))
    return {v.id: v for v in rows}
