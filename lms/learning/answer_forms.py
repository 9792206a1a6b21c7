"""The attempt page's form, read back into responses as the question types take them
(the same shape the page's script sends the API). Pure: no database, no request.

Each question's controls are named ``q<slot>`` (``q<slot>-<pair id>`` for a matching
question's selects). What cannot be read (an option that is not one of the question's,
a Likert point off the scale) is left unanswered rather than refused: the person's
other answers are still saved, and the page shows what was kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Asked:
    """One question as the attempt page shows it: its slot, type and learner view."""

    slot: int
    kind: str
    view: dict[str, Any]


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def read_response(asked: Asked, form) -> Any:
    """The response the controls of ``asked`` hold in ``form`` (a MultiDict), or None."""
    name = f"q{asked.slot}"
    ids = {str(o.get("id")) for o in asked.view.get("options", [])}
    if asked.kind == "single":
        value = form.get(name)
        return value if value in ids else None
    if asked.kind == "multiple":
        chosen = [v for v in form.getlist(name) if v in ids]
        return sorted(set(chosen), key=chosen.index) or None
    if asked.kind == "truefalse":
        return {"true": True, "false": False}.get(form.get(name, ""))
    if asked.kind == "matching":
        choices = set(asked.view.get("answers", []))
        pairs = {}
        for prompt in asked.view.get("prompts", []):
            value = form.get(f"{name}-{prompt['id']}")
            if value in choices:
                pairs[prompt["id"]] = value
        return pairs or None
    if asked.kind == "likert":
        values = {point["value"] for point in asked.view.get("scale", [])}
        try:
            value = int(form.get(name, ""))
        except ValueError:
            return None
        return value if value in values else None
    return _text(form.get(name))


def read_responses(asked: list[Asked], form) -> dict[int, Any]:
    """Every question's response from the submitted ``form``, by slot."""
    return {a.slot: read_response(a, form) for a in asked}


def is_answered(response: Any) -> bool:
    """Whether a response says anything (False is an answer to a true/false question)."""
    return response is not None and response != [] and response != {} and response != ""
