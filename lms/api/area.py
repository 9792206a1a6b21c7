"""The API area: JSON under /api/v1 (``lms_api``)."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Mount the API; it checks CSRF itself when a browser session calls it."""
    from lms.api import (  # noqa: F401  (routes on the blueprint)
        catalogue,
        conferences,
        events,
        learning,
        learning_results,
        views,
    )
    from lms.api.blueprint import bp

    lms.add_blueprint(bp, "/api/v1")
    app.extensions["csrf"].exempt(bp)
