"""Account operations. Each takes explicit arguments, flushes, and leaves the commit to
the caller (one commit per request or CLI command). Mail is queued in the outbox in
the same transaction, so it is sent if and only if the change is committed."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from lms.accounts.models import GRANTED_ROLES, ApiToken, User, UserRole, UserToken, hash_token
from lms.accounts.passwords import burn_time, hash_password, needs_rehash, verify_password
from lms.core.service_errors import PermissionDenied, ServiceError
from lms.extensions import db
from lms.mail.outbox import queue_mail
from lms.timeutil import utcnow


class AccountError(ServiceError):
    """An account operation refused; ``code`` says why (``email_taken``, ``wrong_password``,
    ``same_email``, ``last_admin``)."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    password: str,
    name: str,
    *,
    organisation: str = "",
    job_title: str = "",
    language: str = "nb",
    roles: tuple[str, ...] = (),
    verified: bool = False,
) -> User:
    """Create a user outright (CLI, demo, tests). Refuses an e-mail already in use."""
    if find_user_by_email(email) is not None:
        raise AccountError("email_taken")
    user = User(
        email=normalise_email(email),
        password_hash=hash_password(password),
        name=name.strip(),
        organisation=organisation.strip(),
        job_title=job_title.strip(),
        language=language,
        email_verified_at=utcnow() if verified else None,
    )
    user.roles = [UserRole(role=r) for r in roles if r in GRANTED_ROLES]
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(
    email: str,
    password: str,
    name: str,
    organisation: str,
    job_title: str,
    language: str,
) -> User | None:
    """Register a new participant and mail a verification link.

    If the e-mail already has an account, nothing is created and that account's
    owner is told by mail instead; the page the visitor sees is the same either
    way, so sign-up does not reveal who has an account.
    """
    existing = find_user_by_email(email)
    if existing is not None:
        burn_time(password)  # as long as hashing a new password, so timing tells nothing
        queue_mail(existing.email, "account_exists", existing.language, user=existing)
        return None
    user = create_user(
        email, password, name, organisation=organisation, job_title=job_title, language=language
    )
    send_verification(user)
    return user


def _issue_token(user: User, purpose: str, max_age: int, payload: str = "") -> str:
    raw = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(raw),
            payload=payload,
            expires_at=utcnow() + timedelta(seconds=max_age),
        )
    )
    db.session.flush()
    return raw


