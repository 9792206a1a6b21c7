"""The registrations area's periodic tasks; each owns its transactions and commits."""

from __future__ import annotations

from flask import current_app

from lms.extensions import db
from lms.registrations import reminders, services


def expire_offers() -> int:
    """Expire offers past their time; each seat passes to the next in line."""
    expired = services.expire_offers()
    db.session.commit()
    return expired


def send_reminders() -> int:
    """Remind confirmed participants ``LMS_REMINDER_DAYS`` before; once per offering."""
    days = current_app.config["LMS_REMINDER_DAYS"]
    sent = 0
    for offering_id in reminders.offerings_due_for_reminder(days):
        # One transaction per offering, so its lock is held briefly.
        sent += reminders.send_reminder(offering_id, days)
        db.session.commit()
    return sent
