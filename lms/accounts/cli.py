"""``flask lms create-user`` and ``flask lms create-token``."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.accounts.models import ROLES
from lms.extensions import db


def _read_password() -> str:
    """From a prompt on a terminal, or the first line of stdin when piped; never argv."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command("create-user")
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
        if error.code == "email_taken":
            raise click.ClickException(f"{email} already has an account") from None
        raise click.ClickException(error.code) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({role}).")


@click.command("create-token")
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
