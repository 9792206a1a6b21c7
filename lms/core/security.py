"""Security helpers: response headers, refused request bodies, safe redirect targets."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request

from lms.core.errors import is_lms_request

if TYPE_CHECKING:
    from lms.core.areas import LMSState

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    """Set CSP (no inline script), no sniffing, no framing, and a same-origin referrer."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    return response


def is_safe_redirect(target: str | None) -> bool:
    """True only for a path on this site: no scheme, no host, no ``//`` or ``\\`` tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def has_nul_character(request) -> bool:
    """True if the path, query or form holds a NUL character.

    No person types one, and PostgreSQL text columns refuse it (the driver raises,
    which would be a 500), so such a request is answered 400 before any view runs.
    """
    if "\x00" in request.path:
        return True
    for multidict in (request.args, request.form):
        for key, values in multidict.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


def install_request_guards(app: Flask, state: LMSState) -> None:
    """Security headers on LMS responses, and bodies refused before any view reads them:
    on LMS requests only, or on every request when the LMS is the whole app."""

    def security_headers(response):
        # is_lms_request also covers an LMS error page for an unknown path under the prefix.
        if state.standalone or is_lms_request(state):
            add_security_headers(response)
        return response

    app.after_request(security_headers)

    def refuse_bad_bodies():
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
