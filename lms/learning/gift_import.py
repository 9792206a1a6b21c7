"""A module's question bank to and from GIFT files (the services the GIFT pages call).

``import_gift`` reads a whole file first (``gift.parse_gift``): a file with any fault
adds nothing. Each question becomes a bank ``Question`` with a key made from its title
(or its text), unique in the module, tagged ``category:<path>`` for its ``$CATEGORY``,
with the file's own ``[tag:…]`` tags and, when a quiz is chosen, the quiz's tag.
``bank_as_gift`` writes the bank's current versions back in the same form.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.learning.gift import GiftError, GiftQuestion, parse_gift
from lms.learning.gift_export import to_gift
from lms.learning.models import Module, Question, Quiz
from lms.learning.publishing import LearningError, quiz_tag, require_editor, set_question_content

CATEGORY_TAG = "category:"
KEY_LENGTH = 60  # room for "-<n>" within the column's 100
_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss", "đ": "d", "ł": "l"})


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Åpenhetsloven § 4" → "apenhetsloven-4")."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    text = text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:KEY_LENGTH].strip("-")


def unique_key(base: str, taken: set[str]) -> str:
    """``base`` (or "question"), or ``base-2``, ``base-3``… the first not in ``taken``."""
    base = base or "question"
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key


def _tags(question: GiftQuestion, quiz: Quiz | None) -> list[str]:
    tags = list(question.tags)
    if question.category:
        tags.append(CATEGORY_TAG + question.category)
    if quiz is not None:
        tags.append(quiz_tag(quiz))
    return list(dict.fromkeys(tags))


def import_gift(user, module: Module, text: str, quiz: Quiz | None = None) -> list[Question]:
    """Add every question of the GIFT ``text`` to ``module``'s bank (and to ``quiz``, a
    quiz of the module, if given). ``GiftError`` lists every fault of the file, each
    naming its line, and nothing is added; flushes, never commits."""
    require_editor(user, module)
    if quiz is not None and quiz.module_id != module.id:
        raise LearningError("quiz_not_in_module")
    parsed = parse_gift(text)
    if not parsed:
        raise GiftError([(1, _l("Line 1: The file has no questions."))])
    taken = {question.key for question in module.questions}
    made = []
    for entry in parsed:
        key = unique_key(slugify(entry.name or entry.text_md), taken)
        taken.add(key)
        question = Question(key=key, tags=_tags(entry, quiz))
        module.questions.append(question)
        set_question_content(
            question,
            kind=entry.kind,
            text_md=entry.text_md,
            spec=entry.spec,
            feedback_md=entry.feedback_md,
            points=entry.points,
            user=user,
        )
        made.append(question)
    db.session.flush()
    return made


def as_gift_question(question: Question) -> GiftQuestion:
    """A bank question's current version as GIFT holds it: its key as the title, its
    ``category:`` tag as the category, its other tags but the quiz ones (the import
    form chooses the quiz)."""
    version = question.current
    tags = list(question.tags or [])
    category = next((t[len(CATEGORY_TAG) :] for t in tags if t.startswith(CATEGORY_TAG)), "")
    kept = tuple(t for t in tags if not t.startswith((CATEGORY_TAG, "quiz:")))
    return GiftQuestion(
        name=question.key,
        kind=version.kind,
        text_md=version.text_md,
        spec=version.spec or {},
        feedback_md=version.feedback_md or "",
        points=version.points,
        category=category,
        tags=kept,
    )


def bank_as_gift(user, module: Module) -> str:
    """``module``'s question bank (current versions, grouped by category in bank order
    within each) as a GIFT file."""
    require_editor(user, module)
    rows = db.session.scalars(
        select(Question)
        .where(Question.module_id == module.id)
        .options(selectinload(Question.versions))
        .order_by(Question.id)
    )
    questions = [as_gift_question(question) for question in rows]
    order = list(dict.fromkeys(q.category for q in questions))
    questions.sort(key=lambda q: order.index(q.category))
    return to_gift(questions)
