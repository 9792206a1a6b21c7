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

from flask import Blueprint, Response, current_app, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from lms.core.errors import api_error
from lms.extensions import limiter

bp = Blueprint("lms_api", __name__)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC_ENDPOINTS: set[str] = set()  # filled by @public
# What a page elsewhere may send and read: no Authorization (a personal token does not
# belong in another site's script), the validator, the pagination links.
CORS_REQUEST_HEADERS = "If-None-Match"
CORS_EXPOSED_HEADERS = "ETag, Link"
PREFLIGHT_MAX_AGE = "86400"
# A public answer may be the same for everyone, but an authenticated one may show more
# (a members-only meeting's link): caches must key on the credentials.
VARY = ("Authorization", "Cookie")


def is_anonymous() -> bool:
    return not current_user.is_authenticated


def public(view):
    """Let anonymous callers ``GET`` this route too, ``LMS_API_PUBLIC_RATE_LIMIT`` per
    client address over all public routes together (authenticated callers are not
    counted: they are known), with CORS open to any origin (:func:`cross_origin`)."""
    PUBLIC_ENDPOINTS.add(f"{bp.name}.{view.__name__}")
    return limiter.shared_limit(
        lambda: current_app.config["LMS_API_PUBLIC_RATE_LIMIT"],
        scope="lms_api_public",
        methods=["GET", "HEAD"],
        exempt_when=lambda: not is_anonymous(),
    )(view)


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
            return None
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
    response.vary.update(VARY)
    if not is_public_caller():
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
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
    response = Response(mimetype="application/json")
    response.set_etag(etag)
    if is_anonymous():
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["LMS_API_PUBLIC_MAX_AGE"]
    else:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    if request.if_none_match.contains_weak(etag):  # If-None-Match compares weakly (RFC 9110)
        response.status_code = 304
    else:
        response.set_data(body)
    return response
