"""``flask lms …``: administration from the shell."""

from __future__ import annotations

import logging
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.accounts.models import ROLES
from lms.extensions import db


@click.group("lms")
def lms_cli() -> None:
    """Manage the LMS."""


def _read_password() -> str:
    """From a prompt on a terminal, or the first line of stdin when piped; never argv."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@lms_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="participant", show_default=True)
@click.option("--name", default="", help="Full name (defaults to the part before @).")
@click.option("--language", type=click.Choice(["nb", "en"]), default="nb", show_default=True)
@with_appcontext
def create_user(email: str, role: str, name: str, language: str) -> None:
    """Create a verified user with ROLE. The password is read from a prompt or stdin."""
    from lms.accounts import services

    password = _read_password()
    minimum = current_app.config["LMS_PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise click.ClickException(f"The password needs at least {minimum} characters.")
    roles = () if role == "participant" else (role,)
    try:
        user = services.create_user(
            email,
            password,
            name or email.split("@")[0],
            language=language,
            roles=roles,
            verified=True,
        )
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({role}).")


@lms_cli.command("create-token")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="A name to recognise it by.")
@with_appcontext
def create_token(email: str, name: str) -> None:
    """Print a new personal API token for EMAIL (the last word of the output)."""
    from lms.accounts import services

    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with e-mail {email}.")
    _token, raw = services.create_api_token(user, name)
    db.session.commit()
    click.echo(f"Token for {user.email}: {raw}")


@lms_cli.command("load-demo")
@with_appcontext
def load_demo() -> None:
    """Create demo users for every role (and demo content); safe to run again."""
    from lms.demo import DEMO_PASSWORD, load_demo_data

    created = load_demo_data()
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


@lms_cli.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Deliver every due message in the outbox now (what the worker's sweep does)."""
    from lms.mail.delivery import sweep_outbox

    click.echo(f"Sent {sweep_outbox()} message(s).")
