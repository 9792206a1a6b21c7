"""Background work: a real huey consumer (SqliteHuey, and RedisHuey when ``REDIS_URL`` is
set) delivers committed mail to a real SMTP server; the periodic sweep is registered and
finds mail whose queue message was lost; rate-limit counts are shared through Redis."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime

import pytest
import redis
from huey import RedisHuey, SqliteHuey
from huey.api import PeriodicTask
from sqlalchemy import select

from lms.accounts import services
from lms.core.queue import make_huey
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.paths import PROJECT_DIR
from tests.conftest import IN_CI, database_url, one_at_a_time, post_form

REDIS_URL = os.environ.get("REDIS_URL", "")


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02):
    """Poll ``predicate`` until it is truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {predicate.__doc__ or predicate}")


def row_status(message_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == message_id))


@pytest.fixture
def redis_url():
    """The Redis of ``REDIS_URL``, emptied before and after; in CI its absence is a failure.

    Tests on Redis run one at a time across xdist workers: they share one Redis database.
    """
    if not REDIS_URL:
        if IN_CI:
            pytest.fail("CI=true but REDIS_URL is not set: the Redis tests cannot be skipped")
        pytest.skip("REDIS_URL is not set")
    with one_at_a_time("redis"):
        client = redis.Redis.from_url(REDIS_URL)
        try:
            client.flushdb()
        except redis.RedisError as error:
            pytest.fail(f"REDIS_URL={REDIS_URL} is set but Redis is unreachable: {error}")
        yield REDIS_URL
        client.flushdb()
        client.close()


@pytest.fixture(params=["sqlite", "redis"])
def huey(request, app, tmp_path):
    """The app's queue as production builds it (not immediate): SqliteHuey or RedisHuey."""
    app.config.update(LMS_HUEY_IMMEDIATE=False, LMS_HUEY_PATH=str(tmp_path / "huey.sqlite3"))
    if request.param == "redis":
        app.config["LMS_REDIS_URL"] = request.getfixturevalue("redis_url")
    queue = make_huey(app)
    app.extensions["lms"].huey = queue
    assert isinstance(queue, RedisHuey if request.param == "redis" else SqliteHuey)
    yield queue
    queue.storage.close()
    if isinstance(queue, RedisHuey):
        queue.storage.conn.close()


def test_the_sqlite_queue_commits_without_waiting_for_the_disk(app, tmp_path):
    """``synchronous=NORMAL`` as the LMS database has: no fsync per enqueue, and WAL keeps
    the file whole after a crash (a lost enqueue is what the outbox sweep is for)."""
    app.config.update(LMS_HUEY_IMMEDIATE=False, LMS_HUEY_PATH=str(tmp_path / "huey.sqlite3"))
    queue = make_huey(app)
    try:
        connection = queue.storage.conn
        assert connection.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL
        assert connection.execute("pragma journal_mode").fetchone()[0] == "wal"
    finally:
        queue.storage.close()


@contextmanager
def running_consumer(queue, periodic: bool = False):
    """Run huey's own consumer (worker threads and scheduler) while the block runs."""
    consumer = queue.create_consumer(
        workers=2,
        worker_type="thread",
        periodic=periodic,
        initial_delay=0.02,
        backoff=1.0,
        max_delay=0.05,
    )
    # Signal handlers belong to pytest's main thread; the workers themselves are real.
    consumer._set_signal_handlers = lambda: None
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)


def test_consumer_delivers_committed_mail(app, factory, smtp_server, huey):
    user = factory.user(language="en")
    services.send_verification(user)
    db.session.commit()
    [message] = db.session.scalars(select(OutboxMessage)).all()
    message_id, stable_id = message.id, message.message_id
    assert message.rendered_at is None and message.subject == ""

    # Committed and queued, but nothing is sent until a worker runs.
    assert huey.pending_count() == 1
    assert row_status(message_id) == "pending" and smtp_server.messages == []

    with running_consumer(huey):
        wait_for(lambda: row_status(message_id) == "sent")
    [mail] = smtp_server.messages
    assert mail["Message-ID"] == stable_id
    assert mail["To"] == user.email
    # The request queued only the row; the worker rendered it, in the user's language.
    assert mail["Subject"] == "Confirm your e-mail address"
    assert "http://lms.test/verify/" in mail.get_body(preferencelist=("plain",)).get_content()
    assert huey.pending_count() == 0


