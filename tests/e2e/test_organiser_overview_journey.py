"""The organiser's everyday in Chromium: the overview says what needs doing and leads
there; the offering list puts what is coming first, folds a network's meetings into one
row, and is searched and filtered without JavaScript, the filters kept from page to page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from factories import at_ten_in_oslo, make

from lms.events.models import Network
from lms.extensions import db

from .keyboard import press_and_wait, tab_to, tab_to_field
from .site_pages import login, make_user, reg_offering, reg_people

pytestmark = pytest.mark.browser


def _network_with_a_year_of_meetings() -> Network:
    network = Network(name="Nettverk for innkjøpsledere")
    db.session.add(network)
    db.session.commit()
    for month in range(-6, 12):
        make.offering(
            f"{network.name}: møte {month}",
            starts=at_ten_in_oslo(30 * month + 3),
            kind="network_meeting",
            network_id=network.id,
        )
    return network


def test_organiser_goes_from_the_overview_to_the_work_and_searches_the_list(page):
    organiser = make_user("organiser", "en")
    visit = type("V", (), {"lang": "en"})()  # reg_people only reads the language
    asks = reg_offering(requires_approval=True)
    waiting = reg_people(visit, asks, 2)
    full = make.offering("Klima og miljø i anskaffelser", starts=at_ten_in_oslo(4), capacity=1)
    reg_people(visit, full, 2)
    _network_with_a_year_of_meetings()
    for n in range(22):  # more seminars than a page holds, a month or more ahead
        make.offering(f"Miljøkrav og klima del {n}", starts=at_ten_in_oslo(45 + n))
    make.offering("Antikorrupsjon i praksis", kind="course", starts=at_ten_in_oslo(-40))

    login(page, organiser.email)
    # The one link to the organisers' area leads to its overview.
    page.get_by_role("link", name="Manage offerings", exact=True).click()
    page.wait_for_url("**/manage")
    coming = page.locator("section[aria-labelledby=coming-heading]")
    assert "Coming in the next 6 weeks" in coming.inner_text()
    row = coming.locator("tr", has_text=full.title)
    assert "1 of 1 seat (100%)" in row.inner_text()
    assert "1 in line" in row.inner_text()
    awaiting = page.locator("section[aria-labelledby=awaiting-heading]")
    assert "2 registrations wait for your decision." in awaiting.inner_text()

    # The approvals link opens the participant list showing those who wait.
    awaiting.get_by_role("link", name=asks.title).click()
    page.wait_for_url(f"**/manage/offerings/{asks.id}/participants?status=pending")
    assert page.locator("tbody tr").count() == len(waiting)
    table = page.inner_text("tbody")
    assert all(person.name in table for person in waiting)

    # The list: the network is one row, the seminars follow in date order, the past last.
    page.goto("/manage")
    page.get_by_role("link", name="All offerings I manage").click()
    page.wait_for_url("**/manage/offerings")
    titles = page.locator("tbody tr td:first-child").all_inner_texts()
    assert titles[0].startswith("Nettverk for innkjøpsledere")
    assert "List its 18 meetings" in titles[0]
    assert any(t.startswith(full.title) for t in titles[:3])
    assert sum("Nettverk for innkjøpsledere" in t for t in titles) == 1

    # The network's row lists its meetings one by one, under its name.
    with page.expect_navigation():
        page.get_by_role("link", name="List its 18 meetings").click()
    assert page.get_by_role("heading", name="Meetings of Nettverk for innkjøpsledere").count() == 1
    assert page.locator("tbody tr td:first-child").count() == 18
    page.get_by_role("link", name="All offerings", exact=True).click()
    page.wait_for_url("**/manage/offerings")

    # Words in any order, and a kind; the form is a plain GET form.
    page.fill("#q", "klima miljøkrav")
    page.select_option("#kind", "seminar")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["klima miljøkrav"] and query["kind"] == ["seminar"]
    assert "22 results" in page.inner_text("p[role=status]")
    first_page = page.locator("tbody tr td:first-child").all_inner_texts()
    assert first_page[0] == "Miljøkrav og klima del 0"
    assert len(first_page) == 20

    # The next page keeps the search and the kind.
    with page.expect_navigation():
        page.get_by_role("link", name="Next page").click()
    assert parse_qs(urlsplit(page.url).query)["q"] == ["klima miljøkrav"]
    assert page.locator("tbody tr td:first-child").all_inner_texts() == [
        "Miljøkrav og klima del 20",
        "Miljøkrav og klima del 21",
    ]
    assert page.input_value("#q") == "klima miljøkrav"

    # Past courses only: the one from last month, under its heading.
    page.goto("/manage/offerings")
    page.select_option("#when", "past")
    page.select_option("#kind", "course")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert page.locator("tbody tr td:first-child").all_inner_texts() == ["Antikorrupsjon i praksis"]
    assert page.get_by_role("columnheader", name="Past").count() == 1


def test_the_list_is_searched_and_filtered_by_keyboard(page):
    """Tab order follows the form; a select takes type-ahead; Enter in the search field
    sends the form; a result opens with Enter."""
    organiser = make_user("organiser", "en")
    make.offering("Klima og miljø i anskaffelser", starts=at_ten_in_oslo(9))
    make.offering("Antikorrupsjon i praksis", kind="course", starts=at_ten_in_oslo(12))
    login(page, organiser.email)
    page.goto("/manage/offerings")
    tab_to(page, "the search field", lambda info: info["id"] == "q")
    page.keyboard.type("miljø klima")
    tab_to_field(page, "kind")
    page.keyboard.type("Sem")  # a select's type-ahead: "Seminar"
    for field_id in ("status", "theme", "when"):
        tab_to_field(page, field_id)
    tab_to(page, "the search field", lambda info: info["id"] == "q", key="Shift+Tab")
    press_and_wait(page)
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["miljø klima"] and query["kind"] == ["seminar"]
    assert page.locator("tbody tr td:first-child").all_inner_texts() == [
        "Klima og miljø i anskaffelser"
    ]
    tab_to(page, "the first offering", lambda info: info["text"] == "Klima og miljø i anskaffelser")
    press_and_wait(page)
    assert urlsplit(page.url).path.startswith("/manage/offerings/")
