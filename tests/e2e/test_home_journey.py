"""A participant's home in Chromium, by keyboard: login leads there (or to ?next=), the
offer waiting for an answer shows its deadline and is accepted from the home, the next
sessions and the place in line are listed, each linking to its offering."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from lms.extensions import db
from lms.registrations import services as registrations

from .keyboard import press_and_wait, tab_to, text_of, translator
from .site_pages import PASSWORD, login, make_user, reg_offering

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_participant_answers_an_offer_from_their_home(page, live_server, lang):
    t = translator(live_server.app, lang)
    person = make_user("participant", lang)
    offer = reg_offering(capacity=1, waitlist_mode="offer")
    first = make_user("participant", lang)
    registrations.register(first, offer.id, consent=True)
    registrations.register(person, offer.id, consent=True)
    place = reg_offering(capacity=5)
    registrations.register(person, place.id, consent=True)
    full = reg_offering(capacity=1)
    registrations.register(make_user("participant", lang), full.id, consent=True)
    registrations.register(person, full.id, consent=True)
    db.session.commit()
    registrations.cancel(first, registrations.find_registration(first, offer.id).id)
    db.session.commit()

    login(page, person.email)  # lands on /me (site_pages.login checks it)
    main = text_of(page, "main")
    assert t("Waiting for your answer") in main
    mine = registrations.find_registration(person, offer.id)
    assert page.locator(f"a[href='/events/{place.id}']").count() >= 1  # next session
    assert page.locator(f"a[href='/events/{full.id}']").count() == 1  # in line
    assert t("You are number %(n)s in line.", n=1) in main

    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    tab_to(
        page,
        "the accept button",
        lambda f: (
            f["tag"] == "button" and f["form"].endswith(f"/me/registrations/{mine.id}/accept")
        ),
    )
    press_and_wait(page)
    assert t("You have a place. We have sent you a confirmation.") in text_of(page, ".lms-flashes")
    db.session.rollback()
    assert registrations.find_registration(person, offer.id).status == "confirmed"

    page.goto("/me")
    assert t("Waiting for your answer") not in text_of(page, "main")


def test_login_with_next_goes_there_instead_of_home(page, live_server):
    person = make_user("participant", "en")
    page.goto("/login?next=/me/calendar")
    page.fill("#email", person.email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert urlsplit(page.url).path == "/me/calendar"
