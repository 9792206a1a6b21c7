"""Personal calendar feeds: the secret token in the URL, resetting it, and what a
feed holds. Services flush, never commit."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.calendar.entries import ACTIVE_REGISTRATION, CANCELLED_REGISTRATION, LISTED_OFFERING
from lms.events.models import Network, NetworkMembership, Offering
from lms.extensions import db
from lms.registrations.models import Registration

MAX_USER_ID = 2**63 - 1


def _signature(user_id: int, calendar_secret: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    message = f"lms-calendar-feed:{user_id}:{calendar_secret}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def feed_token(user: User) -> str:
    """``<user id>-<HMAC-SHA256(SECRET_KEY, user id + calendar secret)>``."""
    return f"{user.id}-{_signature(user.id, user.calendar_secret)}"


def user_for_token(token: str) -> User | None:
    """The active user ``token`` belongs to, or None (for any malformed or stale token)."""
    user_part, sep, signature = token.partition("-")
    if not sep or not user_part.isascii() or not user_part.isdigit() or len(user_part) > 19:
        return None
    user_id = int(user_part)
    if not 0 < user_id <= MAX_USER_ID:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    expected = _signature(user.id, user.calendar_secret)
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return None
    return user


def reset_feed_token(user: User) -> None:
    """Give ``user`` a new calendar secret: every earlier feed URL stops working."""
    user.calendar_secret = secrets.token_hex(16)
    db.session.flush()


def feed_registrations(user: User) -> list[Registration]:
    """The user's registrations that belong in their feed, with offerings and sessions
    loaded in a fixed number of queries."""
    statuses = ACTIVE_REGISTRATION + CANCELLED_REGISTRATION
    return list(
        db.session.scalars(
            select(Registration)
            .join(Registration.offering)
            .where(
                Registration.user_id == user.id,
                Registration.status.in_(statuses),
                Offering.status.in_(LISTED_OFFERING),
            )
            .options(selectinload(Registration.offering).selectinload(Offering.sessions))
            .order_by(Registration.id)
        )
    )


def member_networks(user: User) -> list[Network]:
    """The networks whose meetings ``user`` may subscribe to: approved memberships."""
    return list(
        db.session.scalars(
            select(Network)
            .join(NetworkMembership, NetworkMembership.network_id == Network.id)
            .where(NetworkMembership.user_id == user.id, NetworkMembership.status == "approved")
            .order_by(Network.name, Network.id)
        )
    )
