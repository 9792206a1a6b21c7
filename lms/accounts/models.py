"""Accounts: users, their roles, single-use e-mailed tokens and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.timeutil import UTCDateTime, utcnow

ROLES = ("participant", "instructor", "organiser", "admin")
GRANTED_ROLES = ("instructor", "organiser", "admin")
LANGUAGES = ("nb", "en")
TOKEN_PURPOSES = ("verify_email", "reset_password", "change_email")


def hash_token(raw: str) -> str:
    """Hash a high-entropy secret for storage; the raw value is shown once, never kept."""
    return hashlib.sha256(raw.encode()).hexdigest()


class User(UserMixin, db.Model):
    """A person with an account. Everyone is a participant; other roles are granted."""

    __tablename__ = "lms_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="nb")
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped when the password changes, so every other session and remember-me
    # cookie made with the old password stops working.
    auth_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Keys the personal calendar feed URL (with SECRET_KEY); resetting it kills old URLs.
    calendar_secret: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (CheckConstraint("language IN ('nb', 'en')", name="language"),)

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def role_names(self) -> set[str]:
        return {"participant"} | {r.role for r in self.roles}

    def has_role(self, role: str) -> bool:
        """True if the user holds ``role``; admins hold every role."""
        names = self.role_names
        return role in names or "admin" in names

    @property
    def is_admin(self) -> bool:
        return "admin" in self.role_names

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    """A role granted to a user beyond the participant everyone is."""

    __tablename__ = "lms_user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("lms_users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    user: Mapped[User] = relationship(back_populates="roles")

    __table_args__ = (CheckConstraint("role IN ('instructor', 'organiser', 'admin')", name="role"),)


class UserToken(db.Model):
    """A single-use, time-limited secret sent by e-mail (verification, reset, new e-mail)."""

    __tablename__ = "lms_user_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint(
            "purpose IN ('verify_email', 'reset_password', 'change_email')", name="purpose"
        ),
    )


class ApiToken(db.Model):
    """A personal API token; only its hash is stored, the secret is shown once."""

    __tablename__ = "lms_api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
