"""Password hashing with Argon2id, the memory-hard KDF recommended by OWASP."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_hashers: dict[tuple[int, int, int], PasswordHasher] = {}


def _hasher() -> PasswordHasher:
    config = current_app.config
    params = (
        config["LMS_ARGON2_TIME_COST"],
        config["LMS_ARGON2_MEMORY_COST"],
        config["LMS_ARGON2_PARALLELISM"],
    )
    if params not in _hashers:
        _hashers[params] = PasswordHasher(
            time_cost=params[0], memory_cost=params[1], parallelism=params[2]
        )
    return _hashers[params]


def hash_password(password: str) -> str:
    """Return an Argon2id hash (salt and parameters included) of ``password``."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if ``password`` matches; never raises on a malformed hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def burn_time(password: str) -> None:
    """Spend as long as a real check, so a login for an unknown e-mail is not faster."""
    verify_password(_dummy_hash(), password)


def _dummy_hash() -> str:
    key = "_dummy"
    cached = current_app.extensions.get("lms_dummy_hash")
    if cached is None:
        cached = hash_password(key)
        current_app.extensions["lms_dummy_hash"] = cached
    return cached
