"""Every quiz's results at a glance (``/manage/learning/results``): for each quiz of the
modules the user may edit (organisers: all; instructors: their own), its submitted
attempts, learners, pass rate and mean grade, each leading to the quiz's results page.

Two queries whatever the number of modules, quizzes and attempts (a test holds it to
that): the quizzes, then the submitted attempts' scores, combined in Python with the
results page's own rule for a learner's grade and status (``results.grade_and_status``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager

from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.learning.attempt_models import Attempt
from lms.learning.authoring import may_author
from lms.learning.models import Module, Quiz
from lms.learning.results import editable_modules, grade_and_status


@dataclass
class QuizOverview:
    """One quiz's figures: ``pass_rate`` is the share of graded learners who passed (None
    while nobody is graded), ``mean_grade`` their mean grade as a fraction 0..1."""

    quiz: Quiz
    attempts: int
    learners: int
    waiting: int
    pass_rate: float | None
    mean_grade: float | None


def _overview(quiz: Quiz, rows: list) -> QuizOverview:
    learners = [
        grade_and_status(quiz, [(row.score, row.max_score) for row in attempts])
        for _user, attempts in groupby(rows, key=lambda row: row.user_id)
    ]
    graded = [grade for grade, status in learners if status in ("passed", "failed")]
    passed = sum(1 for _grade, status in learners if status == "passed")
    return QuizOverview(
        quiz=quiz,
        attempts=len(rows),
        learners=len(learners),
        waiting=sum(1 for _grade, status in learners if status == "waiting"),
        pass_rate=passed / len(graded) if graded else None,
        mean_grade=sum(graded) / len(graded) if graded else None,
    )


def results_overview(user, module_id: int | None = None) -> list[QuizOverview]:
    """The quizzes of the modules ``user`` may edit (only ``module_id``'s when given), by
    module title and quiz order, with their figures; ``PermissionDenied`` for someone who
    edits no modules at all."""
    # Those who may make modules have results to see (instructors and organisers).
    if not may_author(user):
        raise PermissionDenied()
    shown = editable_modules(user)
    if module_id is not None:
        shown = and_(shown, Module.id == module_id)
    quizzes = db.session.scalars(
        select(Quiz)
        .join(Module, Module.id == Quiz.module_id)
        .where(shown)
        .options(contains_eager(Quiz.module))
        .order_by(Module.title, Module.id, Quiz.position, Quiz.id)
    ).all()
    if not quizzes:
        return []
    rows = db.session.execute(
        select(Attempt.quiz_id, Attempt.user_id, Attempt.score, Attempt.max_score)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Module, Module.id == Quiz.module_id)
        .where(shown, Attempt.state == "submitted")
        .order_by(Attempt.quiz_id, Attempt.user_id, Attempt.number)
    ).all()
    by_quiz = {quiz_id: list(group) for quiz_id, group in groupby(rows, key=lambda r: r.quiz_id)}
    return [_overview(quiz, by_quiz.get(quiz.id, [])) for quiz in quizzes]
