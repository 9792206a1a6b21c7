"""What a quiz's page says about it before anyone starts, read from the published
snapshot: how many questions it asks, when it opens and closes. Pure."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def question_count(quiz: dict[str, Any]) -> int:
    """How many questions an attempt asks: each fixed question, and each draw's count."""
    return sum(1 if "question_version_id" in d else int(d["count"]) for d in quiz["draws"])


def moment(value: str | None) -> datetime | None:
    """An ISO timestamp of the snapshot (``opens_at``, ``closes_at``) as a datetime."""
    return datetime.fromisoformat(value) if value else None
