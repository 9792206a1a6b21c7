"""What the attempt and review pages show, built from an attempt and its answers: each
question's text, the controls' view (``question_types.learner_view``: the options in the
attempt's order, never a key), the saved response, and when the review will show more.
Read only; no request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup

from lms.core.markdown import render_markdown
from lms.learning import question_types as qt
from lms.learning.answer_forms import Asked, is_answered
from lms.learning.attempt_models import Attempt
from lms.learning.attempt_rules import quiz_entry, versions_of, when
from lms.learning.models import REVIEW_MOMENTS, REVIEW_PARTS
from lms.learning.review import IMMEDIATELY, review_moment

_ONE_PARAGRAPH = re.compile(r"\A<p>((?:(?!<p>).)*)</p>\s*\Z", re.DOTALL)


def question_html(text_md: str) -> Markup:
    """A question's text for a legend: one paragraph loses its ``<p>`` (a legend holds
    phrasing content); anything longer is kept whole."""
    html = str(render_markdown(text_md))
    match = _ONE_PARAGRAPH.match(html)
    return Markup(match.group(1) if match else html)  # noqa: S704  (sanitised)


def scale_of(view: dict[str, Any]) -> list[dict[str, Any]]:
    """A Likert question's points with their labels: every point its own label when the
    question names them all, else the two ends named and the points between numbered."""
    points = int(view.get("points") or 5)
    labels = list(view.get("labels") or [])
    scale = []
    for value in range(1, points + 1):
        if len(labels) == points:
            label = f"{value} – {labels[value - 1]}"
        elif len(labels) == 2 and value in (1, points):
            label = f"{value} – {labels[0] if value == 1 else labels[1]}"
        else:
            label = str(value)
        scale.append({"value": value, "label": label})
    return scale


def controls_view(kind: str, spec: dict[str, Any], option_order: list[str]) -> dict[str, Any]:
    """The learner's view of a question with what the form needs added (a Likert scale)."""
    view = dict(qt.learner_view(kind, spec, option_order))
    if kind == "likert":
        view["scale"] = scale_of(view)
    return view


@dataclass(frozen=True)
class Question:
    """One question of an attempt as its page shows it."""

    slot: int
    kind: str
    text_html: Markup
    view: dict[str, Any]
    response: Any

    @property
    def asked(self) -> Asked:
        return Asked(self.slot, self.kind, self.view)

    @property
    def answered(self) -> bool:
        return is_answered(self.response)


def questions_of(attempt: Attempt, responses: dict[int, Any] | None = None) -> list[Question]:
    """The attempt's questions in slot order, with the saved responses (or ``responses``,
    what a form just sent, where given)."""
    found = []
    versions = versions_of(attempt.answers)  # one query, however many questions
    for answer in attempt.answers:
        version = versions[answer.question_version_id]
        response = answer.response
        if responses is not None and answer.slot in responses:
            response = responses[answer.slot]
        found.append(
            Question(
                slot=answer.slot,
                kind=version.kind,
                text_html=question_html(version.text_md),
                view=controls_view(version.kind, version.spec, answer.option_order),
                response=response,
            )
        )
    return found


def last_saved(attempt: Attempt) -> datetime | None:
    """When an answer of the attempt was last saved (None: nothing yet)."""
    times = [a.saved_at for a in attempt.answers if a.saved_at is not None]
    return max(times) if times else None


def entry_of(attempt: Attempt) -> dict[str, Any]:
    """The quiz as the attempt's own module version has it."""
    return quiz_entry(attempt.module_version, attempt.quiz_id) or {}


@dataclass(frozen=True)
class Later:
    """Parts of the review shown from a later moment on (``at``: from when)."""

    moment: str
    parts: tuple[str, ...]
    at: datetime


def later_parts(attempt: Attempt, shown: frozenset[str], now: datetime) -> list[Later]:
    """What the review will add later, and from when: after the first minutes, and when
    the quiz closes (a quiz that never closes never reaches "closed"). Pure."""
    entry = entry_of(attempt)
    settings = entry.get("review") if isinstance(entry.get("review"), dict) else {}
    closes = when(entry.get("closes_at"))
    moment = review_moment(finished_at=attempt.finished_at, closes_at=closes, now=now)
    if moment is None:
        return []
    coming, seen = [], set(shown)
    for later in REVIEW_MOMENTS[REVIEW_MOMENTS.index(moment) + 1 :]:
        if later == "open":
            at = attempt.finished_at + IMMEDIATELY
            if closes is not None and closes <= at:
                continue
        else:
            if closes is None:
                continue
            at = closes
        parts = [p for p in REVIEW_PARTS if p in (settings.get(later) or []) and p not in seen]
        if parts:
            coming.append(Later(later, tuple(parts), at))
            seen.update(parts)
    return coming
