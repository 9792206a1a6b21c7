"""Flask-Login wiring: session users, and bearer tokens on the API."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

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
    found = authenticate_api_token(token.strip())
    if found is None:
        return None
    user, due_token_id = found
    request.environ["lms.auth"] = "token"
    if due_token_id is not None:
        g.lms_token_used = due_token_id
    return user


# A token's first use in a while moves its ``last_used_at``. A request that commits
# writes it with its own commit (one UPDATE more in a transaction it has anyway: in a
# registration rush every token is new); one that does not gets a short transaction
# of its own when it ends. Never a commit mid-request: that would expire the user.


def _write_token_use_with_commit(session) -> None:
    if has_request_context() and session is db.session():
        token_id = g.pop("lms_token_used", None)
        if token_id is not None:
            from lms.accounts.services import record_token_use

            record_token_use(session.connection(), token_id)


def _write_token_use_at_end(_error=None) -> None:
    token_id = g.pop("lms_token_used", None)
    if token_id is None:
        return
    from lms.accounts.services import record_token_use

    db.session.rollback()  # nothing of the request is left to keep: it did not commit
    try:
        with db.engine.begin() as connection:
            record_token_use(connection, token_id)
    except SQLAlchemyError:
        current_app.logger.warning("could not record the use of token %s", token_id, exc_info=True)


def install_token_use_hooks(app) -> None:
    """Write tokens' ``last_used_at`` with the request's commit, or at its end."""
    global _commit_hook_installed
    if not _commit_hook_installed:
        event.listen(db.session, "before_commit", _write_token_use_with_commit)
        _commit_hook_installed = True
    app.teardown_request(_write_token_use_at_end)


_commit_hook_installed = False


def configure_login_manager(manager: LoginManager) -> None:
    """Point Flask-Login at LMS users and LMS pages."""
    manager.user_loader(load_user)
    manager.request_loader(load_user_from_request)
    manager.login_view = "lms_accounts.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