def _consume_token(raw: str, purpose: str) -> UserToken | None:
    """Use a token once: the conditional UPDATE makes a second use (even a concurrent
    one) find nothing to update."""
    token = db.session.scalar(
        select(UserToken).where(
            UserToken.token_hash == hash_token(raw), UserToken.purpose == purpose
        )
    )
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    result = db.session.execute(
        update(UserToken)
        .where(UserToken.id == token.id, UserToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    db.session.refresh(token)
    return token


def peek_token(raw: str, purpose: str) -> bool:
    """True if the token exists, is unused and unexpired (for showing a form)."""
    token = db.session.scalar(
        select(UserToken).where(
            UserToken.token_hash == hash_token(raw), UserToken.purpose == purpose
        )
    )
    return token is not None and token.used_at is None and token.expires_at > utcnow()


def send_verification(user: User) -> None:
    """Mail a link that confirms the user owns their e-mail address."""
    max_age = current_app.config["LMS_VERIFY_TOKEN_MAX_AGE"]
    raw = _issue_token(user, "verify_email", max_age)
    queue_mail(user.email, "verify_email", user.language, user=user, token=raw)


def verify_email(raw: str) -> User | None:
    """Mark the e-mail verified; None if the link is unknown, used or expired."""
    token = _consume_token(raw, "verify_email")
    if token is None:
        return None
    token.user.email_verified_at = token.user.email_verified_at or utcnow()
    db.session.flush()
    return token.user


def authenticate(email: str, password: str) -> User | None:
    """Return the user when the password matches; takes as long for unknown e-mails."""
    user = find_user_by_email(email)
    if user is None:
        burn_time(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.flush()
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if the e-mail has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    raw = _issue_token(user, "reset_password", current_app.config["LMS_RESET_TOKEN_MAX_AGE"])
    queue_mail(user.email, "reset_password", user.language, user=user, token=raw)


def reset_password(raw: str, new_password: str) -> User | None:
    """Set a new password from a reset link; the link and every older one die with it."""
    token = _consume_token(raw, "reset_password")
    if token is None:
        return None
    user = token.user
    _set_password(user, new_password)
    db.session.execute(
        update(UserToken)
        .where(
            UserToken.user_id == user.id,
            UserToken.purpose == "reset_password",
            UserToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    # Following the e-mailed link proves the address, as verification would.
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.flush()
    return user


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    user.auth_version += 1  # ends every other session and remember-me cookie


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password after checking the current one."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError("wrong_password")
    _set_password(user, new_password)
    queue_mail(user.email, "password_changed", user.language, user=user)
    db.session.flush()


def request_email_change(user: User, password: str, new_email: str) -> None:
    """Mail a confirmation link to the new address; the change waits for it.

    The old address is told too, so a hijacked session cannot quietly take the account.
    """
    if not verify_password(user.password_hash, password):
        raise AccountError("wrong_password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise AccountError("same_email")
    max_age = current_app.config["LMS_VERIFY_TOKEN_MAX_AGE"]
    raw = _issue_token(user, "change_email", max_age, payload=new_email)
    if find_user_by_email(new_email) is None:
        queue_mail(new_email, "confirm_email_change", user.language, user=user, token=raw)
    queue_mail(user.email, "email_change_requested", user.language, user=user, new_email=new_email)


def confirm_email_change(raw: str) -> User | None:
    """Apply a confirmed e-mail change; None if the link is bad or the address was taken."""
    token = _consume_token(raw, "change_email")
    if token is None or find_user_by_email(token.payload) is not None:
        return None
    token.user.email = token.payload
    token.user.email_verified_at = utcnow()
    db.session.flush()
    return token.user


def update_profile(user: User, *, name: str, organisation: str, job_title: str, language: str):
    """Save the profile fields a user may edit themselves."""
    user.name = name.strip()
    user.organisation = organisation.strip()
    user.job_title = job_title.strip()
    user.language = language
    db.session.flush()


def set_language(user: User, language: str) -> None:
    user.language = language
    db.session.flush()


def save_chosen_language(user: User, *, language: str) -> None:
    """Receiver of ``core.signals.language_chosen``: the switch is kept on the account."""
    set_language(user, language)


def set_roles(actor: User, user: User, roles: set[str]) -> None:
    """Grant exactly ``roles`` to ``user``. Only admins may; the last admin stays admin."""
    if not actor.is_admin:
        raise PermissionDenied
    roles = {r for r in roles if r in GRANTED_ROLES}
    if "admin" in user.role_names and "admin" not in roles:
        admins = db.session.scalar(
            select(db.func.count()).select_from(UserRole).where(UserRole.role == "admin")
        )
        if admins <= 1:
            raise AccountError("last_admin")
    user.roles = [r for r in user.roles if r.role in roles] + [
        UserRole(role=r) for r in sorted(roles - {r.role for r in user.roles})
    ]
    db.session.flush()


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a named token; the secret is returned once and only its hash is kept."""
    raw = "lms_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name.strip(), token_hash=hash_token(raw), prefix=raw[:10]
    )
    db.session.add(token)
    db.session.flush()
    return token, raw


def revoke_api_token(user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens; another user's token is treated as absent."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    db.session.flush()
    return True


def authenticate_api_token(raw: str) -> tuple[User, int | None] | None:
    """The active user behind a bearer token, and the token's id when its ``last_used_at``
    is due to move (at most every 5 minutes; ``record_token_use`` writes it); or None."""
    # One query for the token, its user and the user's roles: this runs on every API call.
    row = db.session.execute(_TOKEN_USER, {"token_hash": hash_token(raw)}).unique().first()
    if row is None or not row[0].active:
        return None
    user, token_id, last_used_at = row
    due = last_used_at is None or utcnow() - last_used_at > timedelta(minutes=5)
    return user, token_id if due else None


_TOKEN_USER = (
    select(User, ApiToken.id, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
    .options(joinedload(User.roles))
)
_TOUCH_TOKEN = (
    update(ApiToken.__table__)
    .where(ApiToken.__table__.c.id == bindparam("token_id"))
    .values(last_used_at=bindparam("now"))
)


def record_token_use(connection, token_id: int) -> None:
    """Set the token's ``last_used_at`` to now, on the connection the caller chose."""
    connection.execute(_TOUCH_TOKEN, {"token_id": token_id, "now": utcnow()})
