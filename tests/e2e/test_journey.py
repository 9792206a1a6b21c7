"""A keyboard-only journey in each language: skip link, language switch, sign-up,
e-mail verification, login with "remember me", and logout.

Only the first page and the mailed link are opened by address (as a person
would type a URL or follow a link in their mail client); everything else is
Tab, Enter, Space and typing. Expected texts come from the app's catalogue in
the journey's language (``translator``), so they stay right as translations land.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.mail.models import OutboxMessage

from .keyboard import (
    focused,
    press_and_wait,
    tab_to,
    tab_to_field,
    text_of,
    translator,
)
from .site_pages import LANGUAGES, PASSWORD, mailed_link

NAME = "Kari Nordmann"
EMAIL = "kari.nordmann@example.no"
LITERALS = {
    "nb": {
        "Log in": "Logg inn",
        "Log out": "Logg ut",
        "Skip to main content": "Hopp til hovedinnholdet",
    },
    "en": {
        "Log in": "Log in",
        "Log out": "Log out",
        "Skip to main content": "Skip to main content",
    },
}


def html_lang(page) -> str:
    return page.get_attribute("html", "lang")


def flash_texts(page) -> list[str]:
    """Flash messages, each with whether it sits in a live region screen readers announce."""
    return page.eval_on_selector_all(
        ".lms-flashes .ds-alert",
        """els => els.map(e => {
             const region = e.closest('[role=status], [role=alert], [aria-live]');
             const live = region && region.getAttribute('aria-live') !== 'off';
             return (live ? '' : 'NOT LIVE: ') + e.innerText.replace(/\\s+/g, ' ').trim();
           })""",
    )


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_keyboard_only_journey(new_context, live_server, lang):
    app = live_server.app
    t = translator(app, lang)
    # The browser asks for the other language; the switch must win, and stay.
    other = "en" if lang == "nb" else "nb"
    page = new_context(extra_http_headers={"Accept-Language": other}).new_page()

    page.goto("/")
    assert html_lang(page) == other

    # 1. The skip link is the first thing Tab reaches; Enter moves focus to <main>.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["cls"] == "ds-skiplink" and skip["href"] == "#main", skip
    assert skip["text"] == translator(app, other)("Skip to main content")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main", "Enter on the skip link must move focus to <main>"

    # 2. The language switch, by keyboard: Shift+Tab back into the header to the button.
    tab_to(
        page,
        f"the {lang} language button",
        lambda f: f["tag"] == "button" and f["value"] == lang,
        key="Shift+Tab",
    )
    press_and_wait(page)
    assert html_lang(page) == lang
    assert page.get_attribute(f"button[value={lang}]", "aria-pressed") == "true"

    # 3. Sign up, by the menu link; the language persists across pages.
    tab_to(
        page,
        "the sign-up link in the menu",
        lambda f: f["href"].endswith("/signup") and f["text"] == t("Sign up"),
    )
    press_and_wait(page)
    assert html_lang(page) == lang
    assert text_of(page, "h1") == t("Sign up")
    tab_to(page, "the e-mail field", lambda f: f["id"] == "email")
    page.keyboard.type(EMAIL)
    tab_to_field(page, "name")
    page.keyboard.type(NAME)
    tab_to_field(page, "organisation")
    page.keyboard.type("Digitaliseringsdirektoratet")
    tab_to_field(page, "job_title")
    page.keyboard.type("Innkjøpsrådgiver")
    language = tab_to_field(page, "language")
    assert language["value"] == lang, "sign-up should offer the language in use"
    tab_to_field(page, "password")
    page.keyboard.type(PASSWORD)
    tab_to_field(page, "confirm")
    page.keyboard.type(PASSWORD)
    tab_to(
        page,
        "the create-account button",
        lambda f: f["tag"] == "button" and f["text"] == t("Create account"),
    )
    press_and_wait(page)
    assert text_of(page, "h1") == t("Check your e-mail")

    # 4. The verification mail the app queued, in the user's language.
    db.session.rollback()
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == EMAIL)
    ).one()
    assert (message.kind, message.language) == ("verify_email", lang)
    link = mailed_link(EMAIL, "verify_email")
    assert link.startswith(live_server.url), link

    # 5. Following the link confirms the address and lands on the login page.
    page.goto(link)
    assert urlsplit(page.url).path == "/login"
    assert html_lang(page) == lang
    assert flash_texts(page) == [t("Your e-mail address is confirmed. You can log in now.")]

    # 6. Log in with "remember me" ticked by the space bar.
    assert text_of(page, "h1") == t("Log in")
    tab_to(page, "the e-mail field", lambda f: f["id"] == "email")
    page.keyboard.type(EMAIL)
    tab_to_field(page, "password")
    page.keyboard.type(PASSWORD)
    tab_to_field(page, "remember")
    page.keyboard.press("Space")
    assert page.is_checked("#remember")
    tab_to(page, "the log-in button", lambda f: f["tag"] == "button" and f["text"] == t("Log in"))
    press_and_wait(page)

    # 7. The home page greets the user, in their language.
    assert urlsplit(page.url).path == "/me"
    assert html_lang(page) == lang
    assert flash_texts(page) == [t("You are logged in.")]
    assert t("Welcome, %(name)s.", name=NAME) in text_of(page, "main")
    cookies = {c["name"] for c in page.context.cookies()}
    assert "remember_token" in cookies, "ticking 'remember me' should set the remember cookie"

    # 8. Log out: the button sits in a form in the menu.
    button = tab_to(
        page, "the log-out button", lambda f: f["tag"] == "button" and f["text"] == t("Log out")
    )
    assert button["form"].endswith("/logout")
    press_and_wait(page)
    assert flash_texts(page) == [t("You are logged out.")]
    assert page.locator("nav a[href$='/login']").inner_text().strip() == t("Log in")
    assert page.locator("nav button", has_text=t("Log out")).count() == 0
    assert html_lang(page) == lang, "the chosen language should outlive the login session"
    cookies = {c["name"] for c in page.context.cookies()}
    assert "remember_token" not in cookies

    # The catalogue lookups above follow the translations; these literals pin a few words,
    # so an empty or wrong catalogue cannot pass for Norwegian (or English).
    for source, expected in LITERALS[lang].items():
        assert t(source) == expected, f"{lang} catalogue: {source!r} -> {t(source)!r}"
