"""Test fixtures: an app on a migrated database (SQLite, or PostgreSQL when
``LMS_TEST_DATABASE_URL`` is set), a client, factories, a login helper, a SQL
query counter, a real SMTP server, and a guard against real outside mail."""

from __future__ import annotations

import os
import re
import smtplib
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

import jinja2
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

from lms import create_app
from lms.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("LMS_TEST_DATABASE_URL", "")
TEST_PASSWORD = "correct horse battery"
# Kept in the environment so a second import of this file (``from tests.conftest import …``
# loads it again under another name) and subprocesses use the same SQLite file.
if "LMS_TEST_TMP" not in os.environ:
    os.environ["LMS_TEST_TMP"] = tempfile.mkdtemp(prefix="lms-tests-")
_SESSION_TMP = Path(os.environ["LMS_TEST_TMP"])


def pytest_report_header(config):
    return f"LMS database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


def database_url() -> str:
    return PG_URL or f"sqlite:///{_SESSION_TMP / 'lms.sqlite3'}"


def test_config(**overrides) -> dict:
    """The settings every test app gets; cheap password hashing, immediate huey."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-to-pass",
        "SQLALCHEMY_DATABASE_URI": database_url(),
        "LMS_BASE_URL": "http://lms.test",
        "LMS_ARGON2_TIME_COST": 1,
        "LMS_ARGON2_MEMORY_COST": 1024,
        "LMS_ARGON2_PARALLELISM": 1,
        "LMS_HUEY_IMMEDIATE": True,
        "LMS_SMTP_HOST": "",
        "RATELIMIT_STORAGE_URI": "memory://",
        "LMS_MAIL_FROM": "LMS test <noreply@lms.test>",
    }
    config.update(overrides)
    return config


def _reset_postgres_schema(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    except sa.exc.OperationalError as error:
        pytest.exit(f"LMS_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {error}", 2)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def migrated_database() -> str:
    """Make the schema once per run, the way production does: Alembic revisions only."""
    if IN_CI and os.environ.get("LMS_TEST_DB") == "postgresql" and not PG_URL:
        pytest.exit("CI asked for the PostgreSQL run but LMS_TEST_DATABASE_URL is not set", 2)
    url = database_url()
    if PG_URL:
        _reset_postgres_schema(url)
    app = create_app(test_config())
    with app.app_context():
        from lms.migrations_runner import upgrade

        upgrade()
        db.engine.dispose()
    return url


def _clean_tables() -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the whole test run."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CACHE = _MemoryBytecodeCache()


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Without this, requests reuse the test's app context and share ``g``, the
    Babel locale and the database session with the test and with each other,
    which hides bugs. Work the test did in its own session is committed first,
    so the request sees it; afterwards the test's objects are expired, so the
    test reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def app(migrated_database):
    """A fresh app on the migrated database; every table is emptied afterwards.

    The test body runs inside an app context (for factories and services);
    client requests get their own (see ``IsolatedClient``).
    """
    application = create_app(test_config())
    application.test_client_class = IsolatedClient
    # Every test builds a new app; sharing compiled templates saves most of the run time.
    application.jinja_env.bytecode_cache = _TEMPLATE_CACHE
    with application.app_context():
        yield application
        db.session.remove()
        _clean_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """Fetch ``path`` and return the CSRF token from its form."""
    response = client.get(path)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


def post_form(client, path: str, data: dict, form_page: str | None = None, **kwargs):
    """POST ``data`` with a valid CSRF token taken from ``form_page`` (default ``path``)."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


class Factory:
    """Makes rows for tests, committed, with sensible defaults."""

    def __init__(self) -> None:
        self._count = 0

    def user(
        self,
        email: str | None = None,
        *,
        roles=(),
        verified=True,
        password=TEST_PASSWORD,
        language="nb",
        name=None,
    ):
        from lms.accounts import services

        self._count += 1
        email = email or f"user{self._count}@example.no"
        user = services.create_user(
            email,
            password,
            name or f"Test Person {self._count}",
            organisation="Testkommune",
            language=language,
            roles=tuple(roles),
            verified=verified,
        )
        db.session.commit()
        return user


@pytest.fixture
def factory(app) -> Factory:
    return Factory()


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in through the real form."""

    def do_login(user, password: str = TEST_PASSWORD, remember: bool = False):
        data = {"email": user.email, "password": password}
        if remember:
            data["remember"] = "y"
        response = post_form(client, "/login", data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do_login


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter:`` counts SQL statements sent to the database."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counting


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailSink:
    """Keeps what the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 OK"


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a free local port; can be stopped and restarted."""

    def __init__(self) -> None:
        self.port = free_port()
        self.sink = MailSink()
        self.controller = None

    @property
    def messages(self):
        return self.sink.messages

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


ALLOWED_SMTP_PORTS: set[int] = set()


@pytest.fixture
def smtp_server(app):
    """Start a real SMTP server and point the app at it."""
    server = SmtpServer()
    server.start()
    ALLOWED_SMTP_PORTS.add(server.port)
    app.config.update(LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT=server.port)
    yield server
    server.stop()
    ALLOWED_SMTP_PORTS.discard(server.port)


@pytest.fixture(autouse=True)
def forbid_outside_smtp(monkeypatch):
    """Fail any test whose code tries to talk SMTP to anything but the test server."""
    real_connect = smtplib.SMTP.connect

    def guarded_connect(self, host="localhost", port=0, source_address=None):
        if host not in ("127.0.0.1", "localhost") or int(port) not in ALLOWED_SMTP_PORTS:
            pytest.fail(f"test tried to reach a real SMTP server at {host}:{port}")
        return real_connect(self, host, port, source_address)

    monkeypatch.setattr(smtplib.SMTP, "connect", guarded_connect)
