"""Publishing a module: its working copy frozen into a numbered ``ModuleVersion``.

``snapshot`` turns the live rows into the JSON participants are shown (the preview shows
the same JSON unsaved, so an instructor sees exactly what a participant would);
``publish`` stores it as the next version unless it equals the newest one, and freezes
every question version it pins, so a later edit makes a new question version instead of
changing what attempts answered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core.service_errors import PermissionDenied, ServiceError
from lms.extensions import db
from lms.learning.models import Module, ModuleVersion, Question, QuestionVersion, Quiz
from lms.learning.question_types import validate


class LearningError(ServiceError):
    """A refused operation in the learning area; ``code`` says why."""


class NotPublishable(LearningError):
    """The working copy has faults that keep it from being published; ``faults`` lists
    them as (where, message) pairs, translated when shown."""

    def __init__(self, faults: list[tuple[str, Any]]) -> None:
        super().__init__("not_publishable")
        self.faults = faults


def require_editor(user, module: Module) -> None:
    """Refuse anyone who may not edit ``module`` (``Module.can_edit``)."""
    if not module.can_edit(user):
        raise PermissionDenied()


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _pool(module: Module, tag: str) -> list[int]:
    return [q.current.id for q in module.questions if tag in (q.tags or [])]


def _quiz_snapshot(module: Module, quiz: Quiz) -> dict[str, Any]:
    if quiz.draws:
        draws = [
            {"question_version_id": d.question.current.id}
            if d.question is not None
            else {"tag": d.tag, "count": d.count, "pool": _pool(module, d.tag)}
            for d in quiz.draws
        ]
    else:
        draws = []
    return {
        "id": quiz.id,
        "key": quiz.key,
        "title": quiz.title,
        "intro_md": quiz.intro_md,
        "purpose": quiz.purpose,
        "attempts_allowed": quiz.attempts_allowed,
        "time_limit_minutes": quiz.time_limit_minutes,
        "opens_at": _when(quiz.opens_at),
        "closes_at": _when(quiz.closes_at),
        "grading_method": quiz.grading_method,
        "pass_percent": quiz.pass_percent,
        "shuffle_questions": quiz.shuffle_questions,
        "shuffle_options": quiz.shuffle_options,
        "review": quiz.review or {},
        "overall_feedback": quiz.overall_feedback or [],
        "required_for_completion": quiz.required_for_completion,
        "draws": draws,
    }


def snapshot(module: Module) -> dict[str, Any]:
    """What participants would see of ``module`` if it were published now (plain JSON).

    A quiz's ``draws`` pin question versions: a fixed question, or a tag's pool with the
    number to draw. A quiz with no draws asks every question in ``questions`` (its own
    bank entries as the working copy lists them, by ``quiz_questions``)."""
    quizzes = []
    for quiz in module.quizzes:
        entry = _quiz_snapshot(module, quiz)
        if not entry["draws"]:
            entry["draws"] = [
                {"question_version_id": q.current.id} for q in quiz_questions(module, quiz)
            ]
        quizzes.append(entry)
    return {
        "slug": module.slug,
        "language": module.language,
        "title": module.title,
        "summary_md": module.summary_md,
        "themes": list(module.themes or []),
        "principles": list(module.principles or []),
        "estimated_minutes": module.estimated_minutes,
        "complete_needs_lessons": module.complete_needs_lessons,
        "objectives": [{"code": o.code, "text": o.text} for o in module.objectives],
        "lessons": [
            {"id": lesson.id, "key": lesson.key, "title": lesson.title, "body_md": lesson.body_md}
            for lesson in module.lessons
        ],
        "quizzes": quizzes,
    }


def quiz_tag(quiz: Quiz) -> str:
    """The tag that puts a bank question in a quiz with no draws of its own: ``quiz:<key>``
    (the course files and the editor give each question of a quiz this tag)."""
    return f"quiz:{quiz.key}"


def new_question(module: Module, key: str, tags: list[str]) -> Question:
    """A question added to the end of ``module``'s bank (the order quizzes without draws
    ask in)."""
    position = max((q.position for q in module.questions), default=-1) + 1
    question = Question(key=key, tags=tags, position=position)
    module.questions.append(question)
    return question


def quiz_questions(module: Module, quiz: Quiz) -> list[Question]:
    """The bank questions a quiz without draws asks, in bank order."""
    tag = quiz_tag(quiz)
    return [q for q in module.questions if tag in (q.tags or [])]


def faults_of(module: Module) -> list[tuple[str, Any]]:
    """What keeps ``module`` from being published: (where, message) pairs."""
    faults: list[tuple[str, Any]] = []
    if not module.title.strip():
        faults.append((module.slug, _l("The module needs a title.")))
    for question in module.questions:
        version = question.current
        for fault in validate(version.kind, version.spec):
            faults.append((question.key, fault))
    for quiz in module.quizzes:
        entry = _quiz_snapshot(module, quiz)
        if not entry["draws"] and not quiz_questions(module, quiz):
            faults.append((quiz.key, _l("The quiz has no questions.")))
        for draw in entry["draws"]:
            if "pool" in draw and len(draw["pool"]) < draw["count"]:
                faults.append(
                    (quiz.key, _l("Too few questions are tagged %(tag)s.", tag=draw["tag"]))
                )
    return faults


def latest_version(module_id: int) -> ModuleVersion | None:
    """The newest published version of a module, or None."""
    return db.session.scalar(
        select(ModuleVersion)
        .where(ModuleVersion.module_id == module_id)
        .order_by(ModuleVersion.number.desc())
        .limit(1)
    )


def publish(user, module: Module, *, check_permission: bool = True) -> ModuleVersion:
    """Publish ``module``'s working copy as its next version (or keep the newest version
    when nothing changed) and mark the module published. Refuses a module with faults
    (``NotPublishable``). The CLI import passes ``check_permission=False``."""
    if check_permission:
        require_editor(user, module)
    faults = faults_of(module)
    if faults:
        raise NotPublishable(faults)
    db.session.flush()  # new lessons, quizzes and questions get their ids
    content = snapshot(module)
    newest = latest_version(module.id)
    module.status = "published"
    if newest is not None and newest.content == content:
        return newest
    version = ModuleVersion(
        module=module,
        number=(newest.number + 1) if newest else 1,
        content=content,
        published_by_id=getattr(user, "id", None),
    )
    db.session.add(version)
    for question in module.questions:
        question.current.frozen = True
    db.session.flush()
    return version


def set_question_content(
    question: Question,
    *,
    kind: str,
    text_md: str,
    spec: dict[str, Any],
    feedback_md: str = "",
    points: float = 1.0,
    user=None,
) -> QuestionVersion:
    """Give ``question`` this content: its newest version is changed in place while no
    published version or answer refers to it, else a new version is made (so attempts
    keep what they answered). Nothing is written when nothing changed. The caller has
    checked the content (``question_types.validate``) and the permission."""
    values = {
        "kind": kind,
        "text_md": text_md,
        "spec": spec,
        "feedback_md": feedback_md,
        "points": float(points),
    }
    current = question.versions[-1] if question.versions else None
    if current is not None and all(getattr(current, k) == v for k, v in values.items()):
        return current
    if current is None or current.frozen:
        current = QuestionVersion(
            question=question,
            number=(current.number + 1) if current else 1,
            created_by_id=getattr(user, "id", None),
            **values,
        )
        db.session.add(current)
    else:
        for name, value in values.items():
            setattr(current, name, value)
    return current
