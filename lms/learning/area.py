"""The learning area: self-paced modules, quizzes, results, progress and certificates."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Put the area's tables on the metadata, mount its pages, declare its periodic task."""
    from lms.learning import (  # noqa: F401  (tables and routes)
        attempt_models,
        attempt_views,
        models,
        module_views,
        progress_models,
        tasks,
    )
    from lms.learning.blueprint import bp

    lms.add_blueprint(bp)
    lms.add_periodic_task("close_expired_attempts", tasks.close_expired_attempts, minute="*")
