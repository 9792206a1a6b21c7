"""Locale and time-zone selection, and the lazily translated strings' helpers."""

from __future__ import annotations

from flask import current_app, g, request, session
from flask_login import current_user

LANGUAGES = ("nb", "en")
SESSION_KEY = "lms_language"


def select_locale() -> str:
    """The user's saved language, then the language switch, then the browser, then nb."""
    if getattr(current_user, "is_authenticated", False):
        return current_user.language
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(("nb", "no", "nn", "en"))
    if best in ("no", "nn"):
        return "nb"
    return best or current_app.config["LMS_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Everyone sees times in the agency's zone (Europe/Oslo unless configured), except
    on a page about a place with its own zone (a conference's programme), which sets
    ``g.lms_timezone`` so its times read as on the venue's clocks."""
    return g.get("lms_timezone") or current_app.config["LMS_TIMEZONE"]
