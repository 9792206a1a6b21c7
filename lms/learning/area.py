"""The learning area: self-paced modules, quizzes, results, progress and certificates."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Put the area's tables on the metadata and mount its pages."""
    from lms.learning import (  # noqa: F401  (tables and routes)
        attempt_models,
        models,
        progress_models,
        results_views,
    )
    from lms.learning.blueprint import bp

    lms.add_blueprint(bp)
