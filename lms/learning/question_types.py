"""Question types: a registry of classes, each validating its own spec, grading a response,
and saying what a learner may see of it and, at review, what was right.

Pure functions of plain data (no database, no request): a question's ``spec`` is the JSON
an instructor's form, a course file or a GIFT import makes, and a ``response`` is what a
learner's answer form or the API sends. Grading gives a fraction of the question's marks
in [0, 1] as a ``Fraction`` (exact: marks add up without float drift), or ``None`` for
what a person grades (essays) and nothing for what is not scored (Likert items).

A new type is a subclass of ``QuestionType`` (``question_base``) with a ``name`` and its
methods, registered with ``@register``; nothing else changes.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import lazy_gettext as _l

from lms.learning.question_base import (
    AWAITS_GRADING,
    ESSAY_MAX_LENGTH,
    SHORT_MAX_LENGTH,
    TYPES,
    UNSCORED,
    WEIGHT_SLACK,
    ChoiceType,
    Grade,
    QuestionType,
    feedback_of,
    in_order,
    normalised,
    number,
    option_faults,
    options_of,
    register,
    text_fault,
    weight,
)

__all__ = ["TYPES", "Grade", "QuestionType", "normalised", "number", "register"]


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


def learner_view(kind: str, spec: dict[str, Any], option_order: list[str]) -> dict[str, Any]:
    """What a learner may see of a question before any review: no key, no feedback."""
    return question_type(kind).learner_view(spec, list(option_order or []))


def right_answer(kind: str, spec: dict[str, Any]) -> Any:
    """The fully right answer, for a review that shows right answers."""
    return question_type(kind).right_answer(spec)


def option_feedback(kind: str, spec: dict[str, Any], response: Any) -> list[str]:
    """The feedback written for what ``response`` chose, for a review that shows it."""
    return question_type(kind).option_feedback(spec, response)


def response_fault(kind: str, spec: dict[str, Any], response: Any) -> str | None:
    """None when ``response`` may be saved as an answer (None, no answer, always may)."""
    if response is None:
        return None
    return question_type(kind).response_fault(spec, response)


def shuffles(kind: str) -> bool:
    """Whether a question of ``kind`` has options an attempt may shuffle."""
    return question_type(kind).shuffles


def option_ids(kind: str, spec: dict[str, Any]) -> list[str]:
    """The ids an attempt's shuffle puts in order."""
    return question_type(kind).option_ids(spec)


@register
class SingleChoice(ChoiceType):
    """One option is chosen; each option carries its fraction (the right one 1)."""

    name = "single"

    def validate(self, spec):
        faults = option_faults(spec, 2)
        weights = [weight(o.get("fraction", 0)) for o in options_of(spec) if isinstance(o, dict)]
        if any(w is None or not 0 <= w <= 1 for w in weights):
            faults.append(_l("An option's fraction must be between 0 and 1."))
        elif weights and max(weights) != 1:
            faults.append(_l("One option must be fully right (fraction 1)."))
        return faults

    def grade(self, spec, response):
        for option in options_of(spec):
            if option["id"] == response:
                fraction = weight(option.get("fraction", 0)) or Fraction(0)
                return Grade(fraction, fraction == 1)
        return Grade(Fraction(0), False)

    def right_answer(self, spec):
        return next((o["id"] for o in options_of(spec) if weight(o.get("fraction", 0)) == 1), None)

    def response_fault(self, spec, response):
        if isinstance(response, str) and response in self.option_ids(spec):
            return None
        return _l("Choose one of the options.")


@register
class MultipleResponse(ChoiceType):
    """Several options may be chosen. Each option carries a weight: the right ones add up
    to 1, a wrong one may take marks away (down to -1). The score is the sum of what was
    chosen, never below 0 (Moodle's rule for multiple answers with weights), so ticking
    every box earns no more than the right ones less the wrong ones."""

    name = "multiple"

    def validate(self, spec):
        faults = option_faults(spec, 2)
        weights = [weight(o.get("weight", 0)) for o in options_of(spec) if isinstance(o, dict)]
        if any(w is None or not -1 <= w <= 1 for w in weights):
            faults.append(_l("An option's weight must be between -1 and 1."))
        elif weights and abs(sum(w for w in weights if w > 0) - 1) > WEIGHT_SLACK:
            faults.append(_l("The right options' weights must add up to 1."))
        return faults

    def grade(self, spec, response):
        chosen = set(response) if isinstance(response, (list, tuple, set)) else set()
        total = sum(
            (weight(o.get("weight", 0)) or Fraction(0))
            for o in options_of(spec)
            if o["id"] in chosen
        )
        fraction = min(max(Fraction(total), Fraction(0)), Fraction(1))
        return Grade(fraction, fraction == 1)

    def right_answer(self, spec):
        return [o["id"] for o in options_of(spec) if (weight(o.get("weight", 0)) or 0) > 0]

    def response_fault(self, spec, response):
        ids = self.option_ids(spec)
        if (
            isinstance(response, list)
            and all(isinstance(i, str) and i in ids for i in response)
            and len(set(response)) == len(response)
        ):
            return None
        return _l("Choose among the options, each at most once.")


