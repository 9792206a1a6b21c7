"""Error pages in the LMS frame, and JSON error bodies for the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

if TYPE_CHECKING:
    from lms.core.areas import LMSState

HANDLED_CODES = (400, 401, 403, 404, 405, 413, 429, 500)

TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please log in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("That action is not allowed here"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: _l("Check what you entered and try again."),
    401: _l("You need to log in to see this page."),
    403: _l("Ask an organiser if you think you should have access."),
    404: _l("The address may be mistyped, or the page may have moved."),
    405: _l("Go back and try again from the page you came from."),
    413: _l("Send a smaller file or less text."),
    429: _l("Wait a few minutes before you try again."),
    500: _l("The error has been logged. Please try again in a little while."),
}
API_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal_error",
}


class ExplainedBadRequest(BadRequest):
    """A 400 that says what was wrong, in the frame or in the JSON body, rather than the
    generic "check what you entered"."""

    def __init__(self, explanation) -> None:
        super().__init__()
        self.explanation = explanation


def wants_json(state: LMSState) -> bool:
    """API paths always get JSON; other paths get HTML."""
    return request.path.startswith(f"{state.url_prefix}/api/")


def api_error(status: int, message: str, code: str | None = None):
    """The API's error body: ``{"error": {"code": …, "message": …}}``."""
    body = {"error": {"code": code or API_CODES.get(status, "error"), "message": str(message)}}
    return jsonify(body), status


def is_lms_request(state: LMSState) -> bool:
    """True for a request to an LMS page, including an unknown path under the prefix."""
    if request.blueprint in state.blueprints:
        return True
    prefix = state.url_prefix
    return bool(prefix) and (request.path == prefix or request.path.startswith(prefix + "/"))


def register_error_handlers(app: Flask, state: LMSState) -> None:
    """Render errors on LMS pages in the LMS frame; hand the host's own pages back to
    whatever handler the host had (or Werkzeug's default)."""
    existing = app.error_handler_spec.get(None, {})
    host_handlers = {code: dict(existing.get(code) or {}) for code in HANDLED_CODES}

    def handle(error: Exception):
        if not state.standalone and not is_lms_request(state):
            return _host_response(host_handlers, error)
        if isinstance(error, CSRFError):
            status, detail = 400, _l("The form had expired. Reload the page and try again.")
        elif isinstance(error, HTTPException):
            status, detail = error.code or 500, getattr(error, "explanation", None)
        else:
            status, detail = 500, None
        if status not in TITLES:
            status = 500 if status >= 500 else 400
        if wants_json(state):
            with force_locale("en"):  # like the API's own messages, whatever the browser asks
                message = str(detail or TITLES[status])
            return api_error(status, message)
        headers = {}
        if status == 429 and isinstance(error, HTTPException):
            headers = {k: v for k, v in error.get_headers() if k.lower() == "retry-after"}
        html = render_template(
            "lms/errors/error.html",
            status=status,
            title=TITLES[status],
            explanation=detail or EXPLANATIONS[status],
        )
        return html, status, headers

    for code in HANDLED_CODES:
        app.register_error_handler(code, handle)
    app.register_error_handler(CSRFError, handle)


def _host_response(host_handlers: dict, error: Exception):
    """What the host app would have answered had the LMS not been mounted."""
    code = error.code if isinstance(error, HTTPException) else 500
    for exc_class in type(error).__mro__:
        handler = host_handlers.get(code, {}).get(exc_class)
        if handler is not None:
            return handler(error)
    return error if isinstance(error, HTTPException) else InternalServerError()
