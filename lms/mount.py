"""The ``LMS`` Flask extension: mounts the LMS on an app (``LMS(app)`` / ``init_app``).

It applies the settings' defaults, binds the database, login, CSRF, translations and
rate limits, then walks ``AREAS`` (lowest layer first): each area's ``init_area`` says
what it brings (``lms.core.areas``), and this module mounts it. The Flask extension
objects it binds (``db``, ``login_manager``…) are in ``lms/extensions.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from lms.accounts import area as accounts_area
from lms.accounts.auth import configure_login_manager, install_token_use_hooks
from lms.admin import area as admin_area
from lms.api import area as api_area
from lms.calendar import area as calendar_area
from lms.cli import lms_cli
from lms.conference import area as conference_area
from lms.core import area as core_area
from lms.core.areas import LMSState
from lms.core.converters import IdConverter
from lms.core.errors import register_error_handlers
from lms.core.folding import register_sqlite_functions
from lms.core.i18n import select_locale, select_timezone
from lms.core.queue import make_huey
from lms.core.security import install_request_guards
from lms.core.templating import page_translations, register_template_helpers
from lms.core.transactions import keep_prepared_statements
from lms.events import area as events_area
from lms.extensions import babel, csrf, db, limiter, login_manager, migrate
from lms.learning import area as learning_area
from lms.mail import area as mail_area
from lms.mail.outbox import install_outbox_hooks
from lms.paths import MIGRATIONS_DIR, TRANSLATIONS_DIR
from lms.registrations import area as registrations_area
from lms.settings import DEFAULTS

# The areas, lowest layer first: each may use those before it, never one after it.
AREAS = (
    core_area,
    mail_area,
    accounts_area,
    events_area,
    registrations_area,
    learning_area,
    calendar_area,
    conference_area,
    admin_area,
    api_area,
)

LANGUAGES = ("nb", "en")


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
        app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["LMS_REDIS_URL"] or "memory://")
        # A fixed window lets twice the limit through around its reset (the whole allowance
        # just before, again just after); a moving window counts the last period whole.
        app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
        limiter.init_app(app)

        prefix = app.config["LMS_URL_PREFIX"].rstrip("/")
        state = LMSState(url_prefix=prefix, standalone=self.standalone)
        app.extensions["lms"] = state

        for area in AREAS:
            area.init_area(app, state)
        _mount_blueprints(app, state)
        install_request_guards(app, state)
        register_error_handlers(app, state)
        register_template_helpers(app)
        for command in state.cli_commands:
            lms_cli.add_command(command)
        app.cli.add_command(lms_cli)
        state.huey = make_huey(app)

    def _set_defaults(self, app: Flask) -> None:
        config = app.config
        for key, value in DEFAULTS.items():
            config.setdefault(key, value)
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
        if app.extensions.get("sqlalchemy") is None:
            db.init_app(app)
        with app.app_context():
            for engine in db.engines.values():
                if engine.dialect.name == "sqlite":
                    event.listen(engine, "connect", _sqlite_pragmas)
                keep_prepared_statements(engine)
        if "migrate" not in app.extensions:
            migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)

        install_outbox_hooks()

    def _refuse_conflicts(self, app: Flask) -> None:
        """Refuse, before touching the app, what the LMS cannot share with a host."""
        if "lms" in app.extensions:
            raise RuntimeError("The LMS is already registered on this app.")
        _refuse_race_switches(app.config)
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


def _refuse_race_switches(config) -> None:
    """The registration lock stays on, and no race window is widened, unless the
    concurrency control test says it is running (``LMS_CONCURRENCY_TESTING``): in any
    other app, a host's included, those switches would let a rush overbook."""
    unlocked = not config.get("LMS_REGISTRATION_LOCKING", True)
    delayed = bool(config.get("LMS_DEBUG_RACE_DELAY", 0))
    if (unlocked or delayed) and not config.get("LMS_CONCURRENCY_TESTING", False):
        raise RuntimeError(
            "LMS_REGISTRATION_LOCKING and LMS_DEBUG_RACE_DELAY exist for the concurrency "
            "tests only: the registration lock stays on (unset them)."
        )


def _mount_blueprints(app: Flask, state: LMSState) -> None:
    """Register the blueprints the areas declared, under ``LMS_URL_PREFIX``."""
    app.url_map.converters.setdefault("lms_id", IdConverter)
    for blueprint, sub in state.mounts:
        app.register_blueprint(blueprint, url_prefix=f"{state.url_prefix}{sub}" or None)
        state.blueprints.append(blueprint.name)
        # On the app, keyed by blueprint: a blueprint object is shared by every app.
        app.template_context_processors.setdefault(blueprint.name, []).append(page_translations)


def _flask_default(config, key: str, value: Any) -> None:
    """``setdefault`` for a key Flask fills in itself: a host's own value still wins."""
    if key not in config or config[key] == Flask.default_config.get(key):
        config[key] = value


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers run beside a writer; the busy timeout makes writers wait, not fail;
    ``lms_lower`` folds every letter, as PostgreSQL's ``lower()`` does (core/folding.py)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    register_sqlite_functions(dbapi_connection)
