"""The ``LMS`` Flask extension: defaults, blueprints, login, CSRF, translations, CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from lms.extensions import babel, csrf, db, limiter, login_manager, migrate
from lms.paths import MIGRATIONS_DIR, TRANSLATIONS_DIR

DEFAULTS: dict[str, Any] = {
    "LMS_URL_PREFIX": "",
    "LMS_BASE_URL": "http://127.0.0.1:5000",
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
    "LMS_REMINDER_DAYS": 2,
    "LMS_ARGON2_TIME_COST": 3,
    "LMS_ARGON2_MEMORY_COST": 65536,
    "LMS_ARGON2_PARALLELISM": 4,
}

LANGUAGES = ("nb", "en")


@dataclass
class LMSState:
    """What the LMS keeps per app, in ``app.extensions["lms"]``."""

    url_prefix: str
    standalone: bool
    huey: Any = None
    blueprints: list[str] = field(default_factory=list)


class LMS:
    """The LMS as a Flask extension.

    ``LMS(app)`` binds at once; ``LMS()`` then ``init_app(app)`` binds later,
    for application factories. Every ``LMS_*`` key gets a default with
    ``setdefault``, so a host's own values always win.
    """

    def __init__(self, app: Flask | None = None, *, standalone: bool = False) -> None:
        self.standalone = standalone
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Register the LMS on ``app``: config defaults, database, login, CSRF, blueprints."""
        self._refuse_conflicts(app)
        self._set_defaults(app)
        self._init_database(app)
        self._init_login(app)
        self._init_csrf(app)
        self._init_babel(app)
        app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
        # A fixed window lets twice the limit through around its reset (the whole allowance
        # just before, again just after); a moving window counts the last period whole.
        app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
        limiter.init_app(app)

        prefix = app.config["LMS_URL_PREFIX"].rstrip("/")
        state = LMSState(url_prefix=prefix, standalone=self.standalone)
        app.extensions["lms"] = state

        from lms.blueprints import register_blueprints
        from lms.cli import lms_cli
        from lms.core.errors import register_error_handlers
        from lms.core.templating import register_template_helpers
        from lms.tasks import make_huey

        register_blueprints(app, state)
        register_error_handlers(app, state)
        register_template_helpers(app)
        app.cli.add_command(lms_cli)
        state.huey = make_huey(app)

    def _set_defaults(self, app: Flask) -> None:
        config = app.config
        for key, value in DEFAULTS.items():
            config.setdefault(key, value)
        config.setdefault("REDIS_URL", "")
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        config.setdefault(
            "SQLALCHEMY_DATABASE_URI", f"sqlite:///{Path(app.instance_path) / 'lms.sqlite3'}"
        )
        if config["LMS_HUEY_PATH"] is None:
            config["LMS_HUEY_PATH"] = str(Path(app.instance_path) / "huey.sqlite3")
        secure = config["LMS_BASE_URL"].startswith("https://")
        # Flask pre-fills these keys (SameSite None, Secure False, no body limit), so
        # setdefault would never apply ours: replace only values still at Flask's default.
        _flask_default(config, "SESSION_COOKIE_HTTPONLY", True)
        _flask_default(config, "SESSION_COOKIE_SAMESITE", "Lax")
        _flask_default(config, "SESSION_COOKIE_SECURE", secure)
        _flask_default(config, "MAX_CONTENT_LENGTH", 5 * 1024 * 1024)
        config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
        config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
        config.setdefault("REMEMBER_COOKIE_SECURE", secure)
        config.setdefault("WTF_CSRF_TIME_LIMIT", None)
        if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            options = config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
            options.setdefault("pool_pre_ping", True)

    def _init_database(self, app: Flask) -> None:
        from lms.core.transactions import keep_prepared_statements

        if app.extensions.get("sqlalchemy") is None:
            db.init_app(app)
        with app.app_context():
            for engine in db.engines.values():
                if engine.dialect.name == "sqlite":
                    event.listen(engine, "connect", _sqlite_pragmas)
                keep_prepared_statements(engine)
        if "migrate" not in app.extensions:
            migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)

        from lms.mail.outbox import install_outbox_hooks

        install_outbox_hooks()

    def _refuse_conflicts(self, app: Flask) -> None:
        """Refuse, before touching the app, what the LMS cannot share with a host."""
        if "lms" in app.extensions:
            raise RuntimeError("The LMS is already registered on this app.")
        existing_db = app.extensions.get("sqlalchemy")
        if existing_db is not None and existing_db is not db:
            raise RuntimeError(
                "This app already has its own Flask-SQLAlchemy instance. The LMS keeps its "
                "tables on lms.extensions.db: declare the host's models on that instance "
                "(from lms.extensions import db) instead of creating a second one."
            )
        host_manager = getattr(app, "login_manager", None)
        reuse = app.config.get("LMS_LOGIN_MANAGER", DEFAULTS["LMS_LOGIN_MANAGER"]) == "reuse"
        if host_manager is not None and host_manager is not login_manager and not reuse:
            raise RuntimeError(
                "This app already has a Flask-Login LoginManager. The LMS will not replace "
                "it. Either let the LMS own login (remove yours), or set "
                "LMS_LOGIN_MANAGER = 'reuse' and make your user_loader return LMS users "
                "(lms.accounts.auth.load_user)."
            )

    def _init_login(self, app: Flask) -> None:
        from lms.accounts.auth import configure_login_manager, install_token_use_hooks

        host_manager = getattr(app, "login_manager", None)
        if host_manager is not None and host_manager is not login_manager:
            return  # LMS_LOGIN_MANAGER = "reuse", checked in _refuse_conflicts
        login_manager.init_app(app)
        configure_login_manager(login_manager)
        install_token_use_hooks(app)

    def _init_csrf(self, app: Flask) -> None:
        if "csrf" not in app.extensions:
            csrf.init_app(app)

    def _init_babel(self, app: Flask) -> None:
        from lms.core.i18n import select_locale, select_timezone

        app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["LMS_DEFAULT_LOCALE"])
        app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["LMS_TIMEZONE"])
        host_babel = app.extensions.get("babel")
        if host_babel is not None:
            if str(TRANSLATIONS_DIR) not in host_babel.translation_directories:
                host_babel.translation_directories.append(str(TRANSLATIONS_DIR))
            return
        babel.init_app(
            app,
            locale_selector=select_locale,
            timezone_selector=select_timezone,
            default_translation_directories=str(TRANSLATIONS_DIR),
        )


def _flask_default(config, key: str, value: Any) -> None:
    """``setdefault`` for a key Flask fills in itself: a host's own value still wins."""
    if key not in config or config[key] == Flask.default_config.get(key):
        config[key] = value


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers run beside a writer; the busy timeout makes writers wait, not fail."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
