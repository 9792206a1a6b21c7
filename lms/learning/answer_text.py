"""What a stored answer said, and what the right answer is, as plain text (pure).

The results pages and the exports show a response the way the question put it: the text
of a chosen option rather than its id, "prompt → answer" for a match. Nothing here is
shown to a learner: the right answer is for instructors and organisers only.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _


def _option_text(spec: dict[str, Any], option_id: Any) -> str:
    for option in spec.get("options") or []:
        if isinstance(option, dict) and option.get("id") == option_id:
            return str(option.get("text", option_id))
    return str(option_id)


def _yes_no(value: Any) -> str:
    return _("True") if value is True else _("False") if value is False else str(value)


def _range(answer: dict[str, Any], unit: str) -> str:
    suffix = f" {unit}" if unit else ""
    if "min" in answer or "max" in answer:
        return f"{answer.get('min')}–{answer.get('max')}{suffix}"
    tolerance = str(answer.get("tolerance", 0))
    if tolerance in ("0", "", "None"):
        return f"{answer.get('value')}{suffix}"
    return f"{answer.get('value')} ± {tolerance}{suffix}"


def response_text(kind: str, spec: dict[str, Any], response: Any) -> str:
    """A learner's ``response`` to a question of ``kind`` as text ("" when unanswered)."""
    if response is None:
        return ""
    if kind == "single":
        return _option_text(spec, response)
    if kind == "multiple" and isinstance(response, list):
        return "; ".join(_option_text(spec, r) for r in response)
    if kind == "truefalse":
        return _yes_no(response)
    if kind == "matching" and isinstance(response, dict):
        prompts = {p.get("id"): p.get("prompt", "") for p in spec.get("pairs") or []}
        return "; ".join(f"{prompts.get(k, k)} → {v}" for k, v in response.items())
    if isinstance(response, str):
        return response
    return json.dumps(response, ensure_ascii=False)


def right_answer_text(kind: str, spec: dict[str, Any]) -> str:
    """The right answer of a question as text ("" for essays and scales, which have none)."""
    if kind == "single":
        options = [o for o in spec.get("options") or [] if str(o.get("fraction", 0)) == "1"]
        return "; ".join(str(o.get("text", "")) for o in options)
    if kind == "multiple":
        options = [o for o in spec.get("options") or [] if float(o.get("weight", 0) or 0) > 0]
        return "; ".join(str(o.get("text", "")) for o in options)
    if kind == "truefalse":
        return _yes_no(spec.get("answer"))
    if kind == "short":
        answers = [a for a in spec.get("answers") or [] if str(a.get("fraction", 1)) == "1"]
        return " / ".join(str(a.get("text", "")) for a in answers)
    if kind == "numeric":
        answers = [a for a in spec.get("answers") or [] if str(a.get("fraction", 1)) == "1"]
        return " / ".join(_range(a, spec.get("unit", "")) for a in answers)
    if kind == "matching":
        return "; ".join(f"{p.get('prompt')} → {p.get('answer')}" for p in spec.get("pairs") or [])
    return ""
