"""The essay grading queue: essays in submitted attempts that no one has graded yet, in
the modules the grader may edit, and grading one.

Grading an essay stores its fraction, score, right, grader and time, then the attempt's
totals again (``scoring.recompute_attempts``): once no answer of it waits, the attempt
has its score and ``passed``, and a pass that completes the module issues its certificate.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from lms.accounts.models import User
from lms.extensions import db
from lms.learning.attempt_models import Answer, Attempt
from lms.learning.models import Module, QuestionVersion, Quiz
from lms.learning.publishing import LearningError, require_editor
from lms.learning.results import editable_modules
from lms.learning.scoring import recompute_attempts
from lms.timeutil import utcnow

QUEUE_LIMIT = 200  # the oldest first; the rest follow as these are graded


def essay_queue(user, quiz_id: int | None = None) -> list:
    """(answer, attempt, learner name, quiz) of every essay waiting for grading in a
    module ``user`` may edit (``editable_modules``), oldest submission first; only one
    quiz's when ``quiz_id`` is given. One query, with the versions answered in a second."""
    query = (
        select(Answer, Attempt, User.name, Quiz)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Module, Module.id == Quiz.module_id)
        .join(QuestionVersion, QuestionVersion.id == Answer.question_version_id)
        .options(contains_eager(Answer.question_version))
        .where(
            QuestionVersion.kind == "essay",
            Answer.scored.is_(True),
            Answer.fraction.is_(None),
            Attempt.state == "submitted",
            editable_modules(user),
        )
        .order_by(Attempt.finished_at, Answer.id)
        .limit(QUEUE_LIMIT)
    )
    if quiz_id is not None:
        query = query.where(Quiz.id == quiz_id)
    return db.session.execute(query).all()


def gradable_essay(user, answer_id: int) -> Answer:
    """The essay answer ``answer_id`` if ``user`` may grade it: ``LearningError``
    ("not_found") for no such essay in a submitted attempt, ``PermissionDenied`` for
    another module's."""
    answer = db.session.get(Answer, answer_id)
    if (
        answer is None
        or answer.question_version.kind != "essay"
        or answer.attempt.state != "submitted"
    ):
        raise LearningError("not_found")
    require_editor(user, answer.attempt.quiz.module)
    return answer


def grade_essay(user, answer_id: int, score: Decimal, comment: str = "") -> Answer:
    """Give the essay ``score`` of its maximum, with ``comment`` for the learner, and
    store its attempt's totals again. ``LearningError("score_out_of_range")`` for a score
    below 0 or above the maximum (nothing is saved)."""
    answer = gradable_essay(user, answer_id)
    if not 0 <= score <= Decimal(str(answer.max_score)):
        raise LearningError("score_out_of_range")
    value = float(score)
    answer.score = value
    answer.fraction = value / answer.max_score if answer.max_score else 0.0
    answer.right = answer.fraction == 1
    answer.graded_by_id = user.id
    answer.graded_at = utcnow()
    answer.grader_comment = comment
    db.session.flush()
    recompute_attempts([answer.attempt_id])
    db.session.expire(answer.attempt)
    return answer
