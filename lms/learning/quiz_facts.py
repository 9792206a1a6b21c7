"""What a quiz's page says about it before anyone starts, read from the published
snapshot. Pure."""

from __future__ import annotations

from typing import Any


def question_count(quiz: dict[str, Any]) -> int:
    """How many questions an attempt asks: each fixed question, and each draw's count."""
    return sum(1 if "question_version_id" in d else int(d["count"]) for d in quiz["draws"])
