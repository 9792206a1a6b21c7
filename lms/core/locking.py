"""Serialise the writers of one row for the rest of the transaction: the one way every
area takes a write lock (registrations lock an offering, learning an attempt).

PostgreSQL: ``SELECT … FOR UPDATE`` on the row, inside the request's transaction, with a
lock timeout so a stuck writer cannot hang everyone. SQLite has no row locks: the write
transaction starts with ``BEGIN IMMEDIATE``, which takes the database's write lock up front
(others wait on the busy timeout). Either way, anything read *after* the lock sees every
change committed before it, so the caller reads (or re-counts) only then.
"""

from __future__ import annotations

from sqlalchemy import Select, Table, bindparam, func, select

from lms.extensions import db

LOCK_TIMEOUT = "10s"  # a writer stuck longer than this fails rather than hang everyone
_statements: dict[str, Select] = {}


def lock_row(table: Table, row_id: int) -> None:
    """Take the write lock of ``table``'s row ``row_id`` (its ``id``); read nothing."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_lock_statement(table), {"id": row_id})
    elif connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _lock_statement(table: Table) -> Select:
    # The filter sets ``lock_timeout`` for the transaction (``SET LOCAL``) as the row is
    # read, before the row lock is waited for: one round trip instead of two.
    if table.name not in _statements:
        _statements[table.name] = (
            select(table.c.id)
            .where(
                table.c.id == bindparam("id"),
                func.set_config("lock_timeout", LOCK_TIMEOUT, True).is_not(None),
            )
            .with_for_update()
        )
    return _statements[table.name]
