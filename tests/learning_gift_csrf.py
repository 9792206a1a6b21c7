"""CSRF attack on the GIFT import form, for tests/test_security_csrf.py's table: the
forged POST (no token) carries questions that the same POST with a token would import,
and must be refused with the bank unchanged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from learning_support import make_module
from sqlalchemy import func, select

from lms.extensions import db
from lms.learning.models import Question, QuestionVersion


@dataclass
class Attack:
    """Same shape as test_security_csrf.Attack: a forged POST and what must not change."""

    path: str
    data: dict
    unchanged: Callable[[], None]


def _bank() -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Question)),
        db.session.scalar(select(func.count()).select_from(QuestionVersion)),
    )


def csrf_gift_import(factory, login, client):
    instructor = factory.user("victim@example.no", roles=("instructor",))
    login(instructor)
    module = make_module(instructor=instructor)
    before = _bank()

    def unchanged():
        assert _bank() == before

    data = {"text": "::forged::A forged question.{T}", "quiz": ""}
    return Attack(f"/manage/learning/modules/{module.id}/gift", data, unchanged)


LEARNING_GIFT_CSRF_ATTACKS = {"lms_learning.gift_import": csrf_gift_import}
