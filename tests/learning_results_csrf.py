"""CSRF attacks on the learning results' forms, for tests/test_security_csrf.py's table:
grading an essay, regrading a question, giving and taking away more time, forged without
a token, change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from learning_results_support import WITH_ESSAY, right_answers, submit_attempt
from learning_support import SAMPLE_QUESTIONS, make_module
from sqlalchemy import func, select

from lms.extensions import db
from lms.learning.attempt_models import Answer, Regrade, TimeAccommodation
from lms.learning.publishing import set_question_content


@dataclass
class Attack:
    """Same shape as test_security_csrf.Attack: a forged POST and what must not change."""

    path: str
    data: dict
    unchanged: Callable[[], None]


def _teacher(factory, login):
    user = factory.user("victim@example.no", roles=("instructor",))
    login(user)
    return user


def csrf_grade_essay(factory, login, client):
    teacher = _teacher(factory, login)
    module = make_module(instructor=teacher, questions=WITH_ESSAY)
    attempt = submit_attempt(module, factory.user("learner@example.no"), right_answers(WITH_ESSAY))
    answer_id = db.session.scalar(
        select(Answer.id).where(Answer.attempt_id == attempt.id, Answer.fraction.is_(None))
    )

    def unchanged():
        db.session.expire_all()
        assert db.session.get(Answer, answer_id).fraction is None

    return Attack(
        f"/manage/learning/essays/{answer_id}", {f"essay-{answer_id}-score": "1"}, unchanged
    )


def csrf_regrade(factory, login, client):
    teacher = _teacher(factory, login)
    module = make_module(instructor=teacher)
    submit_attempt(module, factory.user("learner@example.no"), right_answers())
    question = module.questions[0]
    options = [dict(o, fraction=1 - o["fraction"]) for o in SAMPLE_QUESTIONS[0]["spec"]["options"]]
    set_question_content(question, kind="single", text_md="Fixed", spec={"options": options})
    db.session.commit()

    def unchanged():
        assert db.session.scalar(select(func.count(Regrade.id))) == 0

    return Attack(f"/manage/learning/questions/{question.id}/regrade", {}, unchanged)


def _accommodations() -> list:
    db.session.expire_all()
    return [(a.user_id, a.factor) for a in db.session.scalars(select(TimeAccommodation))]


def csrf_grant_time(factory, login, client):
    teacher = _teacher(factory, login)
    quiz = make_module(instructor=teacher, time_limit_minutes=20).quizzes[0]
    learner = factory.user("learner@example.no")

    def unchanged():
        assert _accommodations() == []

    return Attack(
        f"/manage/learning/quizzes/{quiz.id}/time",
        {"email": learner.email, "factor": "none"},
        unchanged,
    )


def csrf_remove_time(factory, login, client):
    teacher = _teacher(factory, login)
    quiz = make_module(instructor=teacher, time_limit_minutes=20).quizzes[0]
    learner = factory.user("learner@example.no")
    db.session.add(TimeAccommodation(quiz_id=quiz.id, user_id=learner.id, factor=2))
    db.session.commit()

    def unchanged():
        assert _accommodations() == [(learner.id, 2)]

    return Attack(f"/manage/learning/quizzes/{quiz.id}/time/{learner.id}/delete", {}, unchanged)


LEARNING_RESULTS_CSRF_ATTACKS = {
    "lms_learning.grade_essay": csrf_grade_essay,
    "lms_learning.regrade_question": csrf_regrade,
    "lms_learning.grant_quiz_time": csrf_grant_time,
    "lms_learning.remove_quiz_time": csrf_remove_time,
}
