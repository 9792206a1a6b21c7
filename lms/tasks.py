"""Background work on huey: SQLite-backed by default, Redis when ``REDIS_URL`` is set.

The huey instance is made per app in ``init_app`` (nothing at import) and kept in
``app.extensions["lms"].huey``; ``flask lms worker`` runs its consumer.
"""

from __future__ import annotations

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.storage import SqliteStorage


class _SqliteStorage(SqliteStorage):
    """huey's SQLite queue with ``synchronous=NORMAL``, as the LMS's own database has.

    huey offers FULL (an fsync on every enqueue) or OFF (corruption on a power cut).
    In WAL mode NORMAL cannot corrupt; a crash may lose the last enqueues, and a lost
    queue message only delays mail until the outbox sweep finds its row.
    """

    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


class LmsSqliteHuey(SqliteHuey):
    """``SqliteHuey`` on the storage above."""

    storage_class = _SqliteStorage


def make_huey(app: Flask) -> Huey:
    """Build the queue and register the LMS's tasks on it."""
    config = app.config
    if config["LMS_HUEY_IMMEDIATE"]:
        huey: Huey = MemoryHuey("lms", immediate=True)
    elif config["REDIS_URL"]:
        huey = RedisHuey("lms", url=config["REDIS_URL"])
    else:
        huey = LmsSqliteHuey("lms", filename=config["LMS_HUEY_PATH"])

    @huey.task(name="lms.deliver_mail")
    def deliver_mail(message_id: int) -> str:
        from lms.mail.delivery import deliver_message

        with app.app_context():
            return deliver_message(message_id)

    @huey.periodic_task(crontab(minute="*"), name="lms.sweep_outbox")
    def sweep_outbox() -> int:
        from lms.mail.delivery import sweep_outbox as sweep

        with app.app_context():
            return sweep()

    @huey.periodic_task(crontab(minute="*/5"), name="lms.expire_offers")
    def expire_offers() -> int:
        """Expire offers past their time; each seat passes to the next in line."""
        from lms.extensions import db
        from lms.registrations.services import expire_offers as expire

        with app.app_context():
            expired = expire()
            db.session.commit()
            return expired

    @huey.periodic_task(crontab(minute="7"), name="lms.send_reminders")
    def send_reminders() -> int:
        """Remind confirmed participants ``LMS_REMINDER_DAYS`` before; once per offering."""
        from lms.extensions import db
        from lms.registrations import reminders

        with app.app_context():
            days = app.config["LMS_REMINDER_DAYS"]
            sent = 0
            for offering_id in reminders.offerings_due_for_reminder(days):
                # One transaction per offering, so its lock is held briefly.
                sent += reminders.send_reminder(offering_id, days)
                db.session.commit()
            return sent

    huey.lms_tasks = {
        "deliver_mail": deliver_mail,
        "sweep_outbox": sweep_outbox,
        "expire_offers": expire_offers,
        "send_reminders": send_reminders,
    }
    return huey


def enqueue_delivery(message_id: int) -> None:
    """Ask the worker to send a committed message now. Never raises: the sweep is the net."""
    try:
        current_app.extensions["lms"].huey.lms_tasks["deliver_mail"](message_id)
    except Exception:
        current_app.logger.warning(
            "could not enqueue mail %s; the sweep will send it", message_id, exc_info=True
        )
