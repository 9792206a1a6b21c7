"""Test fixtures: an app on a migrated database (SQLite, or PostgreSQL when
``LMS_TEST_DATABASE_URL`` is set), a client, factories, a login helper, a SQL
query counter, a real SMTP server, and a guard against real outside mail."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import smtplib
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

import jinja2
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from factories import TEST_PASSWORD, Factory, make
from flask.testing import FlaskClient

from lms import create_app
from lms.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
# pytest-xdist runs the suite in worker processes gw0, gw1, … side by side; each gets its
# own SQLite file, folder and PostgreSQL database. Subprocesses a test starts inherit the
# variable, so they find the same ones.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _worker_url(url: str) -> str:
    """``…/test`` becomes ``…/test_gw0`` in worker gw0; unchanged outside xdist."""
    if not url or not WORKER:
        return url
    parsed = sa.engine.make_url(url)
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(hide_password=False)


PG_URL = _worker_url(os.environ.get("LMS_TEST_DATABASE_URL", ""))
# Kept in the environment so a second import of this file (``from tests.conftest import …``
# loads it again under another name), xdist's workers and subprocesses share one folder.
# Only the process that made it removes it, at the end of its session.
if "LMS_TEST_TMP" not in os.environ:
    os.environ["LMS_TEST_TMP"] = tempfile.mkdtemp(prefix="lms-tests-")
    os.environ["LMS_TEST_TMP_OWNER"] = str(os.getpid())
_SESSION_TMP = (
    Path(os.environ["LMS_TEST_TMP"]) / WORKER if WORKER else Path(os.environ["LMS_TEST_TMP"])
)
_SESSION_TMP.mkdir(exist_ok=True)


@contextmanager
def one_at_a_time(name: str):
    """Hold a lock shared by every xdist worker of this run: for tests that use something
    outside the worker's own database and folder (one Redis database, emptied per test)."""
    with (Path(os.environ["LMS_TEST_TMP"]) / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --- how the suite is split (docs/ARCHITECTURE.md, "How the suite is split") ----------------
# `make test` runs two passes: SQLite (`-m "not browser"`) and PostgreSQL (`-m "not pure"`).
# A test runs in both unless it is marked ``pure`` (its result cannot depend on the
# database: exporters, parsers, catalogues) or ``browser`` (Chromium, PostgreSQL only).


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every browser test is slow; added before ``-m`` deselects, so ``-m "not slow"``
    leaves them out."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


_PASS_NEEDS = "browser" if os.environ.get("LMS_TEST_DB") == "postgresql" else "pure"
_ran_what_the_pass_needs = False


def pytest_runtest_logreport(report):
    """Note whether a test this pass exists for ran (reports from xdist workers carry
    their markers as keywords)."""
    global _ran_what_the_pass_needs
    if report.when == "call" and _PASS_NEEDS in report.keywords:
        _ran_what_the_pass_needs = True


def _fail_a_pass_without_its_tests(session, exitstatus) -> None:
    """In CI, a pass that leaves out what it exists for is a broken pass, not a green one:
    the PostgreSQL pass must run the browser tests, the SQLite pass the pure ones."""
    if not IN_CI or WORKER or _ran_what_the_pass_needs or exitstatus != pytest.ExitCode.OK:
        return
    name = "PostgreSQL" if _PASS_NEEDS == "browser" else "SQLite"
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line(
            f"CI=true: the {name} pass ran no '{_PASS_NEEDS}' test; see 'How the suite is "
            "split' in docs/ARCHITECTURE.md",
            red=True,
        )
    session.exitstatus = pytest.ExitCode.USAGE_ERROR


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test marked ``pure`` runs in one pass only, so it must not reach the database:
    it fails if its body sends any SQL (fixtures' set-up and clean-up are not counted)."""
    if item.get_closest_marker("pure") is None:
        return (yield)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        result = yield
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    if statements:
        pytest.fail(
            f"marked pure but sent SQL, so it must run on both databases: drop the mark "
            f"({len(statements)} statements, first: {statements[0][:120]!r})",
            pytrace=False,
        )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may be skipped: a skip there means a part of the setup is missing
    (PostgreSQL, Redis, Chromium, node), and the run must say so by failing."""
    report = yield
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (CI=true: nothing may be skipped): {reason}"
    return report


def pytest_report_header(config):
    return f"LMS database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """Fail a CI pass that ran none of its own tests; remove the run's folder (under xdist
    the controller does, after every worker ended)."""
    _fail_a_pass_without_its_tests(session, exitstatus)
    if os.environ.get("LMS_TEST_TMP_OWNER") == str(os.getpid()):
        shutil.rmtree(os.environ["LMS_TEST_TMP"], ignore_errors=True)


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


def _create_postgres_database(url: str) -> None:
    """Create a worker's database (``test_gw0``…) through the ``postgres`` maintenance
    database the first time; later runs reuse it."""
    target = sa.engine.make_url(url)
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            )
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    except sa.exc.OperationalError as error:
        pytest.exit(f"LMS_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {error}", 2)
    finally:
        engine.dispose()


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
        if WORKER:
            _create_postgres_database(url)
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


def _share_url_builders() -> None:
    """Compile each URL rule's builder once per run instead of once per test app.

    Werkzeug generates and compiles Python code for every rule of every new app, which
    was two thirds of ``create_app``'s CPU time, paid again by every test. The generated
    function depends only on the rule's text, its parts and ``append_unknown``, and takes
    the rule as its first argument, so rules of later apps can reuse it. Rules whose
    defaults fill a part of the URL (the converter then shapes the code) are compiled as
    usual.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    if getattr(compile_builder, "shared", False):  # this file imported a second time
        return
    builders: dict = {}

    def shared_builder(self, append_unknown: bool = True):
        defaults = self.defaults or {}
        if any(dynamic and part in defaults for dynamic, part in self._trace):
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), tuple(defaults), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    shared_builder.shared = True
    Rule._compile_builder = shared_builder


_share_url_builders()


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


@pytest.fixture
def factory(app) -> Factory:
    """The one test factory (``tests/factories.py``): users, offerings, sessions, mail."""
    return make


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
