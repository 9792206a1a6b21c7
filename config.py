"""Configuration for the standalone LMS, read from the environment.

This module imports nothing from ``lms``: the extension sets defaults for
every ``LMS_*`` key itself, so a host app can mount the LMS without this file.
``create_app`` picks one of these classes from ``LMS_ENV`` (``development``
by default, ``production`` or ``testing``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

_DEV_KEY_PLACEHOLDERS = {"", "dev", "changeme", "change-me", "secret"}


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _development_secret_key() -> str:
    """Return a per-checkout key kept under ``instance/`` so sessions survive restarts."""
    instance = Path(os.environ.get("LMS_INSTANCE_PATH", str(INSTANCE_DIR)))
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    """Settings shared by every environment, read when the class is instantiated."""

    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False

    def __init__(self) -> None:
        env = os.environ.get
        instance = Path(env("LMS_INSTANCE_PATH", str(INSTANCE_DIR)))
        self.SQLALCHEMY_DATABASE_URI = (
            env("DATABASE_URL") or f"sqlite:///{instance / 'lms.sqlite3'}"
        )
        # The LMS reads only LMS_REDIS_URL; standing alone, REDIS_URL may fill it.
        self.LMS_REDIS_URL = env("LMS_REDIS_URL") or env("REDIS_URL", "")
        # Unset, links follow the address a request came in on (lms/core/urls.py);
        # `make run` sets it from PORT so that mail sent by the worker links there too.
        self.LMS_BASE_URL = env("LMS_BASE_URL", "")
        self.LMS_TIMEZONE = env("LMS_TIMEZONE", "Europe/Oslo")
        self.LMS_DEFAULT_LOCALE = env("LMS_DEFAULT_LOCALE", "nb")
        self.LMS_URL_PREFIX = env("LMS_URL_PREFIX", "")
        self.LMS_SMTP_HOST = env("LMS_SMTP_HOST", "")
        self.LMS_SMTP_PORT = _env_int("LMS_SMTP_PORT", 25)
        self.LMS_SMTP_USERNAME = env("LMS_SMTP_USERNAME", "")
        self.LMS_SMTP_PASSWORD = env("LMS_SMTP_PASSWORD", "")
        self.LMS_SMTP_STARTTLS = _env_bool("LMS_SMTP_STARTTLS")
        self.LMS_MAIL_FROM = env("LMS_MAIL_FROM", "Anskaffelser LMS <noreply@localhost>")
        self.LMS_HUEY_PATH = env("LMS_HUEY_PATH", str(instance / "huey.sqlite3"))
        self.LMS_TRUSTED_PROXIES = _env_int("LMS_TRUSTED_PROXIES", 0)
        if env("LMS_API_PUBLIC_RATE_LIMIT"):  # else the LMS default (lms/settings.py)
            self.LMS_API_PUBLIC_RATE_LIMIT = env("LMS_API_PUBLIC_RATE_LIMIT")
        # Only the concurrency control test turns the lock off and widens the race window,
        # and says so with LMS_CONCURRENCY_TESTING (init_app refuses them otherwise).
        self.LMS_REGISTRATION_LOCKING = _env_bool("LMS_REGISTRATION_LOCKING", True)
        self.LMS_DEBUG_RACE_DELAY = float(env("LMS_DEBUG_RACE_DELAY") or 0)
        self.LMS_CONCURRENCY_TESTING = _env_bool("LMS_CONCURRENCY_TESTING", False)
        if self.LMS_BASE_URL.startswith("https://"):
            self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = True


class DevelopmentConfig(Config):
    """Local development: a generated secret key kept under ``instance/``, SQLite."""

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret_key()


class ProductionConfig(Config):
    """Production: refuses to start without a real ``SECRET_KEY``."""

    def __init__(self) -> None:
        super().__init__()
        key = os.environ.get("SECRET_KEY", "")
        if key.strip().lower() in _DEV_KEY_PLACEHOLDERS or len(key) < 32:
            raise RuntimeError(
                "LMS_ENV=production needs SECRET_KEY set to a random value of at least "
                "32 characters, e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        self.SECRET_KEY = key
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = True
        # Production never runs the concurrency test: its switch is off whatever is set.
        self.LMS_CONCURRENCY_TESTING = False


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None = None) -> Config:
    """Instantiate the configuration named by ``name`` or ``LMS_ENV``."""
    name = name or os.environ.get("LMS_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"Unknown LMS_ENV {name!r}; use one of {sorted(CONFIGS)}") from None
