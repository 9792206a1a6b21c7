"""A quiz's results for its instructors and organisers: a row per learner, a summary per
question, one learner's attempts answer by answer, and the rows of the export.

Who may see them is ``Module.can_edit`` (organisers: every module; instructors: the
modules they teach), checked here by ``editable_quiz``. Every function sends a fixed
number of queries whatever the number of attempts (the results page is held to it by a
test): rows are fetched in one query each and combined in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, select, true
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.core.paging import Page
from lms.extensions import db
from lms.learning.attempt_models import Answer, Attempt
from lms.learning.models import Module, Question, QuestionVersion, Quiz, module_instructors
from lms.learning.publishing import LearningError, require_editor
from lms.learning.review import quiz_grade
from lms.learning.scoring import passes

STATUSES = ("passed", "failed", "waiting")
PER_PAGE = 50


def editable_quiz(user, quiz_id: int) -> Quiz:
    """The quiz ``quiz_id`` if ``user`` may see and grade its results; ``LearningError``
    ("not_found") for none, ``PermissionDenied`` for someone else's module."""
    quiz = db.session.get(
        Quiz, quiz_id, options=[selectinload(Quiz.module).selectinload(Module.instructors)]
    )
    if quiz is None:
        raise LearningError("not_found")
    require_editor(user, quiz.module)
    return quiz


def editable_modules(user):
    """A SQL condition on ``Module`` that holds for the modules ``user`` may edit: the same
    rule as ``Module.can_edit``, for lists that cannot load every module to ask it."""
    if not getattr(user, "is_authenticated", False):
        return Module.id.is_(None)
    if user.has_role("organiser"):
        return true()
    if not user.has_role("instructor"):
        return Module.id.is_(None)
    return exists().where(
        module_instructors.c.module_id == Module.id, module_instructors.c.user_id == user.id
    )


def attempt_fraction(score: float | None, max_score: float | None) -> float | None:
    """An attempt's score as a fraction of its maximum (None: waits, or nothing scored)."""
    if score is None or not max_score:
        return None
    return score / max_score


@dataclass
class LearnerResult:
    """One learner's results on a quiz (fractions 0..1; ``grade`` by the quiz's method)."""

    user_id: int
    name: str
    email: str
    attempts: int
    best: float | None
    first: float | None
    last: float | None
    average: float | None
    grade: float | None
    status: str  # passed, failed, waiting (an essay to grade), unscored
    last_at: datetime | None


def grade_and_status(quiz: Quiz, scores: list[tuple[float | None, float | None]]):
    """A learner's grade on ``quiz`` (by its grading method) from their submitted
    attempts' (score, maximum), in order, and their status: waiting (an essay to grade),
    unscored, passed or failed (the pass mark)."""
    fractions = [attempt_fraction(score, max_score) for score, max_score in scores]
    grade = quiz_grade(fractions, quiz.grading_method)
    if any(score is None for score, _max in scores):
        return grade, "waiting"
    if grade is None:
        return grade, "unscored"
    return grade, "passed" if passes(grade, 1, quiz.pass_percent) else "failed"


def _learner(quiz: Quiz, user_id: int, name: str, email: str, attempts: list) -> LearnerResult:
    fractions = [attempt_fraction(score, max_score) for score, max_score, _at in attempts]
    grade, status = grade_and_status(quiz, [(score, most) for score, most, _at in attempts])
    return LearnerResult(
        user_id=user_id,
        name=name,
        email=email,
        attempts=len(attempts),
        best=quiz_grade(fractions, "highest"),
        first=quiz_grade(fractions, "first"),
        last=quiz_grade(fractions, "last"),
        average=quiz_grade(fractions, "average"),
        grade=grade,
        status=status,
        last_at=max((at for _s, _m, at in attempts if at), default=None),
    )


def learner_results(quiz: Quiz) -> list[LearnerResult]:
    """Every learner with a submitted attempt at ``quiz``, by name (one query)."""
    rows = db.session.execute(
        select(
            Attempt.user_id,
            User.name,
            User.email,
            Attempt.score,
            Attempt.max_score,
            Attempt.finished_at,
        )
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == "submitted")
        .order_by(User.name, User.id, Attempt.number)
    ).all()
    learners: list[LearnerResult] = []
    current: list = []
    for index, row in enumerate(rows):
        current.append((row.score, row.max_score, row.finished_at))
        if index + 1 == len(rows) or rows[index + 1].user_id != row.user_id:
            learners.append(_learner(quiz, row.user_id, row.name, row.email, current))
            current = []
    return learners


