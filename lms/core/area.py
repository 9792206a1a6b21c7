"""The core area: the home page, /healthz and the language switch (``lms_core``)."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Mount the core pages."""
    from lms.core.views import bp

    lms.add_blueprint(bp)
