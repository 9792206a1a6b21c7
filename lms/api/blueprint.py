"""The ``lms_api`` blueprint and the rules every API route shares.

Every call needs a user (a bearer token, or a browser session that also sends its CSRF
token on unsafe methods), except the routes marked :func:`public`: their GETs answer
anonymous callers too, as the public site does. Errors are always
``{"error": {"code": …, "message": …}}`` (``lms/core/errors.py``).

The route modules (``views.py``, ``catalogue.py``, ``events.py``) import this one and
add their routes to ``bp``; this module imports none of them.
"""

from __future__ import annotations

import hashlib
import math
import time
from functools import lru_cache

from flask import Blueprint, Response, current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from limits import parse_many

from lms.core.errors import api_error
from lms.extensions import limiter

bp = Blueprint("lms_api", __name__)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC_ENDPOINTS: set[str] = set()  # filled by @public
PUBLIC_SCOPE = "lms_api_public"  # one allowance per address for every public route
# What a page elsewhere may send and read: no Authorization (a personal token does not
# belong in another site's script), the validator, the pagination links.
CORS_REQUEST_HEADERS = "If-None-Match"
CORS_EXPOSED_HEADERS = "ETag, Link"
PREFLIGHT_MAX_AGE = "86400"
# A public answer may be the same for everyone, but an authenticated one may show more
# (a members-only meeting's link): caches must key on the credentials.
VARY = "Authorization, Cookie"


def is_anonymous() -> bool:
    """Nobody signed in (asked once a request: the hooks and views all need it)."""
    known = g.get("lms_api_anonymous")
    if known is None:
        known = g.lms_api_anonymous = not current_user.is_authenticated
    return known


def public(view):
    """Let anonymous callers ``GET`` this route too (rate-limited: :func:`within_limit`),
    with CORS open to any origin (:func:`cross_origin`)."""
    PUBLIC_ENDPOINTS.add(f"{bp.name}.{view.__name__}")
    return view


@lru_cache(maxsize=8)
def _limits(text: str) -> tuple:
    return tuple(parse_many(text))


def within_limit() -> bool:
    """Count an anonymous public call against ``LMS_API_PUBLIC_RATE_LIMIT`` for its
    address, over all public routes together; False once the address is over it.

    Authenticated callers are not counted: they are known. This asks the limiter's own
    strategy and storage (in memory, or Redis with ``REDIS_URL``, shared by the
    workers), as its decorator would, but in one call: the decorator's bookkeeping, run
    twice a request, was a sixth of what an unchanged listing page cost.
    """
    if not limiter.enabled:
        return True
    address = get_remote_address()
    strategy = limiter.limiter
    items = _limits(current_app.config["LMS_API_PUBLIC_RATE_LIMIT"])
    return all(strategy.hit(item, PUBLIC_SCOPE, address) for item in items)


def _retry_after() -> str:
    """Seconds until the address may call again (the longest of its limits)."""
    address, strategy = get_remote_address(), limiter.limiter
    items = _limits(current_app.config["LMS_API_PUBLIC_RATE_LIMIT"])
    reset = max(strategy.get_window_stats(i, PUBLIC_SCOPE, address).reset_time for i in items)
    return str(max(math.ceil(reset - time.time()), 1))


def is_public_caller() -> bool:
    """Nobody signed in, and no credentials sent: a token that did not authenticate is
    refused, not read as anonymous (its caller would silently see less)."""
    return is_anonymous() and "Authorization" not in request.headers


def is_public_request() -> bool:
    """A call to a public route that may be answered without a user."""
    return request.endpoint in PUBLIC_ENDPOINTS and request.method in PUBLIC_METHODS


@bp.before_request
def require_authentication():
    """Every API call needs a user, but for the public GETs; an unsafe call from a
    browser session needs its CSRF token."""
    if is_anonymous():
        if is_public_request() and is_public_caller():
            if request.method == "OPTIONS" or within_limit():
                return None
            body, status = api_error(429, "Too many requests: wait a little and try again.")
            return body, status, {"Retry-After": _retry_after()}
        body, status = api_error(
            401, "Authentication required: send 'Authorization: Bearer <token>'."
        )
        return body, status, {"WWW-Authenticate": 'Bearer realm="lms"'}  # RFC 6750
    if request.method in UNSAFE_METHODS and request.environ.get("lms.auth") != "token":
        # A cookie travels with cross-site requests; a bearer token does not.
        try:
            current_app.extensions["csrf"].protect()
        except CSRFError:
            return api_error(400, "Missing or invalid CSRF token.", "csrf_failed")
    return None


@bp.after_request
def cross_origin(response):
    """``Access-Control-Allow-Origin: *`` on the public routes' anonymous answers (errors
    and 429s too, so a page elsewhere can read why), and the answer to a preflight.

    Never on an authenticated answer: ``*`` carries no cookie, and a preflight that
    asks to send ``Authorization`` is not granted, so no other site's script reads
    what a signed-in user or a token sees.
    """
    if not is_public_request():
        return response
    headers = response.headers
    vary = headers.get("Vary")
    headers["Vary"] = f"{vary}, {VARY}" if vary else VARY
    if not is_public_caller():
        return response
    headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
        response.headers["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    else:
        response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
    if response.status_code >= 400:
        response.headers["Cache-Control"] = "no-store"  # a 404 may be published tomorrow
    return response


def json_bytes(body) -> bytes:
    """``body`` as compact JSON, encoded as the app's JSON provider does it."""
    return current_app.json.dumps(body, separators=(",", ":")).encode()


def body_etag(body: bytes) -> str:
    """A strong validator: the hash of the exact bytes sent."""
    return hashlib.sha256(body).hexdigest()[:40]


def cacheable(body: bytes, etag: str | None = None) -> Response:
    """A JSON answer with a strong ``ETag``; a request whose ``If-None-Match`` names it
    (or ``*``) gets ``304 Not Modified`` without the body.

    An anonymous answer is the same for everyone, so shared caches may keep it for
    ``LMS_API_PUBLIC_MAX_AGE`` seconds (seat counts move: keep it short); an
    authenticated one is ``private`` and revalidated every time.
    """
    etag = etag or body_etag(body)
    if is_anonymous():
        caching = f"public, max-age={int(current_app.config['LMS_API_PUBLIC_MAX_AGE'])}"
    else:
        caching = "private, no-cache"
    headers = {"ETag": f'"{etag}"', "Cache-Control": caching}
    # If-None-Match compares weakly (RFC 9110): W/"x" names the same body as "x".
    if "If-None-Match" in request.headers and request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    response = Response(body, mimetype="application/json", headers=headers)
    return response
