"""Review rules, pure: which parts of a submitted attempt a learner may see now, the grade
of a quiz over several attempts, and the overall feedback a score earns.

``visible_parts`` follows Moodle's review options (``mod/quiz/locallib.php``,
``quiz_attempt_state``): "immediately" is the two minutes after submitting; "open" is later,
while the quiz is open (for ever when it never closes); "closed" is after it has closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from lms.learning.models import GRADING_METHODS, REVIEW_PARTS

# Moodle's "immediately after the attempt": this long after it was submitted.
IMMEDIATELY = timedelta(minutes=2)

Score = Fraction | float


def review_moment(
    *, finished_at: datetime | None, closes_at: datetime | None, now: datetime
) -> str | None:
    """``immediately``, ``open`` or ``closed`` for a submitted attempt; None while it is
    still being answered (nothing of a review shows then)."""
    if finished_at is None:
        return None
    if now < finished_at + IMMEDIATELY:
        return "immediately"
    if closes_at is None or now < closes_at:
        return "open"
    return "closed"


def visible_parts(
    review_settings: dict[str, Any] | None,
    *,
    finished_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
) -> frozenset[str]:
    """The parts of the review (``score``, ``answers``, ``right_answers``, ``feedback``)
    that the quiz's review options show at this moment; unknown parts are ignored."""
    moment = review_moment(finished_at=finished_at, closes_at=closes_at, now=now)
    if moment is None or not isinstance(review_settings, dict):
        return frozenset()
    parts = review_settings.get(moment)
    if not isinstance(parts, (list, tuple, set, frozenset)):
        return frozenset()
    return frozenset(p for p in parts if p in REVIEW_PARTS)


def quiz_grade(attempt_scores: Sequence[Score | None], method: str) -> Score | None:
    """The quiz's grade over the learner's submitted attempts, in the order they were made,
    each a fraction of the maximum (None: an essay still waits for grading).

    Moodle's rule (``quiz_calculate_best_grade``): an attempt that waits has no grade and
    is left out, so ``highest`` and ``average`` count the graded attempts only, and
    ``first`` and ``last`` are that attempt's own grade (None while it waits). With no
    graded attempt there is no grade (None)."""
    if method not in GRADING_METHODS:
        raise ValueError(f"unknown grading method {method!r}")
    if not attempt_scores:
        return None
    if method == "first":
        return attempt_scores[0]
    if method == "last":
        return attempt_scores[-1]
    graded = [s for s in attempt_scores if s is not None]
    if not graded:
        return None
    if method == "highest":
        return max(graded)
    return sum(graded) / len(graded)


def overall_feedback_for(
    bands: Sequence[dict[str, Any]] | None, percent: float | None
) -> str | None:
    """The text of the highest band whose ``min_percent`` the score reaches (Markdown), or
    None (no score yet, or no band reached)."""
    if percent is None:
        return None
    reached = [
        b for b in bands or [] if isinstance(b, dict) and _number(b.get("min_percent")) is not None
        and _number(b["min_percent"]) <= percent
    ]  # fmt: skip
    if not reached:
        return None
    best = max(reached, key=lambda b: _number(b["min_percent"]))
    return str(best.get("text_md") or best.get("text") or "") or None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return float(value)
    except ValueError:
        return None
