"""Absolute links, by one rule for every page, feed, calendar file, API answer and mail.

The base of a link (scheme, host, port and the path the server mounts the app at) is:

1. ``LMS_BASE_URL`` when it is set: the one public address, whatever a request came in on;
2. else the base a mail recorded when it was queued (``recording_base``, bound by the
   worker while it renders that mail), so a mail links where its request came from;
3. else, inside a request, the address the request came in on (behind
   ``LMS_TRUSTED_PROXIES`` the forwarded one), so a page served on another port links
   to that port;
4. else (a mail queued outside any request, by a periodic task, with no
   ``LMS_BASE_URL``) Flask's ``SERVER_NAME``, or ``http://localhost``; a warning says
   that ``LMS_BASE_URL`` should be set.

Calendar UIDs are not links: they keep the host of ``LMS_BASE_URL`` (``configured_base_url``), so a
session has one UID whichever address a client used.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, g, has_app_context, has_request_context, request, url_for
from werkzeug.routing import BuildError

_RECORDED = "lms_recorded_base_url"
log = logging.getLogger(__name__)


def configured_base_url() -> str:
    """``LMS_BASE_URL`` without its trailing slash, or "" when it is not set."""
    return (current_app.config.get("LMS_BASE_URL") or "").rstrip("/")


def base_url() -> str:
    """The base every absolute link is built on (the rule in this module's docstring)."""
    configured = configured_base_url()
    if configured:
        return configured
    recorded = g.get(_RECORDED) if has_app_context() else None
    if recorded:
        return recorded
    if has_request_context():
        return request.root_url.rstrip("/")
    server = current_app.config.get("SERVER_NAME")
    if server:
        return f"{current_app.config.get('PREFERRED_URL_SCHEME') or 'http'}://{server}"
    log.warning("LMS_BASE_URL is not set: links made outside a request point at localhost")
    return "http://localhost"


def recording_base() -> str | None:
    """The base a mail queued now keeps for its links: the request's, when there is one."""
    return base_url() if has_request_context() else None


@contextmanager
def links_based_on(recorded: str | None) -> Iterator[None]:
    """Build links on ``recorded`` (a queued mail's base) unless ``LMS_BASE_URL`` is set."""
    previous = g.get(_RECORDED)
    g.setdefault(_RECORDED, None)
    setattr(g, _RECORDED, recorded or previous)
    try:
        yield
    finally:
        setattr(g, _RECORDED, previous)


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link to ``endpoint`` on ``base_url()``."""
    base = base_url()
    if has_request_context():
        path = url_for(endpoint, **values)
        root = request.script_root
        # The base already holds the mount path; url_for adds the request's again.
        return base + (path[len(root) :] if root and path.startswith(root) else path)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


def url_or_none(endpoint: str, **values: Any) -> str | None:
    """A link to a page another area provides, or None while it does not exist."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None
