"""The admin area: people and roles, the outgoing mail (``lms_admin``, under /admin)."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Mount the admin pages."""
    from lms.admin.views import bp

    lms.add_blueprint(bp, "/admin")
