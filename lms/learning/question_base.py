"""What every question type shares: the registry, the ``Grade`` a response earns, the base
class with what a type answers (validation, grading, the learner's view, the right
answer, feedback, the shape of a saved response), and the pure helpers the types read
their specs with. The types themselves are in ``question_types``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as ngettext  # lazy; the extractor knows the name

TYPES: dict[str, type[QuestionType]] = {}
# The longest text a learner may save: a few words for a short answer, pages for an essay.
SHORT_MAX_LENGTH = 500
ESSAY_MAX_LENGTH = 50_000


@dataclass(frozen=True)
class Grade:
    """What one response earned: ``fraction`` of the marks (None: a person grades it),
    ``right`` (None where right and wrong do not apply), and whether it counts at all."""

    fraction: Fraction | None
    right: bool | None
    scored: bool = True


UNSCORED = Grade(None, None, scored=False)
# Thirds are written 33.33333 % in GIFT files and Moodle: weights that add up to 1 within
# this much are accepted (the score is capped at 1 all the same).
WEIGHT_SLACK = Fraction(1, 10_000)
AWAITS_GRADING = Grade(None, None)


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Add a question type to the registry under its ``name``."""
    if cls.name in TYPES:
        raise ValueError(f"question type {cls.name!r} is registered twice")
    TYPES[cls.name] = cls
    return cls


class QuestionType:
    """One kind of question. ``validate`` lists faults in a spec; ``grade`` never raises
    for a bad response (a learner's browser can send anything): it earns 0.

    What a learner may see before the review allows more is ``learner_view``: never a
    fraction, a weight, an accepted answer or an option's feedback. ``right_answer`` and
    ``option_feedback`` are for the review, shown only when its options say so.
    """

    name: ClassVar[str] = ""
    # Whether the options (or a matching question's answers) can be shuffled per attempt.
    shuffles: ClassVar[bool] = False

    def validate(self, spec: dict[str, Any]) -> list[str]:
        raise NotImplementedError

    def grade(self, spec: dict[str, Any], response: Any) -> Grade:
        raise NotImplementedError

    def option_ids(self, spec: dict[str, Any]) -> list[str]:
        """The ids whose order a shuffle changes (empty: nothing to shuffle)."""
        return []

    def learner_view(self, spec: dict[str, Any], option_order: list[str]) -> dict[str, Any]:
        """What a learner sees to answer with, options in ``option_order``."""
        return {}

    def right_answer(self, spec: dict[str, Any]) -> Any:
        """The answer that earns full marks, as a response would give it (None: none)."""
        return None

    def option_feedback(self, spec: dict[str, Any], response: Any) -> list[str]:
        """The feedback written for what ``response`` chose (Markdown texts)."""
        return []

    def response_fault(self, spec: dict[str, Any], response: Any) -> str | None:
        """None when ``response`` has the shape this type saves, else what is wrong."""
        raise NotImplementedError


class ChoiceType(QuestionType):
    """What single and multiple choice share: options with ids, shown in the attempt's
    order without their fractions, weights or feedback."""

    shuffles = True

    def option_ids(self, spec):
        return [o["id"] for o in options_of(spec)]

    def learner_view(self, spec, option_order):
        options = in_order(options_of(spec), option_order)
        return {"options": [{"id": o["id"], "text": o["text"]} for o in options]}

    def option_feedback(self, spec, response):
        chosen = response if isinstance(response, list) else [response]
        return [text for o in options_of(spec) if o["id"] in chosen for text in feedback_of(o)]


def options_of(spec: dict[str, Any]) -> list[dict[str, Any]]:
    options = spec.get("options")
    return options if isinstance(options, list) else []


def in_order(items: list[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    """``items`` (each with an ``id``) in ``order``; ids missing from it follow in spec
    order, so a stored order that no longer fits never hides an option."""
    by_id = {item.get("id"): item for item in items}
    ordered = [by_id[i] for i in order if i in by_id]
    seen = {item.get("id") for item in ordered}
    return ordered + [item for item in items if item.get("id") not in seen]


def option_faults(spec: dict[str, Any], at_least: int) -> list[str]:
    options = options_of(spec)
    faults = []
    if len(options) < at_least:
        faults.append(
            ngettext("Give at least %(num)s option.", "Give at least %(num)s options.", at_least)
        )
    ids = [o.get("id") for o in options if isinstance(o, dict)]
    if len(ids) != len(options) or not all(isinstance(i, str) and i for i in ids):
        faults.append(_l("Every option needs an id."))
    elif len(set(ids)) != len(ids):
        faults.append(_l("Two options have the same id."))
    if any(not str(o.get("text", "")).strip() for o in options if isinstance(o, dict)):
        faults.append(_l("Every option needs a text."))
    return faults


def weight(value: Any) -> Fraction | None:
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None


def feedback_of(item: dict[str, Any]) -> list[str]:
    text = item.get("feedback")
    return [text] if isinstance(text, str) and text.strip() else []


def text_fault(response: Any, limit: int) -> str | None:
    if not isinstance(response, str):
        return _l("The answer must be text.")
    if not storable(response):
        return _l("The answer holds a character no text may hold.")
    if len(response) > limit:
        return ngettext(
            "The answer may be at most %(num)s character long.",
            "The answer may be at most %(num)s characters long.",
            limit,
        )
    return None


def storable(text: str) -> bool:
    """Text a database can keep and a page can show: JSON may escape a NUL or a lone
    UTF-16 surrogate, which PostgreSQL refuses and no page or export could encode."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def normalised(text: Any, case_sensitive: bool = False) -> str:
    """Text as short answers compare it: Unicode NFC, spaces collapsed and trimmed, and
    without case unless the question says case matters."""
    value = unicodedata.normalize("NFC", str(text))
    value = re.sub(r"\s+", " ", value).strip()
    return value if case_sensitive else value.casefold()


def number(text: Any, unit: str = "") -> Decimal | None:
    """A typed number as a Decimal: a decimal comma as well as a point (Norwegian writes
    3,5), spaces between thousands, and the question's unit after it if given."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        return None
    value = str(text).strip().replace("\u00a0", " ")
    if unit and value.casefold().endswith(unit.casefold()):
        value = value[: -len(unit)].strip()
    value = value.replace(" ", "").replace("\u2212", "-").replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", value):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None
