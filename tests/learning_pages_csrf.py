"""CSRF attacks on the participants' quiz forms, for tests/test_security_csrf.py's table:
each forged POST (no token) must be refused and change nothing (no attempt started, no
answer saved, nothing submitted)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from learning_support import make_module
from sqlalchemy import func, select

from lms.extensions import db
from lms.learning.attempt_models import Answer, Attempt
from lms.learning.attempts import start_attempt


@dataclass
class Attack:
    """Same shape as test_security_csrf.Attack: a forged POST and what must not change."""

    path: str
    data: dict
    unchanged: Callable[[], None]


def _state() -> tuple:
    db.session.expire_all()
    attempts = db.session.execute(select(Attempt.id, Attempt.state, Attempt.revision)).all()
    answered = db.session.scalar(
        select(func.count()).select_from(Answer).where(Answer.response.is_not(None))
    )
    return [tuple(row) for row in attempts], answered


def _learner(factory, login):
    user = factory.user("victim@example.no")
    login(user)
    return user


def _unchanged(before):
    def check():
        assert _state() == before

    return check


def csrf_start(factory, login, client):
    _learner(factory, login)
    module = make_module()
    return Attack(f"/learning/{module.slug}/quizzes/quiz/start", {}, _unchanged(_state()))


def _open_attempt(factory, login) -> int:
    user = _learner(factory, login)
    attempt = start_attempt(user, make_module().quizzes[0].id)
    db.session.commit()
    return attempt.id


def csrf_save(factory, login, client):
    attempt_id = _open_attempt(factory, login)
    data = {"revision": "0", "q1": "a", "action": "submit"}
    return Attack(f"/learning/attempts/{attempt_id}", data, _unchanged(_state()))


def csrf_submit(factory, login, client):
    attempt_id = _open_attempt(factory, login)
    return Attack(f"/learning/attempts/{attempt_id}/submit", {}, _unchanged(_state()))


LEARNER_CSRF_ATTACKS = {
    "lms_learning.start": csrf_start,
    "lms_learning.attempt": csrf_save,
    "lms_learning.submit": csrf_submit,
}