def results_page(quiz: Quiz, *, status: str | None, page: int, per_page: int = PER_PAGE) -> Page:
    """One page of ``learner_results``, only those with ``status`` when given."""
    learners = learner_results(quiz)
    if status in STATUSES:
        learners = [learner for learner in learners if learner.status == status]
    start = (page - 1) * per_page
    return Page(learners[start : start + per_page], page, per_page, len(learners))


@dataclass
class QuestionSummary:
    """How a question of the quiz went: ``facility`` is the mean fraction of its graded
    answers (Moodle's facility index), ``waiting`` the answers still to grade."""

    question_id: int
    key: str
    text_md: str
    kind: str
    answers: int
    graded: int
    waiting: int
    facility: float | None


def question_summaries(quiz: Quiz) -> list[QuestionSummary]:
    """Per question asked in the quiz's submitted attempts (two queries)."""
    graded = and_(Answer.scored.is_(True), Answer.fraction.is_not(None))
    waiting = and_(Answer.scored.is_(True), Answer.fraction.is_(None))
    counts = db.session.execute(
        select(
            QuestionVersion.question_id,
            func.count(Answer.id),
            func.sum(case((graded, 1), else_=0)),
            func.sum(case((waiting, 1), else_=0)),
            func.avg(case((graded, Answer.fraction), else_=None)),
        )
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == Answer.question_version_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == "submitted")
        .group_by(QuestionVersion.question_id)
    ).all()
    newest = {}
    if counts:
        for version, key in db.session.execute(
            select(QuestionVersion, Question.key)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(QuestionVersion.question_id.in_([c[0] for c in counts]))
            .order_by(QuestionVersion.number)
        ).all():
            newest[version.question_id] = (version, key)  # the last one read is the newest
    summaries = [
        QuestionSummary(
            question_id=question_id,
            key=newest[question_id][1],
            text_md=newest[question_id][0].text_md,
            kind=newest[question_id][0].kind,
            answers=answers,
            graded=graded_count or 0,
            waiting=waiting_count or 0,
            facility=float(mean) if mean is not None else None,
        )
        for question_id, answers, graded_count, waiting_count, mean in counts
    ]
    return sorted(summaries, key=lambda s: s.key)


def learner_attempts(quiz: Quiz, learner_id: int) -> tuple[User, list[Attempt]]:
    """One learner's submitted attempts at ``quiz``, each with its answers and the question
    versions they answered; ``LearningError`` ("not_found") when there are none."""
    learner = db.session.get(User, learner_id)
    attempts = db.session.scalars(
        select(Attempt)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.user_id == learner_id,
            Attempt.state == "submitted",
        )
        .options(selectinload(Attempt.answers).selectinload(Answer.question_version))
        .order_by(Attempt.number)
    ).all()
    if learner is None or not attempts:
        raise LearningError("not_found")
    return learner, list(attempts)


def export_records(quiz: Quiz) -> tuple[list, dict[int, tuple[str, QuestionVersion]]]:
    """Every answer of the quiz's submitted attempts with its attempt and learner (one
    query, plain columns), and the question versions they answered with their questions'
    keys (one more): what ``results_export`` writes."""
    rows = db.session.execute(
        select(
            User.name,
            User.email,
            Attempt.number,
            Attempt.purpose,
            Attempt.started_at,
            Attempt.finished_at,
            Answer.question_version_id,
            Answer.tags,
            Answer.response,
            Answer.score,
            Answer.max_score,
            Answer.right,
            Answer.seconds_spent,
        )
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == "submitted")
        .order_by(User.name, User.id, Attempt.number, Answer.slot)
    ).all()
    version_ids = {row.question_version_id for row in rows}
    versions = (
        {
            version.id: (key, version)
            for version, key in db.session.execute(
                select(QuestionVersion, Question.key)
                .join(Question, Question.id == QuestionVersion.question_id)
                .where(QuestionVersion.id.in_(version_ids))
            ).all()
        }
        if version_ids
        else {}
    )
    return rows, versions


def attempt_records(quiz: Quiz) -> list:
    """The quiz's submitted attempts with their learners, for the API (one query)."""
    return db.session.execute(
        select(Attempt, User.name)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == "submitted")
        .order_by(Attempt.finished_at, Attempt.id)
    ).all()
