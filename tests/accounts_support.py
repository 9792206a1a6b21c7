"""Helpers shared by the account, security, admin and API tests.

Mail is read from the outbox table (every mail passes through it); links are
taken from the text body the way a person would copy them. Reads go through a
fresh query so a test never trusts objects cached in its own session.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from conftest import CSRF_RE, TEST_PASSWORD, csrf_token, post_form
from factories import outbox as mails
from sqlalchemy import func, select

from lms.accounts.models import ApiToken, User, UserToken
from lms.extensions import db
from lms.mail.models import OutboxMessage

__all__ = [
    "TEST_PASSWORD",
    "count_rows",
    "csrf_token",
    "english",
    "is_logged_in",
    "link_path",
    "mails",
    "post_form",
    "reload_user",
    "strip_csrf",
]

LINK_RE = re.compile(r"https?://\S+")


def link_path(message: OutboxMessage) -> str:
    """The path of the first link in a mail's text body (what a reader clicks)."""
    match = LINK_RE.search(message.body_text)
    assert match, f"no link in mail {message.kind}: {message.body_text!r}"
    parts = urlsplit(match.group(0))
    assert parts.netloc == "lms.test", "mail links are built on LMS_BASE_URL"
    return parts.path


def strip_csrf(html: str) -> str:
    """The page with its CSRF token blanked, so two pages can be compared byte for byte."""
    return CSRF_RE.sub('name="csrf_token" value=""', html)


def english(client):
    """Make the client ask for English pages (the default language is Norwegian)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def is_logged_in(client) -> bool:
    """True if the client's cookies authenticate it (the profile needs a login)."""
    response = client.get("/profile")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def reload_user(user_or_email) -> User | None:
    """The user as committed in the database now."""
    db.session.expire_all()
    if isinstance(user_or_email, str):
        return db.session.scalar(select(User).where(User.email == user_or_email))
    return db.session.get(User, user_or_email.id, populate_existing=True)


def count_rows(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


MODELS = {"users": User, "tokens": UserToken, "api_tokens": ApiToken, "mail": OutboxMessage}


def snapshot() -> dict[str, int]:
    """Row counts of the account and mail tables, to prove a request saved nothing."""
    return {name: count_rows(model) for name, model in MODELS.items()}
