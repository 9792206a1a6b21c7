"""Template helpers shared by every LMS page."""

from __future__ import annotations

from flask import (
    Flask,
    current_app,
    get_flashed_messages,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup
from werkzeug.routing import BuildError

from lms.core import dates
from lms.core.i18n import LANGUAGES
from lms.core.urls import external_url

LANGUAGE_NAMES = {"nb": "Norsk bokmål", "en": "English"}


def register_template_helpers(app: Flask) -> None:
    """Expose namespaced helpers to templates (``lms_*``) so a host's names are untouched."""
    app.jinja_env.globals.update(
        lms_languages=LANGUAGES,
        lms_language_names=LANGUAGE_NAMES,
        lms_locale=lambda: str(get_locale() or current_app.config["LMS_DEFAULT_LOCALE"]),
        lms_site_name=lambda: current_app.config["LMS_SITE_NAME"],
        lms_flashes=lambda: get_flashed_messages(with_categories=True),
        lms_anonymous_header=anonymous_header,
    )
    app.jinja_env.filters.update(
        # The one set of date formats (lms/core/dates.py). ``lms_datetime`` takes an old
        # Babel width ("short", "full"…) and ignores it: every date and time looks alike.
        lms_datetime=lambda value, width=None: (
            dates.format_date(value) if width == "date" else dates.format_when(value)
        ),
        lms_when=dates.format_when,
        lms_date=dates.format_date,
        lms_time=dates.format_time,
        lms_time_range=dates.format_time_range,
        lms_date_range=dates.format_date_range,
        lms_local_iso=lambda value: dates.iso(value) or "",
    )


def page_is_shared() -> bool:
    """Whether this request's page is the same for everyone who asks for the same address:
    nobody is signed in (no name, no roles, no CSRF token on the page) and there is no
    message waiting to be flashed. Only then may a rendered page or header be reused."""
    if getattr(current_user, "is_authenticated", False):
        return False
    return "_flashes" not in session


def anonymous_header() -> Markup:
    """The page header (``lms/_header.html``) as an anonymous visitor sees it, rendered
    once per language, page and return address and then reused.

    For a visitor who is not signed in the header holds nothing personal: the menu, the
    current page marked, and the language switch that returns to this address (it needs
    no CSRF token, ``lms/core/views.py::set_language``). Every one of those values is in
    the key (``lms/core/fragments.py``), so a reused header is never stale. It was a
    fifth of an anonymous catalogue page's time.
    """
    from lms.core.fragments import fragment_cache

    back_to = request.full_path if request.method == "GET" else request.path
    key = (str(get_locale()), request.endpoint, request.script_root, back_to)
    # Bounded: about 2 kB each; the address is the visitor's, so the LRU limits it.
    return fragment_cache("anonymous_header", 2048).get(
        key,
        lambda: Markup(render_template("lms/_header.html")),  # noqa: S704 (our template)
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
        values = {key: _SENTINEL_ID}
        pattern = external_url(endpoint, **values) if external else url_for(endpoint, **values)
    except BuildError:
        return lambda _id: None
    head, _, tail = pattern.rpartition(str(_SENTINEL_ID))
    return lambda row_id: f"{head}{int(row_id)}{tail}"
