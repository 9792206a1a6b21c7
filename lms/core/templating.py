"""Template helpers shared by every LMS page."""

from __future__ import annotations

from flask import Flask, current_app, get_flashed_messages, url_for
from flask_babel import format_datetime, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup
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


def page_translations() -> dict:
    """``gettext`` and ``ngettext`` for one page, bound to its translations once.

    Flask-Babel's template callables look the translations up again for every string
    (locale, domain and catalogue cache, through a dozen context lookups); a page
    translates dozens of strings, and that was a sixth of the catalogue's time. Added
    as a context processor of the LMS blueprints, these shadow the global callables;
    the output is the same (Jinja's newstyle gettext: autoescaped, always %-formatted).
    Mail, rendered outside a page under ``force_locale``, keeps the global ones.
    """
    translations = get_translations()
    singular_of, plural_of = translations.ugettext, translations.ungettext
    # Markup on our own catalogue's text, as Jinja does: the % then escapes the values.

    @pass_context
    def gettext(context, string, **variables):
        text = singular_of(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = plural_of(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704

    return {"gettext": gettext, "ngettext": ngettext}


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
