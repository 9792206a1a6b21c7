"""Template helpers shared by every LMS page."""

from __future__ import annotations

from flask import Flask, current_app, get_flashed_messages
from flask_babel import format_datetime, get_locale

from lms.core.i18n import LANGUAGES

LANGUAGE_NAMES = {"nb": "Norsk bokmål", "en": "English"}


def register_template_helpers(app: Flask) -> None:
    """Expose namespaced helpers to templates (``lms_*``) so a host's names are untouched."""
    app.jinja_env.globals.update(
        lms_languages=LANGUAGES,
        lms_language_names=LANGUAGE_NAMES,
        lms_locale=lambda: str(get_locale() or current_app.config["LMS_DEFAULT_LOCALE"]),
        lms_site_name=lambda: current_app.config["LMS_SITE_NAME"],
        lms_flashes=lambda: get_flashed_messages(with_categories=True),
    )
    app.jinja_env.filters["lms_datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else ""
    )
