"""API endpoints. Errors are always ``{"error": {"code": …, "message": …}}``."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from lms.accounts import services
from lms.accounts.models import ApiToken
from lms.core.errors import api_error
from lms.extensions import db

bp = Blueprint("lms_api", __name__)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@bp.before_request
def require_authentication():
    """Every API call needs a user: a bearer token, or a browser session with CSRF."""
    if not current_user.is_authenticated:
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


@bp.get("/tokens")
def tokens():
    """The caller's active API tokens (never their secrets)."""
    rows = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id)
    )
    return {
        "tokens": [
            {
                "id": t.id,
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            }
            for t in rows
        ]
    }


@bp.delete("/tokens/<lms_id:token_id>")
def revoke_token(token_id: int):
    """Revoke one of the caller's tokens; anyone else's is a 404, as if absent."""
    if not services.revoke_api_token(current_user, token_id):
        return api_error(404, "No such token.")
    db.session.commit()
    return "", 204


from lms.api import events as _events  # noqa: E402, F401  (adds the events routes to bp)
