"""Mounts every LMS blueprint under ``LMS_URL_PREFIX``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, request

from lms.core.security import add_security_headers

if TYPE_CHECKING:
    from lms.extension import LMSState


def register_blueprints(app: Flask, state: LMSState) -> None:
    """Register the areas' blueprints; security headers go on LMS responses only,
    or on every response when the LMS is the whole app."""
    from lms.accounts.views import bp as accounts_bp
    from lms.admin.views import bp as admin_bp
    from lms.api.views import bp as api_bp
    from lms.core.views import bp as core_bp

    prefix = state.url_prefix
    for bp, sub in ((core_bp, ""), (accounts_bp, ""), (admin_bp, "/admin"), (api_bp, "/api/v1")):
        app.register_blueprint(bp, url_prefix=f"{prefix}{sub}" or None)
        state.blueprints.append(bp.name)

    csrf = app.extensions["csrf"]
    csrf.exempt(api_bp)  # the API checks CSRF itself when a browser session calls it

    def security_headers(response):
        if state.standalone or request.blueprint in state.blueprints:
            add_security_headers(response)
        return response

    app.after_request(security_headers)
