"""Question types: a registry of classes, each validating its own spec and grading a response.

Pure functions of plain data (no database, no request): a question's ``spec`` is the JSON
an instructor's form, a course file or a GIFT import makes, and a ``response`` is what a
learner's answer form or the API sends. Grading gives a fraction of the question's marks
in [0, 1] as a ``Fraction`` (exact: marks add up without float drift), or ``None`` for
what a person grades (essays) and nothing for what is not scored (Likert items).

A new type is a subclass with a ``name``, ``validate`` and ``grade``, registered with
``@register``; nothing else changes.
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


def question_type(name: str) -> QuestionType:
    """The type called ``name``; ``KeyError`` for one that does not exist."""
    return TYPES[name]()


def validate(kind: str, spec: dict[str, Any]) -> list:
    """What is wrong with a question of ``kind``, in sentences translated when shown
    (lazy strings; empty: nothing)."""
    if kind not in TYPES:
        return [_l("Unknown question type %(kind)s.", kind=kind)]
    if not isinstance(spec, dict):
        return [_l("The question must be a mapping of its fields.")]
    return question_type(kind).validate(spec)


def grade(kind: str, spec: dict[str, Any], response: Any) -> Grade:
    """Grade ``response`` to a valid question; an unreadable response earns nothing."""
    return question_type(kind).grade(spec, response)


class QuestionType:
    """One kind of question. ``validate`` lists faults in a spec; ``grade`` never raises
    for a bad response (a learner's browser can send anything): it earns 0."""

    name: ClassVar[str] = ""

    def validate(self, spec: dict[str, Any]) -> list[str]:
        raise NotImplementedError

    def grade(self, spec: dict[str, Any], response: Any) -> Grade:
        raise NotImplementedError


def _options(spec: dict[str, Any]) -> list[dict[str, Any]]:
    options = spec.get("options")
    return options if isinstance(options, list) else []


def _option_faults(spec: dict[str, Any], at_least: int) -> list[str]:
    options = _options(spec)
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


def _weight(value: Any) -> Fraction | None:
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None


@register
class SingleChoice(QuestionType):
    """One option is chosen; each option carries its fraction (the right one 1)."""

    name = "single"

    def validate(self, spec):
        faults = _option_faults(spec, 2)
        weights = [_weight(o.get("fraction", 0)) for o in _options(spec) if isinstance(o, dict)]
        if any(w is None or not 0 <= w <= 1 for w in weights):
            faults.append(_l("An option's fraction must be between 0 and 1."))
        elif weights and max(weights) != 1:
            faults.append(_l("One option must be fully right (fraction 1)."))
        return faults

    def grade(self, spec, response):
        for option in _options(spec):
            if option["id"] == response:
                fraction = _weight(option.get("fraction", 0)) or Fraction(0)
                return Grade(fraction, fraction == 1)
        return Grade(Fraction(0), False)


@register
class MultipleResponse(QuestionType):
    """Several options may be chosen. Each option carries a weight: the right ones add up
    to 1, a wrong one may take marks away (down to -1). The score is the sum of what was
    chosen, never below 0 (Moodle's rule for multiple answers with weights), so ticking
    every box earns no more than the right ones less the wrong ones."""

    name = "multiple"

    def validate(self, spec):
        faults = _option_faults(spec, 2)
        weights = [_weight(o.get("weight", 0)) for o in _options(spec) if isinstance(o, dict)]
        if any(w is None or not -1 <= w <= 1 for w in weights):
            faults.append(_l("An option's weight must be between -1 and 1."))
        elif weights and abs(sum(w for w in weights if w > 0) - 1) > WEIGHT_SLACK:
            faults.append(_l("The right options' weights must add up to 1."))
        return faults

    def grade(self, spec, response):
        chosen = set(response) if isinstance(response, (list, tuple, set)) else set()
        total = sum(
            (_weight(o.get("weight", 0)) or Fraction(0))
            for o in _options(spec)
            if o["id"] in chosen
        )
        fraction = min(max(Fraction(total), Fraction(0)), Fraction(1))
        return Grade(fraction, fraction == 1)


@register
class TrueFalse(QuestionType):
    """A statement that is true or false."""

    name = "truefalse"

    def validate(self, spec):
        return [] if isinstance(spec.get("answer"), bool) else [_l("Say whether it is true.")]

    def grade(self, spec, response):
        right = isinstance(response, bool) and response is spec["answer"]
        return Grade(Fraction(int(right)), right)


def normalised(text: Any, case_sensitive: bool = False) -> str:
    """Text as short answers compare it: Unicode NFC, spaces collapsed and trimmed, and
    without case unless the question says case matters."""
    value = unicodedata.normalize("NFC", str(text))
    value = re.sub(r"\s+", " ", value).strip()
    return value if case_sensitive else value.casefold()


@register
class ShortAnswer(QuestionType):
    """A few words typed; several answers may be accepted, each with its fraction."""

    name = "short"

    def validate(self, spec):
        answers = spec.get("answers")
        if not isinstance(answers, list) or not answers:
            return [_l("Give at least one accepted answer.")]
        faults = []
        if any(not normalised(a.get("text", "")) for a in answers if isinstance(a, dict)):
            faults.append(_l("An accepted answer is empty."))
        weights = [_weight(a.get("fraction", 1)) for a in answers if isinstance(a, dict)]
        if len(weights) != len(answers) or any(w is None or not 0 < w <= 1 for w in weights):
            faults.append(_l("An accepted answer's fraction must be above 0 and at most 1."))
        elif max(weights) != 1:
            faults.append(_l("One accepted answer must be fully right (fraction 1)."))
        return faults

    def grade(self, spec, response):
        if not isinstance(response, str):
            return Grade(Fraction(0), False)
        case = bool(spec.get("case_sensitive"))
        given = normalised(response, case)
        fraction = max(
            (
                _weight(a.get("fraction", 1)) or Fraction(0)
                for a in spec["answers"]
                if normalised(a["text"], case) == given
            ),
            default=Fraction(0),
        )
        return Grade(fraction, fraction == 1)


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


NUMERIC_FAULT = _l(
    "An accepted answer needs a value (and a tolerance of 0 or more) or a range whose "
    "lower end is not above its upper end."
)


@register
class Numeric(QuestionType):
    """A number, right within a tolerance of a value or inside a range (both ends count)."""

    name = "numeric"

    def validate(self, spec):
        answers = spec.get("answers")
        if not isinstance(answers, list) or not answers:
            return [_l("Give at least one accepted number or range.")]
        faults = []
        for answer in answers:
            low, high = self._bounds(answer)
            if low is None or high is None or low > high:
                faults.append(NUMERIC_FAULT)
        return faults

    @staticmethod
    def _bounds(answer: Any) -> tuple[Decimal | None, Decimal | None]:
        if not isinstance(answer, dict):
            return None, None
        if "min" in answer or "max" in answer:
            return number(answer.get("min")), number(answer.get("max"))
        value, tolerance = number(answer.get("value")), number(answer.get("tolerance", 0))
        if value is None or tolerance is None or tolerance < 0:
            return None, None
        return value - tolerance, value + tolerance

    def grade(self, spec, response):
        given = number(response, spec.get("unit", ""))
        if given is None or not given.is_finite():
            return Grade(Fraction(0), False)
        for answer in spec["answers"]:
            low, high = self._bounds(answer)
            if low <= given <= high:
                fraction = _weight(answer.get("fraction", 1)) or Fraction(0)
                return Grade(fraction, fraction == 1)
        return Grade(Fraction(0), False)


@register
class Matching(QuestionType):
    """Each prompt is matched to one of the answers; every right match earns its share."""

    name = "matching"

    def validate(self, spec):
        pairs = spec.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 2:
            return [_l("Give at least two pairs to match.")]
        faults = []
        ids = [p.get("id") for p in pairs if isinstance(p, dict)]
        if len(ids) != len(pairs) or not all(isinstance(i, str) and i for i in ids):
            faults.append(_l("Every pair needs an id."))
        elif len(set(ids)) != len(ids):
            faults.append(_l("Two pairs have the same id."))
        named = [p for p in pairs if isinstance(p, dict)]
        if any(not normalised(p.get("prompt", "")) or not normalised(p.get("answer", ""))
               for p in named):  # fmt: skip
            faults.append(_l("Every pair needs a prompt and an answer."))
        return faults

    def grade(self, spec, response):
        chosen = response if isinstance(response, dict) else {}
        pairs = spec["pairs"]
        right = sum(
            1
            for pair in pairs
            if isinstance(chosen.get(pair["id"]), str)
            and normalised(chosen[pair["id"]]) == normalised(pair["answer"])
        )
        fraction = Fraction(right, len(pairs))
        return Grade(fraction, fraction == 1)


@register
class Essay(QuestionType):
    """Free text that an instructor reads and grades."""

    name = "essay"

    def validate(self, spec):
        return []

    def grade(self, spec, response):
        return AWAITS_GRADING


@register
class Likert(QuestionType):
    """A statement rated on a scale (self-assessment): recorded, never scored."""

    name = "likert"

    def validate(self, spec):
        points = spec.get("points", 5)
        ok = isinstance(points, int) and not isinstance(points, bool) and 2 <= points <= 11
        return [] if ok else [_l("A scale has from 2 to 11 points.")]

    def grade(self, spec, response):
        return UNSCORED