@register
class TrueFalse(QuestionType):
    """A statement that is true or false."""

    name = "truefalse"

    def validate(self, spec):
        return [] if isinstance(spec.get("answer"), bool) else [_l("Say whether it is true.")]

    def grade(self, spec, response):
        right = isinstance(response, bool) and response is spec["answer"]
        return Grade(Fraction(int(right)), right)

    def right_answer(self, spec):
        return spec["answer"]

    def option_feedback(self, spec, response):
        if not isinstance(response, bool):
            return []
        key = "feedback_true" if response else "feedback_false"
        return feedback_of({"feedback": spec.get(key)})

    def response_fault(self, spec, response):
        return None if isinstance(response, bool) else _l("Answer true or false.")


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
        weights = [weight(a.get("fraction", 1)) for a in answers if isinstance(a, dict)]
        # An answer worth 0 is a known wrong one, kept for its feedback.
        if len(weights) != len(answers) or any(w is None or not 0 <= w <= 1 for w in weights):
            faults.append(_l("An answer's fraction must be between 0 and 1."))
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
                weight(a.get("fraction", 1)) or Fraction(0)
                for a in spec["answers"]
                if normalised(a["text"], case) == given
            ),
            default=Fraction(0),
        )
        return Grade(fraction, fraction == 1)

    def learner_view(self, spec, option_order):
        return {"max_length": SHORT_MAX_LENGTH}

    def right_answer(self, spec):
        return [a["text"] for a in spec["answers"] if weight(a.get("fraction", 1)) == 1]

    def option_feedback(self, spec, response):
        if not isinstance(response, str):
            return []
        case = bool(spec.get("case_sensitive"))
        given = normalised(response, case)
        return [
            text
            for a in spec["answers"]
            if normalised(a["text"], case) == given
            for text in feedback_of(a)
        ][:1]

    def response_fault(self, spec, response):
        return text_fault(response, SHORT_MAX_LENGTH)


NUMBER_MAX_LENGTH = 100
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
                fraction = weight(answer.get("fraction", 1)) or Fraction(0)
                return Grade(fraction, fraction == 1)
        return Grade(Fraction(0), False)

    def learner_view(self, spec, option_order):
        return {"unit": str(spec.get("unit", ""))}

    def right_answer(self, spec):
        keys = ("value", "tolerance", "min", "max")
        return [
            {k: str(a[k]) for k in keys if k in a}
            for a in spec["answers"]
            if weight(a.get("fraction", 1)) == 1
        ]

    def option_feedback(self, spec, response):
        given = number(response, spec.get("unit", ""))
        if given is None or not given.is_finite():
            return []
        for answer in spec["answers"]:
            low, high = self._bounds(answer)
            if low <= given <= high:
                return feedback_of(answer)
        return []

    def response_fault(self, spec, response):
        return text_fault(response, NUMBER_MAX_LENGTH)


@register
class Matching(QuestionType):
    """Each prompt is matched to one of the answers; every right match earns its share."""

    name = "matching"
    shuffles = True  # the answers to choose from

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

    def option_ids(self, spec):
        return [p["id"] for p in spec["pairs"]]

    @staticmethod
    def _answers(spec, option_order):
        """The answers to choose from, each once. Without a shuffled order they go in
        alphabetical order: the spec's order would pair them with their prompts."""
        pairs = spec["pairs"]
        if option_order:
            texts = [p["answer"] for p in in_order(pairs, option_order)]
        else:
            texts = sorted((p["answer"] for p in pairs), key=normalised)
        return list(dict.fromkeys(texts))

    def learner_view(self, spec, option_order):
        return {
            "prompts": [{"id": p["id"], "text": p["prompt"]} for p in spec["pairs"]],
            "answers": self._answers(spec, option_order),
        }

    def right_answer(self, spec):
        return {p["id"]: p["answer"] for p in spec["pairs"]}

    def response_fault(self, spec, response):
        answers = set(self._answers(spec, []))
        ids = set(self.option_ids(spec))
        if isinstance(response, dict) and all(
            key in ids and isinstance(value, str) and value in answers
            for key, value in response.items()
        ):
            return None
        return _l("Match each prompt to one of the answers.")


@register
class Essay(QuestionType):
    """Free text that an instructor reads and grades."""

    name = "essay"

    def validate(self, spec):
        return []

    def grade(self, spec, response):
        return AWAITS_GRADING

    def learner_view(self, spec, option_order):
        return {"max_length": ESSAY_MAX_LENGTH}

    def response_fault(self, spec, response):
        return text_fault(response, ESSAY_MAX_LENGTH)


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

    def learner_view(self, spec, option_order):
        labels = spec.get("labels")
        labels = [str(x) for x in labels] if isinstance(labels, list) else []
        return {"points": spec.get("points", 5), "labels": labels}

    def response_fault(self, spec, response):
        points = spec.get("points", 5)
        if isinstance(response, int) and not isinstance(response, bool) and 1 <= response <= points:
            return None
        return _l("Choose a point on the scale from 1 to %(points)s.", points=points)
