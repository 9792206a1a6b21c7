"""Test rows for the results pages: submitted attempts with graded answer rows, made
directly (the attempt services live elsewhere), for a module made by ``make_module``.

Each answer is graded by the real ``question_types.grade`` with the version the module's
newest snapshot pins, and the attempt's totals come from ``scoring.recompute_attempts``,
as after a submission.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from learning_support import SAMPLE_QUESTIONS

from lms.extensions import db
from lms.learning.attempt_models import Answer, Attempt
from lms.learning.models import Module, QuestionVersion
from lms.learning.publishing import latest_version
from lms.learning.question_types import grade
from lms.learning.scoring import recompute_attempts
from lms.timeutil import utcnow

ESSAY = {
    "kind": "essay",
    "text_md": "Explain how you would follow up a supplier's due diligence.",
    "spec": {},
    "right": "I would ask for their report and visit the factory.",
    "wrong": "I would not.",
}
WITH_ESSAY = [*SAMPLE_QUESTIONS, ESSAY]


def quiz_versions(module: Module) -> list[QuestionVersion]:
    """The question versions the module's newest snapshot asks in its first quiz."""
    content = latest_version(module.id).content
    ids = [draw["question_version_id"] for draw in content["quizzes"][0]["draws"]]
    return [db.session.get(QuestionVersion, i) for i in ids]


def submit_attempt(
    module: Module,
    user,
    responses: list[Any],
    *,
    number: int | None = None,
    finished_ago: timedelta = timedelta(hours=1),
    seconds: int = 30,
) -> Attempt:
    """A submitted attempt by ``user`` at the module's first quiz answering ``responses``
    (one per question, in order; ``None`` leaves one unanswered), graded and totalled."""
    quiz = module.quizzes[0]
    version = latest_version(module.id)
    if number is None:
        number = 1 + db.session.scalar(
            db.select(db.func.count(Attempt.id)).where(
                Attempt.quiz_id == quiz.id, Attempt.user_id == user.id
            )
        )
    finished = utcnow() - finished_ago
    attempt = Attempt(
        quiz_id=quiz.id,
        module_version_id=version.id,
        user_id=user.id,
        number=number,
        purpose=quiz.purpose,
        state="submitted",
        started_at=finished - timedelta(minutes=10),
        finished_at=finished,
    )
    db.session.add(attempt)
    for slot, (question, response) in enumerate(zip(quiz_versions(module), responses, strict=True)):
        result = grade(question.kind, question.spec, response)
        fraction = None if result.fraction is None else float(result.fraction)
        attempt.answers.append(
            Answer(
                slot=slot,
                question_version_id=question.id,
                tags=list(question.question.tags),
                response=response,
                saved_at=finished,
                seconds_spent=seconds,
                fraction=fraction,
                score=None if fraction is None else fraction * question.points,
                max_score=question.points if result.scored else 0.0,
                right=result.right,
                scored=result.scored,
            )
        )
    db.session.flush()
    recompute_attempts([attempt.id])
    db.session.commit()
    db.session.expire(attempt)
    return attempt


def right_answers(questions=SAMPLE_QUESTIONS) -> list[Any]:
    return [q["right"] for q in questions]


def wrong_answers(questions=SAMPLE_QUESTIONS) -> list[Any]:
    return [q["wrong"] for q in questions]
