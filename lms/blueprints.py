"""Mounts every LMS blueprint under ``LMS_URL_PREFIX``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, abort, request

from lms.core.security import add_security_headers, has_nul_character
from lms.core.templating import page_translations

if TYPE_CHECKING:
    from lms.extension import LMSState


def register_blueprints(app: Flask, state: LMSState) -> None:
    """Register the areas' blueprints; security headers go on LMS responses only,
    or on every response when the LMS is the whole app."""
    from lms.accounts.views import bp as accounts_bp
    from lms.admin.views import bp as admin_bp
    from lms.api import catalogue, events, views  # noqa: F401  (routes on api_bp)
    from lms.api.blueprint import bp as api_bp
    from lms.calendar.views import bp as calendar_bp
    from lms.core.converters import IdConverter
    from lms.core.views import bp as core_bp
    from lms.events import manage_views, network_views  # noqa: F401  (routes on events_bp)
    from lms.events.views import bp as events_bp
    from lms.registrations import manage_views as registrations_manage  # noqa: F401
    from lms.registrations.views import bp as registrations_bp

    app.url_map.converters.setdefault("lms_id", IdConverter)
    prefix = state.url_prefix
    mounts = (
        (core_bp, ""),
        (accounts_bp, ""),
        (events_bp, ""),
        (registrations_bp, ""),
        (calendar_bp, ""),
        (admin_bp, "/admin"),
        (api_bp, "/api/v1"),
    )
    for bp, sub in mounts:
        app.register_blueprint(bp, url_prefix=f"{prefix}{sub}" or None)
        state.blueprints.append(bp.name)
        # On the app, keyed by blueprint: a blueprint object is shared by every app.
        app.template_context_processors.setdefault(bp.name, []).append(page_translations)

    csrf = app.extensions["csrf"]
    csrf.exempt(api_bp)  # the API checks CSRF itself when a browser session calls it

    def security_headers(response):
        from lms.core.errors import is_lms_request

        # is_lms_request also covers an LMS error page for an unknown path under the prefix.
        if state.standalone or is_lms_request(state):
            add_security_headers(response)
        return response

    app.after_request(security_headers)

    def refuse_bad_bodies():
        from lms.core.errors import is_lms_request

        if not (state.standalone or is_lms_request(state)):
            return
        # Werkzeug answers 413 only when a view reads the body; refuse it up front so an
        # oversized request gets 413 whichever view it reaches, and is never processed.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and (request.content_length or 0) > limit:
            abort(413)
        # A NUL character makes PostgreSQL's driver raise (a 500 deep in a view): refuse it.
        if has_nul_character(request):
            abort(400)

    app.before_request(refuse_bad_bodies)
