"""The offering's write lock, seen from a second connection: held until the commit, and
on PostgreSQL bounded by ``lock_timeout`` for that transaction only. (The race it
prevents is fought for real in ``test_concurrency.py``.)"""

from __future__ import annotations

import pytest
from factories import make
from sqlalchemy.exc import OperationalError

from lms.extensions import db
from lms.registrations.locking import LOCK_TIMEOUT, take_offering_lock


def try_lock_elsewhere(offering_id: int) -> None:
    """Try to take the same lock on another connection without waiting; raises if held."""
    with db.engine.connect() as other:
        if other.dialect.name == "postgresql":
            other.exec_driver_sql(
                f"SELECT id FROM lms_offerings WHERE id = {int(offering_id)} FOR UPDATE NOWAIT"
            )
        else:
            other.exec_driver_sql("PRAGMA busy_timeout = 0")
            other.exec_driver_sql("BEGIN IMMEDIATE")
        other.rollback()


def test_the_lock_is_held_until_the_commit(app):
    offering = make.offering(capacity=2)
    take_offering_lock(offering.id)
    with pytest.raises(OperationalError):
        try_lock_elsewhere(offering.id)
    db.session.commit()
    try_lock_elsewhere(offering.id)  # free again


def test_the_lock_wait_is_bounded(app):
    """A writer stuck behind the lock fails after 10 s rather than hang everyone: on
    PostgreSQL through ``lock_timeout`` for that transaction only, on SQLite through the
    busy timeout every connection has."""
    offering = make.offering(capacity=2)

    def setting(sql: str):
        return db.session.connection().exec_driver_sql(sql).scalar()

    if db.engine.dialect.name == "sqlite":
        take_offering_lock(offering.id)
        assert setting("PRAGMA busy_timeout") == 10_000
        db.session.commit()
        return
    before = setting("SHOW lock_timeout")
    take_offering_lock(offering.id)
    assert setting("SHOW lock_timeout") == LOCK_TIMEOUT
    db.session.commit()
    assert setting("SHOW lock_timeout") == before != LOCK_TIMEOUT
