"""API endpoints. Errors are always ``{"error": {"code": …, "message": …}}``."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from lms.core.errors import api_error

bp = Blueprint("lms_api", __name__)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@bp.before_request
def require_authentication():
    """Every API call needs a user: a bearer token, or a browser session with CSRF."""
    if not current_user.is_authenticated:
        return api_error(401, "Authentication required: send 'Authorization: Bearer <token>'.")
    if request.method in UNSAFE_METHODS and request.environ.get("lms.auth") != "token":
        # A cookie travels with cross-site requests; a bearer token does not.
        try:
            current_app.extensions["csrf"].protect()
        except CSRFError:
            return api_error(400, "Missing or invalid CSRF token.", "csrf_failed")
    return None


@bp.get("/me")
def me():
    """The caller's own profile."""
    user = current_user
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "organisation": user.organisation,
        "job_title": user.job_title,
        "language": user.language,
        "roles": sorted(user.role_names),
    }
