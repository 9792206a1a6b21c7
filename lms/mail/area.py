"""The mail area: the outbox, its delivery task and sweep, and ``flask lms send-mail``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Declare the outbox's model, its tasks and its command."""
    from lms.mail import delivery, models  # noqa: F401  (models: the outbox table)

    lms.add_task("deliver_mail", delivery.deliver_message)
    lms.add_periodic_task("sweep_outbox", delivery.sweep_outbox, minute="*")
    lms.add_cli_command(send_mail)


@click.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Deliver every due message in the outbox now (what the worker's sweep does)."""
    from lms.mail.delivery import sweep_outbox

    click.echo(f"Sent {sweep_outbox()} message(s).")
