"""Run the LMS's Alembic revisions without depending on a host's Flask-Migrate set-up."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from lms.paths import MIGRATIONS_DIR


def alembic_config() -> Config:
    """An Alembic config for ``migrations/`` (the env reads the app from ``current_app``)."""
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(revision: str = "head") -> None:
    """Bring the current app's database to ``revision``."""
    command.upgrade(alembic_config(), revision)
