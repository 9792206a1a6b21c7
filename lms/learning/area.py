"""The learning area: self-paced modules, quizzes, results, progress and certificates."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Put the area's tables on the metadata and mount its pages."""
    from lms.learning import (  # noqa: F401  (tables and routes)
        attempt_models,
        certificate_views,
        models,
        progress_models,
        progress_views,
    )
    from lms.learning.blueprint import bp
    from lms.learning.certificates import on_session_checked_in
    from lms.registrations.signals import session_checked_in

    lms.add_blueprint(bp)
    # A check-in at a session may complete a course (blinker keeps one connection).
    session_checked_in.connect(on_session_checked_in)
