"""The learning area: self-paced modules, quizzes, results, progress and certificates."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Put the area's tables on the metadata and mount its pages."""
    from lms.learning import (  # noqa: F401  (tables and routes)
        attachment_views,
        attempt_models,
        authoring_file_views,
        authoring_views,
        models,
        preview_views,
        progress_models,
        question_views,
        quiz_views,
    )
    from lms.learning.blueprint import bp

    lms.add_blueprint(bp)