def test_sweep_is_a_registered_periodic_task(app, huey):
    registered = set(huey._registry._registry.values())
    sweep_class = huey.lms_tasks["sweep_outbox"].task_class
    assert {sweep_class, huey.lms_tasks["deliver_mail"].task_class} <= registered
    assert issubclass(sweep_class, PeriodicTask)
    # The scheduler asks read_periodic every minute; the sweep is due at any minute.
    for minute in (0, 17, 59):
        due = huey.read_periodic(datetime(2026, 11, 26, 9, minute))
        assert sweep_class in [type(task) for task in due]


def test_periodic_sweep_finds_mail_whose_queue_message_was_lost(app, factory, smtp_server, huey):
    user = factory.user()
    services.send_verification(user)
    db.session.commit()
    [message_id] = db.session.scalars(select(OutboxMessage.id)).all()
    huey.flush()  # the queue loses the delivery message (a crash, a flushed Redis…)
    assert huey.pending_count() == 0

    with running_consumer(huey):
        assert row_status(message_id) == "pending"
        huey.lms_tasks["sweep_outbox"]()  # what the scheduler enqueues every minute
        wait_for(lambda: row_status(message_id) == "sent")
    assert len(smtp_server.messages) == 1


@pytest.fixture
def sqlite_huey(app, tmp_path):
    path = tmp_path / "huey.sqlite3"
    app.config.update(LMS_HUEY_IMMEDIATE=False, LMS_HUEY_PATH=str(path), LMS_REDIS_URL="")
    app.extensions["lms"].huey = make_huey(app)
    return path


@pytest.mark.slow
def test_flask_lms_worker_command_delivers_mail(app, factory, smtp_server, sqlite_huey, tmp_path):
    """``flask lms worker`` (what ``make run`` starts) in its own process."""
    user = factory.user()
    services.send_verification(user)
    db.session.commit()
    [message_id] = db.session.scalars(select(OutboxMessage.id)).all()

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DATABASE_URL") and not key.startswith("LMS_SMTP")
    }
    env.update(
        LMS_ENV="development",
        SECRET_KEY="worker-test-secret-key-long-enough-0123456789",
        DATABASE_URL=database_url(),
        LMS_INSTANCE_PATH=str(tmp_path / "instance"),
        LMS_HUEY_PATH=str(sqlite_huey),
        LMS_SMTP_HOST="127.0.0.1",
        LMS_SMTP_PORT=str(smtp_server.port),
        LMS_MAIL_FROM=app.config["LMS_MAIL_FROM"],
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "lms", "worker", "--workers", "1"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: row_status(message_id) == "sent" or worker.poll() is not None, 30)
        assert worker.poll() is None, worker.stdout.read()
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            output, _ = worker.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert row_status(message_id) == "sent", output
    assert len(smtp_server.messages) == 1
    assert "lms.deliver_mail" in output  # huey's log names the task it ran


# --- rate limits shared by several workers through Redis ------------------------------

_OTHER_WORKER = """
import json, sys
sys.path.insert(0, "tests")  # as pytest puts it for the tests' own helper modules
from lms import create_app
from tests.conftest import post_form, test_config

config = test_config(LMS_REDIS_URL=sys.argv[1], LMS_LOGIN_ACCOUNT_RATE_LIMIT=sys.argv[3])
config.pop("RATELIMIT_STORAGE_URI")
app = create_app(config)
with app.app_context():
    client = app.test_client()
    data = {"email": sys.argv[2], "password": "wrong password"}
    print(json.dumps([post_form(client, "/login", data).status_code]))
"""


# Limits count in fixed windows; a day-long one cannot roll over between the two
# processes' attempts (a minute-long one did, when the second process was slow to start).
ACCOUNT_LIMIT = "5 per day"


def test_login_rate_limit_is_shared_through_redis(redis_url, migrated_database):
    """Two app instances (as two gunicorn workers would be) count login attempts together."""
    from lms import create_app
    from tests.conftest import test_config

    config = test_config(LMS_REDIS_URL=redis_url, LMS_LOGIN_ACCOUNT_RATE_LIMIT=ACCOUNT_LIMIT)
    config.pop("RATELIMIT_STORAGE_URI")  # the LMS derives it from REDIS_URL
    app = create_app(config)
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
    email = "target@example.no"
    with app.app_context():
        client = app.test_client()
        data = {"email": email, "password": "wrong password"}
        # The account limit is 5 (as in the other worker); a wrong password answers 400.
        statuses = [post_form(client, "/login", data).status_code for _ in range(5)]
        db.session.remove()
        db.engine.dispose()
    assert statuses == [400] * 5

    other = subprocess.run(
        [sys.executable, "-c", _OTHER_WORKER, redis_url, email, ACCOUNT_LIMIT],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert other.returncode == 0, other.stderr
    assert json.loads(other.stdout.strip().splitlines()[-1]) == [429]
