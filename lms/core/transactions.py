"""On PostgreSQL, end a transaction that wrote nothing with COMMIT instead of ROLLBACK.

Why: psycopg forgets every prepared statement when a transaction is rolled back (it sends
``DEALLOCATE ALL``), and a page that only reads ends with a rollback: Flask-SQLAlchemy
closes the request's session, and closing rolls back. So on a busy site no statement a
GET runs ever reaches psycopg's prepare threshold, and PostgreSQL parses and plans the
catalogue's query afresh on every request. For a transaction that changed nothing, COMMIT
and ROLLBACK leave the database in the same state; COMMIT keeps the plans.

"Wrote nothing" is decided on the client, conservatively: every statement of the
transaction was a plain ``SELECT`` (or ``WITH … SELECT``) with no row lock, no ``INTO`` and
no call that changes state (``set_config``, sequences, advisory locks). Anything else (an
INSERT, a CTE that writes, ``SET``, DDL, a statement of unknown kind) makes the rollback a
real one, as does a transaction that failed. A read wrongly taken for a write only costs
the plans. The one write this cannot see is a SELECT of a function that writes, and the
LMS defines none.
"""

from __future__ import annotations

import re
from contextlib import suppress
from functools import lru_cache

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

WROTE = "lms.transaction_wrote"

_READS_ONLY = re.compile(r"\s*(?:SELECT|WITH)\b", re.IGNORECASE)
_STATE_CHANGE = re.compile(
    r"\b(?:INSERT|UPDATE|DELETE|MERGE|INTO|FOR\s+(?:NO\s+KEY\s+)?UPDATE|FOR\s+(?:KEY\s+)?SHARE"
    r"|set_config|nextval|setval|pg_advisory\w*|lo_\w+|pg_notify|dblink\w*)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)  # the compiled-statement cache hands back the same strings
def may_change_state(statement: str) -> bool:
    """False only for a statement that certainly reads and nothing else."""
    return _READS_ONLY.match(statement) is None or _STATE_CHANGE.search(statement) is not None


def _transaction_began(connection: Connection) -> None:
    connection.info[WROTE] = False


def _statement_sent(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    if not connection.info.get(WROTE, True) and may_change_state(statement):
        connection.info[WROTE] = True


def _commit_if_nothing_was_written(connection: Connection) -> None:
    """Runs just before the DBAPI rollback: committing first leaves that rollback nothing
    to do (psycopg skips ROLLBACK on an idle connection, and with it DEALLOCATE ALL)."""
    if connection.invalidated or connection.closed:
        return  # a lost line: asking for its DBAPI connection would try to reconnect
    if connection.info.get(WROTE, True):
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is None or dbapi_connection.info.transaction_status != (
        TransactionStatus.INTRANS
    ):
        return  # idle (nothing to end) or failed (only a rollback may end it)
    # A connection lost just now fails here; the rollback that follows deals with it as usual.
    with suppress(psycopg.Error):
        dbapi_connection.commit()


def keep_prepared_statements(engine: Engine) -> None:
    """Install the three listeners on a PostgreSQL (psycopg) engine; idempotent."""
    if engine.dialect.driver != "psycopg" or event.contains(
        engine, "rollback", _commit_if_nothing_was_written
    ):
        return
    event.listen(engine, "begin", _transaction_began)
    event.listen(engine, "before_cursor_execute", _statement_sent)
    event.listen(engine, "rollback", _commit_if_nothing_was_written)
