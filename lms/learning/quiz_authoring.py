"""Authoring quizzes and the question bank: a quiz's settings and draws, and questions
saved through ``publishing.set_question_content`` (a question that was published or
answered gets a new version, so attempts keep the one they answered).

Every service takes the acting user and checks ``publishing.require_editor``,
``flush()``-es and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from lms.extensions import db
from lms.learning.attempt_models import Answer
from lms.learning.authoring import KEY_RE, keyed
from lms.learning.models import (
    GRADING_METHODS,
    PURPOSES,
    REVIEW_MOMENTS,
    REVIEW_PARTS,
    Module,
    Question,
    QuestionVersion,
    Quiz,
    QuizDraw,
)
from lms.learning.publishing import LearningError, quiz_tag, require_editor, set_question_content
from lms.learning.question_types import validate

QUIZ_FIELDS = (
    "title",
    "intro_md",
    "purpose",
    "attempts_allowed",
    "time_limit_minutes",
    "opens_at",
    "closes_at",
    "grading_method",
    "pass_percent",
    "shuffle_questions",
    "shuffle_options",
    "required_for_completion",
    "review",
    "overall_feedback",
)


class QuestionFaults(LearningError):
    """A question's content does not validate (``faults``: translated when shown)."""

    def __init__(self, faults: list) -> None:
        super().__init__("invalid_question")
        self.faults = faults


# --- quizzes --------------------------------------------------------------------------


def _check_quiz(module: Module, quiz: Quiz | None, data: dict[str, Any]) -> None:
    key = data.get("key") or ""
    if key and not KEY_RE.match(key):
        raise LearningError("bad_key")
    if key and any(q.key == key for q in module.quizzes if q is not quiz):
        raise LearningError("key_taken")
    if data["purpose"] not in PURPOSES or data["grading_method"] not in GRADING_METHODS:
        raise LearningError("bad_setting")
    if not 0 <= data["pass_percent"] <= 100 or data["attempts_allowed"] < 0:
        raise LearningError("bad_setting")
    if data["time_limit_minutes"] is not None and data["time_limit_minutes"] < 1:
        raise LearningError("bad_setting")
    opens, closes = data["opens_at"], data["closes_at"]
    if opens and closes and closes <= opens:
        raise LearningError("closes_before_opens")
    review = data["review"]
    if set(review) - set(REVIEW_MOMENTS) or any(
        set(parts) - set(REVIEW_PARTS) for parts in review.values()
    ):
        raise LearningError("bad_setting")


def create_quiz(user, module: Module, data: dict[str, Any]) -> Quiz:
    """A quiz at the end of the module with ``data``'s settings (``QUIZ_FIELDS``; its
    key made from the title unless ``data["key"]`` gives one)."""
    require_editor(user, module)
    _check_quiz(module, None, data)
    key = data.get("key") or keyed(data["title"], {q.key for q in module.quizzes}, "quiz")
    quiz = Quiz(key=key, position=len(module.quizzes), **{n: data[n] for n in QUIZ_FIELDS})
    module.quizzes.append(quiz)
    db.session.flush()
    return quiz


def update_quiz(user, quiz: Quiz, data: dict[str, Any]) -> None:
    """Change a quiz's settings. A new key moves its questions along: they are tagged
    with the quiz's new ``quiz_tag``."""
    module = quiz.module
    require_editor(user, module)
    _check_quiz(module, quiz, data)
    new_key = data.get("key") or quiz.key
    if new_key != quiz.key:
        old_tag = quiz_tag(quiz)
        quiz.key = new_key
        for question in module.questions:
            if old_tag in (question.tags or []):
                question.tags = [quiz_tag(quiz) if t == old_tag else t for t in question.tags]
    for name in QUIZ_FIELDS:
        setattr(quiz, name, data[name])
    db.session.flush()


def add_draw(user, quiz: Quiz, *, tag: str, count: int) -> QuizDraw:
    """Make the quiz draw ``count`` questions at random from those tagged ``tag``."""
    require_editor(user, quiz.module)
    tag = tag.strip()
    if not tag or len(tag) > 100 or not 1 <= count <= 200:
        raise LearningError("bad_draw")
    draw = QuizDraw(tag=tag, count=count, position=len(quiz.draws))
    quiz.draws.append(draw)
    db.session.flush()
    return draw


def remove_draw(user, draw: QuizDraw) -> None:
    """Take a draw off its quiz."""
    quiz = draw.quiz
    require_editor(user, quiz.module)
    quiz.draws.remove(draw)
    for position, kept in enumerate(quiz.draws):
        kept.position = position
    db.session.flush()


def tag_pool_sizes(module: Module) -> dict[str, int]:
    """How many bank questions carry each tag."""
    sizes: dict[str, int] = {}
    for question in module.questions:
        for tag in question.tags or []:
            sizes[tag] = sizes.get(tag, 0) + 1
    return sizes


# --- the question bank ----------------------------------------------------------------


def questions_of(module: Module, tag: str | None = None) -> list[Question]:
    """The module's bank in bank order, only those tagged ``tag`` when given."""
    return [q for q in module.questions if not tag or tag in (q.tags or [])]


@dataclass(frozen=True)
class Saved:
    """What saving a question did: the version it has now and whether it is a new one
    (made because the one before was published or answered)."""

    question: Question
    version: QuestionVersion
    new_version: bool


def _answered(version: QuestionVersion) -> bool:
    if version.id is None:
        return False
    return bool(db.session.scalar(select(exists().where(Answer.question_version_id == version.id))))


def save_question(
    user,
    module: Module,
    question: Question | None,
    *,
    key: str,
    kind: str,
    text_md: str,
    spec: dict[str, Any],
    feedback_md: str = "",
    points: float = 1.0,
    tags: list[str],
) -> Saved:
    """Create (``question`` None) or change a bank question. The content is checked
    first (``question_types.validate``: ``QuestionFaults``, nothing written); a version
    that a published module or an answer refers to is never changed: the question gets
    a new version instead."""
    require_editor(user, module)
    if question is not None and question.module_id != module.id:
        raise LearningError("not_found")
    faults = list(validate(kind, spec))
    if not text_md.strip():
        faults.append(_l("The question needs a text."))
    if faults:
        raise QuestionFaults(faults)
    if points < 0:
        raise LearningError("bad_points")
    taken = {q.key for q in module.questions if q is not question}
    if key and (not KEY_RE.match(key) or key in taken):
        raise LearningError("key_taken" if key in taken else "bad_key")
    if question is None:
        question = Question(key=key or keyed(text_md[:40], taken, "sporsmal"), tags=[])
        module.questions.append(question)
    elif key:
        question.key = key
    question.tags = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    before = question.versions[-1] if question.versions else None
    if before is not None and not before.frozen and _answered(before):
        before.frozen = True  # answered: what the learner saw must stay as it was
    version = set_question_content(
        question,
        kind=kind,
        text_md=text_md,
        spec=spec,
        feedback_md=feedback_md,
        points=points,
        user=user,
    )
    db.session.flush()
    return Saved(question, version, new_version=before is not None and version is not before)


def versions_by_id(ids: list[int]) -> dict[int, QuestionVersion]:
    """Question versions by id, in one query (a snapshot's draws name them)."""
    if not ids:
        return {}
    rows = db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(ids)))
    return {version.id: version for version in rows}
