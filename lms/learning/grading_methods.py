"""A learner's grade on a quiz from the scores of their attempts (pure).

The quiz's grading method (``GRADING_METHODS``) picks or combines the attempts: the
highest, the first, the last, or their average. Attempts still waiting for a person's
grading (an essay) have no score yet and are left out until they are graded, as Moodle
does; with no scored attempt there is no grade.
"""

from __future__ import annotations

from collections.abc import Sequence


def quiz_grade(attempt_scores: Sequence[float | None], method: str) -> float | None:
    """The grade of attempts whose scores (as fractions 0..1, or None while one waits
    for grading) are given in the order they were made, by ``method``."""
    scores = [s for s in attempt_scores if s is not None]
    if not scores:
        return None
    if method == "highest":
        return max(scores)
    if method == "first":
        return scores[0]
    if method == "last":
        return scores[-1]
    if method == "average":
        return sum(scores) / len(scores)
    raise ValueError(f"unknown grading method {method!r}")
