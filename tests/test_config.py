"""Configuration: ``config.py`` reads the environment, production refuses a weak secret key,
development keeps a generated one, and the extension's defaults never override a host."""

from __future__ import annotations

import stat

import pytest
from flask import Flask

import config
from lms import LMS, create_app
from lms.extensions import db
from lms.settings import DEFAULTS
from tests.conftest import database_url
from tests.conftest import test_config as lms_test_config

# Configuration only: the same on any database, so the SQLite pass runs it alone.
pytestmark = pytest.mark.pure

ENV_KEYS = (
    "LMS_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "LMS_BASE_URL",
    "LMS_TIMEZONE",
    "LMS_DEFAULT_LOCALE",
    "LMS_URL_PREFIX",
    "LMS_SMTP_HOST",
    "LMS_SMTP_PORT",
    "LMS_SMTP_USERNAME",
    "LMS_SMTP_PASSWORD",
    "LMS_SMTP_STARTTLS",
    "LMS_MAIL_FROM",
    "LMS_HUEY_PATH",
)
STRONG_KEY = "3f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7"


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment for ``config.py`` with its instance folder in ``tmp_path``."""
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "instance"))
    return monkeypatch


def dispose(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()


# --- production and development secret keys ------------------------------------------


@pytest.mark.parametrize("key", [None, "", "changeme", "dev", "   ", "short-but-not-secret"])
def test_production_refuses_a_missing_or_weak_secret_key(env, key):
    env.setenv("LMS_ENV", "production")
    if key is not None:
        env.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.ProductionConfig()
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()  # the standalone app does not start


def test_production_accepts_a_real_secret_key(env):
    env.setenv("SECRET_KEY", STRONG_KEY)
    settings = config.load_config("production")
    assert settings.SECRET_KEY == STRONG_KEY
    assert settings.SESSION_COOKIE_SECURE and settings.REMEMBER_COOKIE_SECURE


@pytest.mark.parametrize(
    ("name", "value"), [("LMS_REGISTRATION_LOCKING", "false"), ("LMS_DEBUG_RACE_DELAY", "0.5")]
)
def test_production_refuses_to_run_registrations_without_the_lock(env, name, value):
    """The switches of the concurrency control test would let a rush overbook."""
    env.setenv("SECRET_KEY", STRONG_KEY)
    env.setenv(name, value)
    env.setenv("LMS_CONCURRENCY_TESTING", "true")  # what the control test says
    env.setenv("LMS_ENV", "production")
    with pytest.raises(RuntimeError, match="registration lock"):
        create_app()  # production never runs the concurrency test
    env.setenv("LMS_ENV", "development")
    app = create_app()  # the control test runs there
    assert app.config["LMS_REGISTRATION_LOCKING"] is False or app.config["LMS_DEBUG_RACE_DELAY"]


def test_development_generates_a_key_under_instance_and_keeps_it(env, tmp_path):
    key_file = tmp_path / "instance" / "secret_key"
    assert not key_file.exists()
    first = config.load_config("development").SECRET_KEY
    assert key_file.read_text().strip() == first
    assert len(first) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first == config.load_config("development").SECRET_KEY  # survives a restart

    app = create_app()
    assert app.secret_key == first
    assert app.instance_path == str(tmp_path / "instance")
    dispose(app)


def test_development_uses_secret_key_from_environment(env, tmp_path):
    env.setenv("SECRET_KEY", STRONG_KEY)
    assert config.load_config("development").SECRET_KEY == STRONG_KEY
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_unknown_environment_is_refused(env):
    env.setenv("LMS_ENV", "staging")
    with pytest.raises(RuntimeError, match="staging"):
        config.load_config()


# --- values from the environment ------------------------------------------------------


def test_defaults_without_environment(env, tmp_path):
    settings = config.load_config("development")
    instance = tmp_path / "instance"
    assert f"sqlite:///{instance / 'lms.sqlite3'}" == settings.SQLALCHEMY_DATABASE_URI
    assert settings.LMS_REDIS_URL == ""
    assert settings.LMS_TIMEZONE == "Europe/Oslo"
    assert str(instance / "huey.sqlite3") == settings.LMS_HUEY_PATH
    assert settings.SESSION_COOKIE_SECURE is False


def test_environment_values_reach_the_app(env):
    env.setenv("SECRET_KEY", STRONG_KEY)
    env.setenv("DATABASE_URL", database_url())
    env.setenv("REDIS_URL", "redis://cache.example:6379/3")
    env.setenv("LMS_TIMEZONE", "America/New_York")
    env.setenv("LMS_BASE_URL", "https://kurs.anskaffelser.no")
    env.setenv("LMS_SMTP_HOST", "smtp.example.no")
    env.setenv("LMS_SMTP_PORT", "587")
    env.setenv("LMS_SMTP_STARTTLS", "true")
    env.setenv("LMS_MAIL_FROM", "Kurs <kurs@anskaffelser.no>")
    settings = config.load_config("development")
    assert database_url() == settings.SQLALCHEMY_DATABASE_URI
    assert settings.LMS_REDIS_URL == "redis://cache.example:6379/3"
    assert settings.LMS_SMTP_PORT == 587 and settings.LMS_SMTP_STARTTLS is True

    env.setenv("LMS_ENV", "production")
    app = create_app()
    try:
        assert app.config["SQLALCHEMY_DATABASE_URI"] == database_url()
        assert app.config["LMS_REDIS_URL"] == "redis://cache.example:6379/3"
        assert app.config["RATELIMIT_STORAGE_URI"] == "redis://cache.example:6379/3"
        assert app.config["LMS_TIMEZONE"] == "America/New_York"
        assert app.config["BABEL_DEFAULT_TIMEZONE"] == "America/New_York"
        assert app.config["LMS_SMTP_HOST"] == "smtp.example.no"
        assert app.config["SESSION_COOKIE_SECURE"] is True
    finally:
        dispose(app)


# --- the extension's defaults never override a host -----------------------------------


def host_app(tmp_path, **settings) -> Flask:
    app = Flask(__name__, instance_path=str(tmp_path / "host-instance"))
    app.config.update(lms_test_config(**settings))
    return app


def test_a_hosts_own_values_win_over_the_defaults(migrated_database, tmp_path):
    own = {
        "LMS_SITE_NAME": "Host Academy",
        "LMS_TIMEZONE": "UTC",
        "LMS_MAIL_MAX_ATTEMPTS": 3,
        "LMS_DEFAULT_LOCALE": "en",
        "SESSION_COOKIE_SAMESITE": "Strict",
        "MAX_CONTENT_LENGTH": 1024,
    }
    app = host_app(tmp_path, **own)
    LMS(app)
    try:
        for key, value in own.items():
            assert app.config[key] == value, key
        chosen = set(own) | set(lms_test_config()) | {"LMS_HUEY_PATH"}  # a path, see below
        for key, value in DEFAULTS.items():  # every other key has its default
            if key not in chosen:
                assert app.config[key] == value, key
    finally:
        dispose(app)


def test_flask_prefilled_keys_still_get_the_lms_defaults(migrated_database, tmp_path):
    """Flask fills SESSION_COOKIE_SAMESITE and MAX_CONTENT_LENGTH itself; the LMS's
    values must still apply when the host did not choose its own."""
    app = host_app(tmp_path)
    LMS(app)
    try:
        assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
        assert app.config["SESSION_COOKIE_HTTPONLY"] is True
        assert app.config["MAX_CONTENT_LENGTH"] == 5 * 1024 * 1024
        assert app.config["LMS_HUEY_PATH"] == str(tmp_path / "host-instance" / "huey.sqlite3")
    finally:
        dispose(app)


@pytest.mark.parametrize(
    ("base_url", "secure"), [("https://kurs.example", True), ("http://x", False)]
)
def test_session_cookie_is_secure_behind_https(migrated_database, tmp_path, base_url, secure):
    app = create_app(lms_test_config(LMS_BASE_URL=base_url))
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is secure
        assert app.config["REMEMBER_COOKIE_SECURE"] is secure
        with app.app_context():
            cookie = app.test_client().get("/login").headers["Set-Cookie"]
        assert ("; Secure" in cookie) is secure
        assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
    finally:
        dispose(app)


def test_trusted_proxies_make_rate_limits_count_the_real_client():
    """Behind a proxy, X-Forwarded-For decides the address (and only when configured)."""
    from lms import create_app
    from tests.conftest import test_config

    seen = {}

    def build(proxies):
        app = create_app(test_config(LMS_TRUSTED_PROXIES=proxies))

        @app.get("/whoami")
        def whoami():
            from flask import request

            seen["addr"] = request.remote_addr
            return ""

        return app

    headers = {"X-Forwarded-For": "203.0.113.7"}
    build(1).test_client().get("/whoami", headers=headers)
    assert seen["addr"] == "203.0.113.7"
    build(0).test_client().get("/whoami", headers=headers)
    assert seen["addr"] != "203.0.113.7"


def test_links_follow_what_make_run_serves(env):
    """Unset, LMS_BASE_URL leaves links to the request's address; `make run` sets it from
    PORT for the server and its worker, so mail the worker sends links there too."""
    assert config.load_config("development").LMS_BASE_URL == ""
    makefile = (config.BASE_DIR / "Makefile").read_text()
    assert "RUN_URL := $(or $(LMS_BASE_URL),http://127.0.0.1:$(PORT))" in makefile
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "export LMS_BASE_URL='$(RUN_URL)'" in recipe
    assert "$(FLASK) lms worker" in recipe and "--port $(PORT)" in recipe
