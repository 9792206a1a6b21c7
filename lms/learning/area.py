"""The learning area: self-paced modules, quizzes, results, progress and certificates."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Put the area's tables on the metadata, mount its pages, declare its commands."""
    from lms.learning import (  # noqa: F401  (tables and routes)
        attachment_views,
        attempt_models,
        cli,
        models,
        progress_models,
    )
    from lms.learning.blueprint import bp

    lms.add_blueprint(bp)
    lms.add_cli_command(cli.import_courses_command)
    lms.add_cli_command(cli.export_course_command)
