"""Serialise the writers of one offering, so a seat is never sold twice.

The lock is ``core.locking.lock_row`` on the offering row (PostgreSQL ``SELECT … FOR
UPDATE`` with a lock timeout; SQLite ``BEGIN IMMEDIATE``).

Either way the caller re-counts seats *after* taking the lock. ``LMS_REGISTRATION_LOCKING``
exists only so the control test can show that, without the lock, the race is real.
"""

from __future__ import annotations

import time

from flask import current_app

from lms.core.locking import LOCK_TIMEOUT, lock_row
from lms.events.models import Offering
from lms.extensions import db

__all__ = ["LOCK_TIMEOUT", "lock_offering", "take_offering_lock", "widen_race_window"]


def lock_offering(offering_id: int) -> Offering | None:
    """Take the offering's write lock for the rest of the transaction and reload it."""
    take_offering_lock(offering_id)
    return db.session.get(Offering, offering_id, populate_existing=True)


def take_offering_lock(offering_id: int) -> None:
    """Take the offering's write lock for the rest of the transaction; read nothing.

    Anything read *after* this call sees every registration committed before it.
    """
    if current_app.config["LMS_REGISTRATION_LOCKING"]:
        lock_row(Offering.__table__, offering_id)


def widen_race_window() -> None:
    """Sleep between counting seats and writing, when a test asks (``LMS_DEBUG_RACE_DELAY``)."""
    delay = current_app.config["LMS_DEBUG_RACE_DELAY"]
    if delay:
        time.sleep(delay)
