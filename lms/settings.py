"""Every ``LMS_*`` setting with its default; ``LMS.init_app`` applies them with
``setdefault``, so a host's own values always win."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "LMS_URL_PREFIX": "",
    # The public address links are built on; unset, a request's own (lms/core/urls.py).
    "LMS_BASE_URL": "",
    "LMS_TIMEZONE": "Europe/Oslo",
    "LMS_DEFAULT_LOCALE": "nb",
    "LMS_SITE_NAME": "Anskaffelser LMS",
    "LMS_SMTP_HOST": "",
    "LMS_SMTP_PORT": 25,
    "LMS_SMTP_USERNAME": "",
    "LMS_SMTP_PASSWORD": "",
    "LMS_SMTP_STARTTLS": False,
    "LMS_SMTP_TIMEOUT": 10,
    "LMS_MAIL_FROM": "Anskaffelser LMS <noreply@localhost>",
    "LMS_MAIL_MAX_ATTEMPTS": 30,
    "LMS_HUEY_PATH": None,
    "LMS_HUEY_IMMEDIATE": False,
    "LMS_LOGIN_MANAGER": "own",
    "LMS_LOGIN_RATE_LIMIT": "10 per minute",
    "LMS_LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute",
    "LMS_RESET_RATE_LIMIT": "5 per 15 minutes",
    "LMS_SIGNUP_RATE_LIMIT": "10 per hour",
    "LMS_API_PUBLIC_RATE_LIMIT": "120 per minute",  # anonymous API GETs, per address
    "LMS_API_PUBLIC_MAX_AGE": 60,  # seconds a shared cache may keep a public API answer
    "LMS_RESET_TOKEN_MAX_AGE": 3600,
    "LMS_VERIFY_TOKEN_MAX_AGE": 3 * 24 * 3600,
    "LMS_PASSWORD_MIN_LENGTH": 10,
    "LMS_REGISTRATION_LOCKING": True,
    "LMS_DEBUG_RACE_DELAY": 0,
    # Only the concurrency control test may turn the lock off or widen the race window,
    # and it says so with this switch; without it init_app refuses them (mount.py).
    "LMS_CONCURRENCY_TESTING": False,
    # The LMS's own Redis (queue and rate limits), apart from any REDIS_URL of a host.
    "LMS_REDIS_URL": "",
    "LMS_REMINDER_DAYS": 2,
    "LMS_OVERVIEW_WEEKS": 6,  # how far ahead the organisers' overview looks
    # The largest attachment a module may have (an upload or a file in courses/), bytes.
    "LMS_LEARNING_MAX_ATTACHMENT": 5 * 1024 * 1024,
    "LMS_ARGON2_TIME_COST": 3,
    "LMS_ARGON2_MEMORY_COST": 65536,
    "LMS_ARGON2_PARALLELISM": 4,
}
