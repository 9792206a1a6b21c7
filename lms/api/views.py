"""The caller's own API: profile and tokens (on ``lms/api/blueprint.py``'s blueprint)."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from lms.accounts import services
from lms.accounts.models import ApiToken
from lms.api.blueprint import bp
from lms.api.serialise import iso
from lms.core.errors import api_error
from lms.extensions import db


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
                "created_at": iso(t.created_at),
                "last_used_at": iso(t.last_used_at),
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
