"""Both catalogues are complete and current, and pages come out in the chosen language."""

import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import i18n  # noqa: E402

# The catalogues and their use: no database involved, so the SQLite pass runs it alone.
pytestmark = pytest.mark.pure


def test_template_is_current_with_the_source(tmp_path):
    """Every marked string in the code is in messages.pot (run `make extract-messages`)."""
    fresh = tmp_path / "fresh.pot"
    i18n.extract(fresh)
    with fresh.open("rb") as a, i18n.POT.open("rb") as b:
        in_source = {m.id for m in read_po(a) if m.id}
        in_template = {m.id for m in read_po(b) if m.id}
    assert in_source - in_template == set(), "strings missing from messages.pot"
    assert in_template - in_source == set(), "stale strings in messages.pot"


def test_catalogues_complete():
    assert i18n.problems() == []


def test_no_translation_carries_another_messages_text():
    """A translation is its own message only: two catalogue changes merged line by line
    once glued one message's text to another's ("… tidsgrensen.Images to show …")."""
    for language in ("nb", "en"):
        path = ROOT / "lms" / "translations" / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            messages = [m for m in read_po(handle) if m.id]
        long_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in messages}
        long_ids = {text for text in long_ids if len(text) >= 25}
        for message in messages:
            own = message.id if isinstance(message.id, str) else message.id[0]
            texts = [message.string] if isinstance(message.string, str) else message.string
            for text in texts:
                strays = [other for other in long_ids if other != own and other in text]
                if language == "en":
                    strays = [other for other in strays if other not in own]
                assert strays == [], f"{language}: {own!r} carries {strays[0]!r}"


def test_home_page_in_norwegian_and_english(client):
    norwegian = client.get("/", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="nb"' in norwegian and "Lær å kjøpe inn ansvarlig" in norwegian
    assert '<html lang="en"' in english and "Learn to buy responsibly" in english


def test_default_language_is_norwegian(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="nb"' in page and "Hopp til hovedinnholdet" in page


def test_page_translations_match_flask_babels_callables(app):
    """The per-page ``gettext``/``ngettext`` of the LMS blueprints (bound once a page)
    give what Flask-Babel's global callables give: translated, %-formatted, escaped."""
    from flask_babel import force_locale

    from lms.core.templating import page_translations

    source = (
        '{{ _("Log in") }}|{{ _("Hello %(name)s", name="<b>Ola</b>") }}|'
        '{{ ngettext("%(num)d seat", "%(num)d seats", 3) }}|{% trans %}Log in{% endtrans %}'
    )
    template = app.jinja_env.from_string(source)
    with app.test_request_context("/"), force_locale("en"):
        english = template.render()
    for language in ("nb", "en"):
        with app.test_request_context("/"), force_locale(language):
            assert template.render(**page_translations()) == template.render()
    assert "&lt;b&gt;Ola&lt;/b&gt;" in english and "3 seats" in english


def test_lms_pages_render_with_the_page_translations(app):
    """Every LMS blueprint has the per-page callables, and no other blueprint gets them."""
    from lms.core.templating import page_translations

    state = app.extensions["lms"]
    for name in state.blueprints:
        assert page_translations in app.template_context_processors[name], name
    assert page_translations not in app.template_context_processors[None]
