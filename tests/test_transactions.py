"""A transaction that wrote nothing ends with COMMIT on PostgreSQL, so psycopg keeps its
prepared statements; anything that may have written, or failed, is still rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.exc import DataError, OperationalError

from lms.core.transactions import _commit_if_nothing_was_written, may_change_state
from lms.events.models import Network, Offering
from lms.extensions import db


@pytest.mark.pure
@pytest.mark.parametrize(
    ("statement", "may_write"),
    [
        ("SELECT 1", False),
        ("  select updated_at, status FROM lms_offerings WHERE id = %(id)s", False),
        ("WITH page AS (SELECT id FROM t) SELECT * FROM page", False),
        ("SELECT id FROM t WHERE id = 1 FOR UPDATE", True),
        ("SELECT id FROM t FOR NO KEY UPDATE", True),
        ("SELECT id FROM t for share", True),
        ("SELECT id FROM t FOR KEY SHARE", True),
        ("WITH r AS (INSERT INTO t (a) VALUES (1) RETURNING id) SELECT id FROM r", True),
        ("WITH d AS (DELETE FROM t RETURNING id) SELECT count(*) FROM d", True),
        ("SELECT * INTO t2 FROM t", True),
        ("SELECT set_config('statement_timeout', '5s', false)", True),
        ("SELECT nextval('t_id_seq')", True),
        ("SELECT pg_advisory_lock(1)", True),
        ("SELECT pg_notify('c', 'x')", True),
        ("SET statement_timeout = '5s'", True),
        ("UPDATE t SET a = 1", True),
        ("INSERT INTO t VALUES (1)", True),
        ("CREATE TABLE t (a int)", True),
        (";", True),
        ("", True),
    ],
)
def test_only_a_plain_read_counts_as_writing_nothing(statement, may_write):
    assert may_change_state(statement) is may_write


def prepared_statements(connection) -> int:
    return connection.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar()


def read_offerings(connection) -> None:
    connection.execute(select(Offering.id).where(Offering.status == "published")).all()


@pytest.fixture
def postgresql(app):
    """The hook exists for psycopg only; on SQLite, check that it stays out of the way."""
    if db.engine.dialect.name != "postgresql":
        assert not event.contains(db.engine, "rollback", _commit_if_nothing_was_written)
        return None
    assert event.contains(db.engine, "rollback", _commit_if_nothing_was_written)
    return db.engine


def test_a_read_only_transaction_keeps_the_plans(postgresql):
    if postgresql is None:
        return
    with postgresql.connect() as connection:
        for _ in range(6):  # psycopg prepares a statement on its fifth run
            read_offerings(connection)
            connection.rollback()  # what closing a request's session does
        assert prepared_statements(connection) >= 1


def test_the_control_a_rolled_back_write_forgets_the_plans(postgresql):
    """Shows the test above can fail: psycopg drops its plans on a real ROLLBACK."""
    if postgresql is None:
        return
    with postgresql.connect() as connection:
        for _ in range(6):
            read_offerings(connection)
            connection.execute(text("UPDATE lms_offerings SET title = title WHERE id = -1"))
            connection.rollback()
        assert prepared_statements(connection) == 0


def test_a_write_is_still_rolled_back(postgresql):
    if postgresql is None:
        return
    with postgresql.connect() as connection:
        read_offerings(connection)
        connection.execute(insert(Network).values(name="Rolled back"))
        connection.rollback()
        assert connection.exec_driver_sql("SELECT count(*) FROM lms_networks").scalar() == 0


@pytest.mark.parametrize(
    "change",
    ["SET statement_timeout = '7s'", "SELECT set_config('statement_timeout', '7s', false)"],
)
def test_a_setting_changed_in_the_transaction_is_rolled_back(postgresql, change):
    if postgresql is None:
        return
    with postgresql.connect() as connection:
        before = connection.exec_driver_sql("SHOW statement_timeout").scalar()
        connection.exec_driver_sql(change)
        connection.rollback()
        assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == before != "7s"


def test_a_failed_read_is_rolled_back_and_the_connection_reused(postgresql):
    if postgresql is None:
        return
    with postgresql.connect() as connection:
        with pytest.raises(DataError):
            connection.exec_driver_sql("SELECT 1 / 0")
        connection.rollback()
        assert connection.exec_driver_sql("SELECT 2").scalar() == 2


def test_read_only_requests_keep_the_plans(postgresql, client):
    """End to end, through Flask-SQLAlchemy closing each request's session: after six
    catalogue pages the connection still holds prepared statements. (On SQLite: the pages
    answer.)"""
    if postgresql is not None:
        postgresql.dispose()  # one connection, reused by every request below
    for _ in range(6):
        assert client.get("/events").status_code == 200
    if postgresql is not None:
        with postgresql.connect() as connection:
            assert prepared_statements(connection) >= 1


def read_then_lose_the_line(engine, connection) -> None:
    """Read in a transaction, then have the server end that connection's backend."""
    read_offerings(connection)
    pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with engine.connect() as other:
        other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")


def test_a_connection_lost_during_a_read_fails_as_it_would_without_the_hook(postgresql):
    """The COMMIT tried first must not hide or change what a lost connection does."""
    if postgresql is None:
        return
    with postgresql.connect() as connection:
        read_then_lose_the_line(postgresql, connection)
        with pytest.raises(OperationalError):  # what SQLAlchemy's rollback says of a lost line
            connection.rollback()
        assert connection.invalidated
    with postgresql.connect() as fresh:
        assert fresh.exec_driver_sql("SELECT 1").scalar() == 1


def test_a_connection_found_lost_by_a_read_is_rolled_back_as_usual(postgresql):
    """Once a statement has found the line dead, SQLAlchemy has invalidated the connection:
    its rollback must then just reset the transaction, with no COMMIT tried first."""
    if postgresql is None:
        return
    with postgresql.connect() as connection:
        read_then_lose_the_line(postgresql, connection)
        with pytest.raises(OperationalError):
            read_offerings(connection)
        assert connection.invalidated
        connection.rollback()
        assert connection.exec_driver_sql("SELECT 3").scalar() == 3  # reconnected
