"""The learning area: self-paced modules, quizzes, results, progress and certificates."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Put the area's tables on the metadata (its pages, commands and tasks are declared
    here as they are built)."""
    from lms.learning import (  # noqa: F401  (tables)
        attempt_models,
        models,
        progress_models,
    )
