"""The offering's write lock, seen from a second connection: held until the commit, and
on PostgreSQL bounded by ``lock_timeout`` for that transaction only. (The race it
prevents is fought for real in ``test_concurrency.py``.)"""

from __future__ import annotations

import pytest
from registrations_support import make_offering
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
    offering = make_offering()
    take_offering_lock(offering.id)
    with pytest.raises(OperationalError):
        try_lock_elsewhere(offering.id)
    db.session.commit()
    try_lock_elsewhere(offering.id)  # free again


def test_the_lock_wait_is_bounded_for_its_transaction_only(app):
    offering = make_offering()
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite writers wait on the busy timeout; lock_timeout is PostgreSQL's")

    def lock_timeout() -> str:
        return db.session.connection().exec_driver_sql("SHOW lock_timeout").scalar()

    before = lock_timeout()
    take_offering_lock(offering.id)
    assert lock_timeout() == LOCK_TIMEOUT
    db.session.commit()
    assert lock_timeout() == before != LOCK_TIMEOUT
