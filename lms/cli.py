"""``flask lms …``: administration from the shell."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.extensions import db


@click.group("lms")
def lms_cli() -> None:
    """Manage the LMS."""


@lms_cli.command("load-demo")
@with_appcontext
def load_demo() -> None:
    """Create demo users for every role (and demo content); safe to run again."""
    from lms.demo import DEMO_PASSWORD, load_demo_data
    from lms.learning.course_yaml import CourseTreeError

    try:
        created = load_demo_data()
    except CourseTreeError as error:  # courses/ is broken: say where, change nothing
        db.session.rollback()
        for line in error.errors:
            click.echo(line, err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Demo data ready ({created} new users). Log in with password {DEMO_PASSWORD!r}:")
    from lms.demo import DEMO_USERS

    for email, role, _name in DEMO_USERS:
        click.echo(f"  {role:<12} {email}")


@lms_cli.command("upgrade-db")
@with_appcontext
def upgrade_db() -> None:
    """Apply the LMS's migrations (also works beside a host's own Flask-Migrate)."""
    from lms.migrations_runner import upgrade

    upgrade()
    click.echo("Database is up to date.")


@lms_cli.command("worker")
@click.option("--workers", default=2, show_default=True)
@with_appcontext
def worker(workers: int) -> None:
    """Run the background worker (mail delivery, periodic sweeps)."""
    logger = logging.getLogger("huey")
    if not logger.handlers:  # as huey's own huey_consumer does: say what the worker runs
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    huey = current_app.extensions["lms"].huey
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()
