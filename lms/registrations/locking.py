"""Serialise the writers of one offering, so a seat is never sold twice.

PostgreSQL: ``SELECT … FOR UPDATE`` on the offering row, inside the request's
transaction, with a lock timeout so a stuck writer cannot hang everyone.
SQLite has no row locks: the write transaction starts with ``BEGIN IMMEDIATE``,
which takes the database's write lock up front (others wait on the busy timeout).

Either way the caller re-counts seats *after* taking the lock. ``LMS_REGISTRATION_LOCKING``
exists only so the control test can show that, without the lock, the race is real.
"""

from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import bindparam, func, select

from lms.events.models import Offering
from lms.extensions import db

LOCK_TIMEOUT = "10s"  # a writer stuck longer than this fails rather than hang everyone


def lock_offering(offering_id: int) -> Offering | None:
    """Take the offering's write lock for the rest of the transaction and reload it."""
    take_offering_lock(offering_id)
    return db.session.get(Offering, offering_id, populate_existing=True)


def take_offering_lock(offering_id: int) -> None:
    """Take the offering's write lock for the rest of the transaction; read nothing.

    Anything read *after* this call sees every registration committed before it.
    """
    if not current_app.config["LMS_REGISTRATION_LOCKING"]:
        return
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK_ROW, {"id": offering_id})
    elif connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


_offerings = Offering.__table__
# The filter sets ``lock_timeout`` for the transaction (``SET LOCAL``) as the row is read,
# before the row lock is waited for: one round trip instead of two.
_LOCK_ROW = (
    select(_offerings.c.id)
    .where(
        _offerings.c.id == bindparam("id"),
        func.set_config("lock_timeout", LOCK_TIMEOUT, True).is_not(None),
    )
    .with_for_update()
)


def widen_race_window() -> None:
    """Sleep between counting seats and writing, when a test asks (``LMS_DEBUG_RACE_DELAY``)."""
    delay = current_app.config["LMS_DEBUG_RACE_DELAY"]
    if delay:
        time.sleep(delay)
