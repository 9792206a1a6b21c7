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
from sqlalchemy import select, text

from lms.events.models import Offering
from lms.extensions import db


def lock_offering(offering_id: int) -> Offering | None:
    """Take the offering's write lock for the rest of the transaction and reload it."""
    config = current_app.config
    if config["LMS_REGISTRATION_LOCKING"]:
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            db.session.execute(
                select(Offering.id).where(Offering.id == offering_id).with_for_update()
            )
        elif connection.dialect.name == "sqlite":
            raw = connection.connection.driver_connection
            if not raw.in_transaction:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
    return db.session.get(Offering, offering_id, populate_existing=True)


def widen_race_window() -> None:
    """Sleep between counting seats and writing, when a test asks (``LMS_DEBUG_RACE_DELAY``)."""
    delay = current_app.config["LMS_DEBUG_RACE_DELAY"]
    if delay:
        time.sleep(delay)
