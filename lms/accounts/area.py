"""The accounts area: people, roles, sign-in, tokens (``lms_accounts``)."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Mount the account pages, declare the user commands, save chosen languages."""
    from lms.accounts import cli, models  # noqa: F401  (models: the account tables)
    from lms.accounts.services import save_chosen_language
    from lms.accounts.views import bp
    from lms.core.signals import language_chosen

    lms.add_blueprint(bp)
    for kind in (
        "account_exists",
        "confirm_email_change",
        "email_change_requested",
        "password_changed",
        "reset_password",
        "verify_email",
    ):
        lms.add_mail_kind(kind)
    lms.add_cli_command(cli.create_user)
    lms.add_cli_command(cli.create_token)
    language_chosen.connect(save_chosen_language)
