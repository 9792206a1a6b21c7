"""Security helpers: response headers and safe redirect targets."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response

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
