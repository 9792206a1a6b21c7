"""CSRF attacks on the authoring forms, for tests/test_security_csrf.py's table: each
forged POST (no token) from an instructor's browser must be refused and change nothing
of the module (its snapshot, status, versions, draws and the number of modules)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from learning_support import make_module
from sqlalchemy import func, select

from lms.extensions import db
from lms.learning.attachments import store_attachment
from lms.learning.models import Attachment, Module, ModuleVersion, QuestionVersion, QuizDraw
from lms.learning.publishing import snapshot


@dataclass
class Attack:
    """Same shape as test_security_csrf.Attack: a forged POST and what must not change."""

    path: str
    data: dict
    unchanged: Callable[[], None]


def _state(module_id: int):
    db.session.expire_all()
    module = db.session.get(Module, module_id)
    counts = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Module, ModuleVersion, QuestionVersion, QuizDraw, Attachment)
    ]
    return snapshot(module), module.status, counts


def _attack(path: str, data: dict | None = None):
    """An attack on ``path`` (``{module}``, ``{lesson}``, ``{quiz}``, ``{question}``,
    ``{draw}`` filled from a module the victim teaches)."""

    def make(factory, login, client):
        victim = factory.user("victim@example.no", roles=("instructor",))
        login(victim)
        module = make_module(instructor=victim, published=False)
        draw = QuizDraw(tag="objective:MR1", count=1, position=0)
        module.quizzes[0].draws.append(draw)
        stored = store_attachment(module, "vilkar.txt", b"Vilk\xc3\xa5r")
        db.session.commit()
        ids = {"module": module.id, "lesson": module.lessons[1].id, "draw": draw.id,
               "quiz": module.quizzes[0].id, "question": module.questions[0].id,
               "file": stored.id}  # fmt: skip
        before = _state(module.id)

        def unchanged():
            assert _state(ids["module"]) == before

        return Attack(path.format(**ids), data or {}, unchanged)

    return make


M = "/manage/learning/{module}"
LEARNING_AUTHORING_CSRF_ATTACKS = {
    "lms_learning.new_module": _attack(
        "/manage/learning/new", {"slug": "ny", "title": "Ny", "language": "nb",
                                 "estimated_minutes": "10"}),
    "lms_learning.module_settings": _attack(
        f"{M}/settings", {"slug": "hacked", "title": "Hacked", "language": "nb",
                          "estimated_minutes": "10"}),
    "lms_learning.publish_module": _attack(f"{M}/publish"),
    "lms_learning.archive_module": _attack(f"{M}/archive"),
    "lms_learning.new_lesson": _attack(f"{M}/lessons/new", {"title": "Hacked"}),
    "lms_learning.edit_lesson": _attack(f"{M}/lessons/{{lesson}}", {"title": "Hacked"}),
    "lms_learning.move_lesson": _attack(f"{M}/lessons/{{lesson}}/move", {"direction": "up"}),
    "lms_learning.delete_lesson": _attack(f"{M}/lessons/{{lesson}}/delete"),
    "lms_learning.new_question": _attack(
        f"{M}/questions/new?kind=truefalse", {"text_md": "Sant?", "points": "1",
                                              "answer": "true"}),
    "lms_learning.edit_question": _attack(
        f"{M}/questions/{{question}}", {"text_md": "Hacked", "points": "1"}),
    "lms_learning.new_quiz": _attack(
        f"{M}/quizzes/new", {"title": "Ny", "purpose": "graded", "attempts_allowed": "0",
                             "grading_method": "highest", "pass_percent": "50"}),
    "lms_learning.edit_quiz": _attack(
        f"{M}/quizzes/{{quiz}}", {"title": "Hacked", "purpose": "graded",
                                  "attempts_allowed": "0", "grading_method": "highest",
                                  "pass_percent": "50"}),
    "lms_learning.add_draw": _attack(f"{M}/quizzes/{{quiz}}/draws", {"tag": "x", "count": "1"}),
    "lms_learning.remove_draw": _attack(f"{M}/quizzes/{{quiz}}/draws/{{draw}}/delete"),
    "lms_learning.manage_attachments": _attack(f"{M}/attachments"),
    "lms_learning.delete_attachment": _attack(f"{M}/attachments/{{file}}/delete"),
}  # fmt: skip
