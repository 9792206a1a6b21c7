"""The reminder sent ``LMS_REMINDER_DAYS`` before an offering starts (a periodic task).

It is sent once per offering: ``reminder_sent_at`` is read and set under the offering's
lock, in the same transaction as the queued mails. An offering moved to a later date
after its reminder went out is reminded again before the new date (``rearm_if_moved``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from lms.events.models import Offering, first_start_of
from lms.extensions import db
from lms.registrations import notify
from lms.registrations.locking import lock_offering, take_offering_lock, widen_race_window
from lms.registrations.manage import confirmed_participants
from lms.timeutil import utcnow


def offerings_due_for_reminder(days: int, now: datetime | None = None) -> list[int]:
    """Published offerings starting within ``days`` that have not had their reminder."""
    now = now or utcnow()
    starts_at = first_start_of(Offering.id)
    return list(
        db.session.scalars(
            select(Offering.id)
            .where(
                Offering.status == "published",
                Offering.reminder_sent_at.is_(None),
                starts_at > now,
                starts_at <= now + timedelta(days=days),
            )
            .order_by(Offering.id)
        )
    )


def send_reminder(offering_id: int, days: int, now: datetime | None = None) -> int:
    """Queue the reminder to every confirmed participant, once per offering.

    ``reminder_sent_at`` is read and set under the offering's lock, so two workers that
    both saw the offering as due never both send; and the offering must still start
    within ``days`` then, so one moved since the list was made waits for its new date.
    Returns the number of mails queued.
    """
    now = now or utcnow()
    offering = lock_offering(offering_id)
    if offering is None or offering.reminder_sent_at is not None:
        return 0
    if offering.status != "published" or not _starts_within(offering, days, now):
        return 0
    registrations = [r for r in confirmed_participants(offering) if r.status == "confirmed"]
    widen_race_window()
    for registration in registrations:
        notify.reminder(registration)
    offering.reminder_sent_at = now
    db.session.flush()
    return len(registrations)


def _starts_within(offering: Offering, days: int, now: datetime) -> bool:
    starts_at = offering.starts_at
    return starts_at is not None and now < starts_at <= now + timedelta(days=days)


def rearm_if_moved(offering: Offering, days: int) -> bool:
    """Clear ``reminder_sent_at`` when the offering now starts more than ``days`` after
    the reminder went out: that reminder no longer says "in ``days`` days", so the
    periodic task sends another before the new date. A smaller move keeps it (the
    participants have the change mail). Returns True if the reminder is due again.

    Called with the offering's new sessions in the session; the lock and a fresh read of
    ``reminder_sent_at`` make a reminder sent meanwhile for the old date count.
    """
    take_offering_lock(offering.id)
    db.session.refresh(offering, ["reminder_sent_at"])  # the rest keeps the edit
    sent, starts_at = offering.reminder_sent_at, offering.starts_at
    if sent is None or starts_at is None or starts_at <= sent + timedelta(days=days):
        return False
    offering.reminder_sent_at = None
    return True
