"""Background work on huey: SQLite-backed by default, Redis when ``LMS_REDIS_URL`` is set.

The huey instance is made per app in ``init_app`` (nothing at import) and kept in
``app.extensions["lms"].huey``, with the tasks the areas declared (``LMSState.add_task``
and ``add_periodic_task``); ``flask lms worker`` runs its consumer.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.storage import SqliteStorage

from lms.core.areas import LMSState


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
    """Build the queue and register on it every task the areas declared."""
    config = app.config
    state: LMSState = app.extensions["lms"]
    if config["LMS_HUEY_IMMEDIATE"]:
        huey: Huey = MemoryHuey("lms", immediate=True)
    elif config["LMS_REDIS_URL"]:
        huey = RedisHuey("lms", url=config["LMS_REDIS_URL"])
    else:
        huey = LmsSqliteHuey("lms", filename=config["LMS_HUEY_PATH"])

    def in_app_context(function):
        def run(*args: Any) -> Any:
            with app.app_context():
                return function(*args)

        return run

    periodic = {task.name: task.schedule for task in state.periodic_tasks}
    huey.lms_tasks = {}
    for name, function in state.tasks.items():
        run = in_app_context(function)
        run.__name__ = run.__qualname__ = name.replace("-", "_")
        if name in periodic:
            task = huey.periodic_task(crontab(**periodic[name]), name=f"lms.{name}")(run)
        else:
            task = huey.task(name=f"lms.{name}")(run)
        huey.lms_tasks[name] = task
    return huey


def enqueue(name: str, *args: Any) -> None:
    """Put the task ``name`` on the queue. Never raises: each task's periodic sweep (for
    mail, the outbox sweep) is the safety net for a lost enqueue."""
    try:
        current_app.extensions["lms"].huey.lms_tasks[name](*args)
    except Exception:
        current_app.logger.warning("could not enqueue %s%s", name, args, exc_info=True)
