"""Events journeys in Chromium: an instructor edits only their own offering; an organiser
creates a network with monthly meetings; a participant finds an offering in the catalogue."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from factories import at_ten_in_oslo, make, year_like
from playwright.sync_api import expect
from sqlalchemy import select

from lms.events.models import Network, NetworkMembership, Offering
from lms.extensions import db
from lms.registrations import services as registrations

from .site_pages import login, make_user

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2031 = year_like(2031)

pytestmark = pytest.mark.browser


def _offering(title: str, instructor=None, **fields) -> Offering:
    return make.offering(
        title,
        starts=at_ten_in_oslo(30),
        hours=2,
        capacity=10,
        instructors=[instructor] if instructor is not None else [],
        **fields,
    )


def test_instructor_edits_only_their_own_offering(page):
    instructor = make_user("instructor", "en")
    mine = _offering("Klima og miljø i anskaffelser", instructor)
    theirs = _offering("Antikorrupsjon for innkjøpere", make_user("instructor", "en"))
    login(page, instructor.email)
    page.get_by_role("link", name="Manage offerings").click()  # the overview first
    page.get_by_role("link", name="All offerings I manage").click()
    # A click starts a navigation and returns: expect waits for the new page.
    expect(page.get_by_role("link", name=mine.title)).to_be_visible()
    assert page.get_by_role("link", name=theirs.title).count() == 0
    page.get_by_role("link", name=mine.title).click()
    page.fill("#summary", "Klimakrav og livssykluskostnader")
    with page.expect_navigation():
        page.locator("form.lms-offering-form button[type=submit]").click()
    assert "The offering is saved." in page.inner_text(".lms-flashes")
    response = page.goto(f"/manage/offerings/{theirs.id}")
    assert response.status == 403
    db.session.expire_all()
    assert db.session.get(Offering, mine.id).summary == "Klimakrav og livssykluskostnader"


def test_organiser_creates_a_network_with_monthly_meetings(page):
    """The rule is picked in words; the dates are previewed, one is moved, then made."""
    organiser = make_user("organiser", "en")
    login(page, organiser.email)
    page.goto("/manage/networks")
    page.fill("#name", "Nettverk for samfunnsansvar i offentlige anskaffelser")
    page.select_option("#membership", "approval")
    page.select_option("#repeat", "monthly")
    page.select_option("#ordinal", "2")
    page.select_option("#weekday", "TU")
    page.fill("#meeting_start", "09:00")
    page.fill("#venue", "Anskaffelseshuset")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the network").click()
    assert urlsplit(page.url).path.startswith("/manage/networks/")
    assert "the second Tuesday of every month" in page.inner_text("main")
    # The meetings form starts from the network's defaults.
    assert page.input_value("#start") == "09:00"
    assert page.input_value("#venue") == "Anskaffelseshuset"
    page.fill("#after", f"{Y2031}-09-01")
    page.fill("#count", "3")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview dates").click()
    preview = page.inner_text(".lms-plan-preview")
    assert f"9 September {Y2031}, 09:00" in preview, preview
    assert db.session.scalar(select(Network)).meetings == []  # nothing made yet
    page.fill("#rows-2-start", "13:00")  # the November meeting starts later
    with page.expect_navigation():
        page.get_by_role("button", name="Make these meetings").click()
    assert "3 meetings added." in page.inner_text(".lms-flashes")
    meetings = page.locator(".lms-meetings > li")
    assert meetings.count() == 3
    # Second Tuesdays, 09:00 Oslo time on both sides of the October DST change.
    text = page.inner_text(".lms-meetings")
    for day in (
        f"9 September {Y2031}, 09:00",
        f"14 October {Y2031}, 09:00",
        f"11 November {Y2031}, 13:00",
    ):
        assert day in text, text
    network = db.session.scalar(select(Network))
    assert network.membership == "approval"
    assert network.recurrence_rule == "FREQ=MONTHLY;BYDAY=2TU"


def test_organiser_cancels_an_offering_after_a_confirmation(page):
    organiser = make_user("organiser", "en")
    offering = _offering("Antikorrupsjon for innkjøpere")
    registrations.register(make_user("participant", "en"), offering.id)
    db.session.commit()
    login(page, organiser.email)
    page.goto(f"/manage/offerings/{offering.id}")
    with page.expect_navigation():
        page.locator(".lms-edit-bar").get_by_role("link", name="Cancel the offering").click()
    assert "1 person is told by e-mail." in page.inner_text("main")
    page.fill("#cancel-reason", "Foredragsholderen er syk.")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, cancel the offering").click()
    assert "cancelled" in page.inner_text(".lms-flashes")
    # Its page is now read only: no form, no session rows.
    assert page.locator("#offering-form").count() == 0
    assert page.get_by_role("button", name="Copy as a new draft").is_visible()
    db.session.expire_all()
    assert db.session.get(Offering, offering.id).status == "cancelled"


def test_participant_filters_the_catalogue_and_opens_an_offering(page):
    _offering("Lønns- og arbeidsvilkår i offentlige kontrakter", themes=["working_conditions"])
    _offering("Klima og miljø i anskaffelser", themes=["climate_environment"])
    participant = make_user("participant", "en")
    login(page, participant.email)
    page.get_by_role("link", name="Seminars and courses").click()
    # Words in any order, in any case: the search finds "Klima og miljø".
    page.fill("#q", "MILJØ klima")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert page.get_by_role("link", name="Klima og miljø i anskaffelser").is_visible()
    assert (
        page.get_by_role("link", name="Lønns- og arbeidsvilkår i offentlige kontrakter").count()
        == 0
    )
    page.fill("#q", "")
    page.select_option("#theme", "working_conditions")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert page.get_by_role("link", name="Klima og miljø i anskaffelser").count() == 0
    page.get_by_role("link", name="Lønns- og arbeidsvilkår i offentlige kontrakter").click()
    expect(page.get_by_role("link", name="Register")).to_be_visible()
    assert (
        page.get_by_role("link", name="Subscribe in your calendar app")
        .get_attribute("href")
        .startswith("webcal://")
    )


def test_member_leaves_a_network_after_seeing_which_places_go(page):
    network = Network(name="Nettverk for klimakrav", recurrence_rule="FREQ=MONTHLY;BYDAY=2TU")
    db.session.add(network)
    db.session.commit()
    member = make_user("participant", "en")
    db.session.add(NetworkMembership(network_id=network.id, user_id=member.id))
    meeting = _offering(
        "Nettverk for klimakrav: juni", kind="network_meeting", members_only=True,
        network_id=network.id,
    )  # fmt: skip
    db.session.commit()
    registrations.register(member, meeting.id)
    db.session.commit()
    login(page, member.email)
    page.goto(f"/networks/{network.id}")
    with page.expect_navigation():
        page.get_by_role("link", name="Leave the network").click()
    assert "Nettverk for klimakrav: juni" in page.inner_text("main")
    assert db.session.get(NetworkMembership, (network.id, member.id)) is not None
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, leave the network").click()
    flashes = page.inner_text(".lms-flashes")
    assert "Your place at 1 coming meeting is cancelled." in flashes
    db.session.expire_all()
    assert db.session.get(NetworkMembership, (network.id, member.id)) is None
