"""Template helpers shared by every LMS page."""

from __future__ import annotations

from flask import Flask, current_app, get_flashed_messages, url_for
from flask_babel import format_datetime, get_locale
from werkzeug.routing import BuildError

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


_SENTINEL_ID = 2147483647


def id_url_maker(endpoint: str, key: str = "offering_id", *, external: bool = False):
    """``id -> URL`` for ``endpoint``: one ``url_for`` per request, not one per row.

    A long list spent a sixth of its time in ``url_for``. The URL is built once with a
    sentinel id, and each row's id replaces it. Returns ``None`` for every id when the
    endpoint does not exist (an area that has not added its route).
    """
    try:
        pattern = url_for(endpoint, **{key: _SENTINEL_ID}, _external=external)
    except BuildError:
        return lambda _id: None
    head, _, tail = pattern.rpartition(str(_SENTINEL_ID))
    return lambda row_id: f"{head}{int(row_id)}{tail}"
