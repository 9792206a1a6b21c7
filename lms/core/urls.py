"""Links to LMS pages from places that outlive a request (mail) or may lack a page."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for
from werkzeug.routing import BuildError


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for mail, built on ``LMS_BASE_URL`` (mail outlives the request)."""
    base = current_app.config["LMS_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


def url_or_none(endpoint: str, **values: Any) -> str | None:
    """A link to a page another area provides, or None while it does not exist."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None
