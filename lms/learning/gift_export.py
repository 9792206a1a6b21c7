"""Questions written as GIFT, Moodle's plain-text format (pure: values in, text out).

``to_gift`` takes any questions with ``name``, ``kind``, ``text_md``, ``spec``,
``feedback_md`` and, if they have them, ``category``, ``tags`` and ``points`` (a
``gift.GiftQuestion`` or a row adapted to one). Texts are marked ``[markdown]`` (what
they are), control characters are escaped, and what GIFT cannot say (points, a numeric
unit, case-sensitive short answers, tags) goes in a ``//`` comment that Moodle ignores
and ``parse_gift`` reads, so reading the file back gives the same questions. Likert items
have no GIFT form: a comment says each was left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from lms.learning.gift import decimal_text
from lms.learning.gift_text import FORMATS, escape

# Moodle's exports put a question's category path under the course's top category.
CATEGORY_PREFIX = "$course$/top"


def _text(value: Any) -> str:
    """An escaped text that cannot be mistaken for a format marker, with ``->`` written
    ``-\\>`` (in an answer block it would make the block read as a match)."""
    text = str(value or "").strip()
    written = escape(text).replace("->", "-\\>")
    if any(text.startswith(f"[{name}]") for name in FORMATS):
        written = "[markdown]" + written
    return written


def _percent(value: Any) -> str:
    try:
        fraction = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        fraction = Fraction(0)
    rounded = round(fraction * 100, 5)  # thirds as Moodle writes them: 33.33333
    return decimal_text(Decimal(rounded.numerator) / Decimal(rounded.denominator))


def _number(value: Any) -> str:
    try:
        return decimal_text(Decimal(str(value).strip()))
    except InvalidOperation:
        return escape(str(value))


def _feedback(entry: dict) -> str:
    feedback = str(entry.get("feedback") or "").strip()
    return f"#{_text(feedback)}" if feedback else ""


def _choices(spec: dict, single: bool) -> list[str]:
    lines, right = [], False
    for option in spec.get("options") or []:
        text = _text(option.get("text"))
        if single:
            percent = _percent(option.get("fraction", 0))
            # One = marks the question single choice; more right ones are written
            # ~%100% so the block keeps a ~ (all = would read as short answers).
            prefix = {"100": "~%100%" if right else "=", "0": "~%0%" if text[:1] == "%" else "~"}
            lead = prefix.get(percent, f"~%{percent}%")
            right = right or percent == "100"
        else:
            lead = f"~%{_percent(option.get('weight', 0))}%"
        lines.append(f"\t{lead}{text}{_feedback(option)}")
    return lines


def _short(spec: dict) -> list[str]:
    return [
        f"\t=%{_percent(answer.get('fraction', 1))}%"
        f"{_text(answer.get('text')).replace('*', chr(92) + '*')}"
        f"{_feedback(answer)}"
        for answer in spec.get("answers") or []
    ]


def _numeric(spec: dict) -> list[str]:
    lines = []
    for answer in spec.get("answers") or []:
        if "min" in answer or "max" in answer:
            value = f"{_number(answer.get('min'))}..{_number(answer.get('max'))}"
        else:
            value = f"{_number(answer.get('value'))}:{_number(answer.get('tolerance', 0))}"
        lines.append(f"\t=%{_percent(answer.get('fraction', 1))}%{value}{_feedback(answer)}")
    return lines


def _matching(spec: dict) -> list[str]:
    return [
        f"\t={_text(pair.get('prompt'))} -> {_text(pair.get('answer'))}"
        for pair in spec.get("pairs") or []
    ]


def _truefalse(spec: dict, general: str) -> str:
    value = spec.get("answer") is True
    right = spec.get("feedback_true" if value else "feedback_false") or ""
    wrong = spec.get("feedback_false" if value else "feedback_true") or ""
    feedback = f"#{_text(wrong)}#{_text(right)}" if (right or wrong) else ""
    return "{" + ("TRUE" if value else "FALSE") + feedback + general + "}"


def _mark(key: str, value: Any) -> str:
    value = " ".join(str(value).split()).replace("]", "\\]")
    return f"[{key}:{value}]"


def _meta(question: Any) -> str:
    spec = question.spec or {}
    marks = [_mark("tag", tag) for tag in getattr(question, "tags", ()) or () if tag.strip()]
    points = float(getattr(question, "points", 1.0) or 0)
    if points != 1.0:
        marks.append(_mark("points", decimal_text(Decimal(str(points)))))
    if question.kind == "numeric" and spec.get("unit"):
        marks.append(_mark("unit", spec["unit"]))
    if question.kind == "short" and spec.get("case_sensitive"):
        marks.append("[case:sensitive]")
    return f"// {' '.join(marks)}\n" if marks else ""


def write_question(question: Any) -> str:
    """One question as a GIFT paragraph (no blank line in it)."""
    name = str(getattr(question, "name", "") or "").strip()
    if question.kind == "likert":
        return f"// {escape(name) or 'likert'}: a rating scale, which GIFT cannot hold: left out"
    spec = question.spec or {}
    head = _meta(question) + (f"::{escape(name)}::" if name else "")
    head += "[markdown]" + escape(str(question.text_md or "").strip())
    feedback = str(question.feedback_md or "").strip()
    general = f"####{_text(feedback)}" if feedback else ""
    if question.kind == "truefalse":
        return head + _truefalse(spec, general)
    if question.kind == "essay":
        return head + "{" + general + "}"
    lines = {
        "single": lambda: _choices(spec, single=True),
        "multiple": lambda: _choices(spec, single=False),
        "short": lambda: _short(spec),
        "numeric": lambda: _numeric(spec),
        "matching": lambda: _matching(spec),
    }[question.kind]()
    if general:
        lines.append(f"\t{general}")
    opening = "{#" if question.kind == "numeric" else "{"
    return head + opening + "\n" + "\n".join(lines) + "\n}"


def to_gift(questions: Iterable[Any]) -> str:
    """The questions as a GIFT file, a ``$CATEGORY:`` line wherever the category
    changes; ``parse_gift`` of the result gives the same questions."""
    paragraphs, category = [], ""
    for question in questions:
        path = " ".join(str(getattr(question, "category", "") or "").split())
        if path != category:
            paragraphs.append(f"$CATEGORY: {CATEGORY_PREFIX}/{escape(path)}".rstrip("/"))
            category = path
        paragraphs.append(write_question(question))
    return "\n\n".join(paragraphs) + "\n" if paragraphs else ""
