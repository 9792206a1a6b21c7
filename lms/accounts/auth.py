"""Flask-Login wiring: session users, and bearer tokens on the API."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from lms.extensions import db


def load_user(user_id: str):
    """Load the user named by a session id ``"<id>:<auth_version>"``.

    A password change bumps ``auth_version``, so older sessions load nothing.
    """
    from lms.accounts.models import User

    try:
        raw_id, raw_version = user_id.split(":", 1)
        # One query for the user and their roles: this runs on every logged-in request.
        user = db.session.get(User, int(raw_id), options=[joinedload(User.roles)])
        version = int(raw_version)
    except (ValueError, TypeError):
        return None
    if user is None or user.auth_version != version or not user.active:
        return None
    return user


def load_user_from_request(req):
    """Authenticate ``Authorization: Bearer <token>`` on API paths only."""
    from lms.accounts.services import authenticate_api_token

    state = current_app.extensions["lms"]
    if not req.path.startswith(f"{state.url_prefix}/api/"):
        return None
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = authenticate_api_token(token.strip())
    if user is not None:
        request.environ["lms.auth"] = "token"
        _record_token_use()
    return user


def _record_token_use() -> None:
    """Write a token's new ``last_used_at`` in a short transaction of its own.

    It moves at most every 5 minutes, so most calls write nothing. It is committed
    whatever the request does next, but not through the request's session: a commit
    there would expire the user just loaded, and reading them again costs a query.
    """
    from lms.accounts.models import ApiToken

    for token in [obj for obj in db.session.dirty if isinstance(obj, ApiToken)]:
        with db.session.get_bind(ApiToken).begin() as connection:
            connection.execute(
                update(ApiToken)
                .where(ApiToken.id == token.id)
                .values(last_used_at=token.last_used_at)
            )
        set_committed_value(token, "last_used_at", token.last_used_at)


def configure_login_manager(manager: LoginManager) -> None:
    """Point Flask-Login at LMS users and LMS pages."""
    manager.user_loader(load_user)
    manager.request_loader(load_user_from_request)
    manager.login_view = "lms_accounts.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
