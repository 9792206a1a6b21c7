"""Registration journeys in Chromium: a participant joins a full offering's waiting list,
moves up when a place frees and finds the session in their calendar feed; an organiser
imports participants from a CSV, checks one in and downloads the participant list."""

from __future__ import annotations

import csv
import io
import re
import urllib.request
from urllib.parse import urlsplit

import icalendar
import pytest

from lms.extensions import db
from lms.registrations import services as registrations
from lms.registrations.models import Registration

from .site_pages import login, make_user, reg_offering, unique_email

pytestmark = pytest.mark.browser


def attended(person) -> re.Pattern:
    """The check-in button's accessible name (the sr-only ": name" may get a space before it)."""
    return re.compile(rf"^Attended\s*:\s*{re.escape(person.name)}$")


def _flash(page) -> str:
    return page.inner_text(".lms-flashes")


def test_participant_waits_moves_up_and_finds_the_session_in_the_feed(page, live_server):
    offering = reg_offering(capacity=1, waitlist_mode="auto")
    session_uuid = offering.sessions[0].uid
    other = make_user("participant", "en", name="Ola Plassholder")
    registrations.register(other, offering.id, answers={}, consent=True)
    db.session.commit()
    participant = make_user("participant", "en", name="Kari Venteliste")

    login(page, participant.email)
    page.goto(f"/events/{offering.id}")
    join = page.get_by_role("link", name="Join the waiting list")
    assert join.is_visible()
    assert page.get_by_role("link", name="Register", exact=True).count() == 0
    join.click()
    page.wait_for_url(f"**/events/{offering.id}/register")
    assert "You will join the waiting list as number 1." in page.inner_text("main")

    # Without consent the form comes back with the error, and nothing is saved.
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()
    assert "You must agree to register." in page.inner_text("main")
    assert registrations.find_registration(participant, offering.id) is None

    page.fill("#dietary", "Vegetar")
    page.check("#consent")
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()
    assert urlsplit(page.url).path == "/me/registrations"
    assert "you are on the waiting list as number 1" in _flash(page)
    waiting = page.locator("section[aria-labelledby=waiting-heading]")
    assert offering.title in waiting.inner_text()
    assert "You are number 1 in line." in waiting.inner_text()
    assert "You have no upcoming places." in page.inner_text("main")

    # The other person cancels; in auto mode the first in line gets the place at once.
    db.session.rollback()  # see what the server committed
    taken = registrations.find_registration(other, offering.id)
    registrations.cancel(other, taken.id)
    db.session.commit()

    page.reload()
    assert page.locator("section[aria-labelledby=waiting-heading]").count() == 0
    upcoming = page.locator("section[aria-labelledby=upcoming-heading]").inner_text()
    assert offering.title in upcoming and "You have a place." in upcoming
    db.session.rollback()
    mine = registrations.find_registration(participant, offering.id)
    assert mine.status == "confirmed" and mine.answers.get("dietary") == "Vegetar"

    # The personal feed, read off the page and fetched as a calendar app would (no cookies).
    page.goto("/me/calendar")
    feed_url = page.inner_text("#feed-url").strip()
    assert feed_url.startswith(live_server.url + "/calendar/")
    assert page.get_attribute("#webcal-link", "href") == "webcal://" + feed_url.split("://", 1)[1]
    with urllib.request.urlopen(feed_url, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/calendar")
        body = response.read()
    calendar = icalendar.Calendar.from_ical(body)
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert f"session-{session_uuid}@127.0.0.1" in uids, uids
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert any(offering.title in summary for summary in summaries), summaries


def test_organiser_imports_checks_in_and_exports(page):
    organiser = make_user("organiser", "en")
    first = make_user("participant", "en", name="Anne Importert", email=unique_email("anne"))
    second = make_user("participant", "en", name="Bjørn Importert", email=unique_email("bjorn"))
    offering = reg_offering(capacity=5)

    login(page, organiser.email)
    page.goto(f"/manage/offerings/{offering.id}/participants")
    assert "Nobody matches." in page.inner_text("table")
    page.locator(".lms-subnav").get_by_role("link", name="Import").click()
    page.wait_for_url(f"**/manage/offerings/{offering.id}/import")
    content = f"email\n{first.email}\n{second.email.upper()}\n".encode()
    page.set_input_files(
        "#file", files=[{"name": "deltakere.csv", "mimeType": "text/csv", "buffer": content}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    assert urlsplit(page.url).path == f"/manage/offerings/{offering.id}/participants"
    assert "2 added, 0 were already registered." in _flash(page)
    table = page.inner_text("table")
    for person in (first, second):
        assert person.email in table and person.name in table

    page.locator(".lms-subnav").get_by_role("link", name="Check-in").click()
    page.wait_for_url(f"**/manage/offerings/{offering.id}/check-in")
    assert "0 of 2 recorded." in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("button", name=attended(first)).click()
    assert f"{first.name}: attended." in _flash(page)
    assert "1 of 2 recorded." in page.inner_text("main")
    pressed = page.get_by_role("button", name=attended(first))
    assert pressed.get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name=attended(second)).get_attribute("aria-pressed") is None
    db.session.rollback()
    statuses = {
        r.user_id: r.status
        for r in db.session.query(Registration).filter_by(offering_id=offering.id)
    }
    assert statuses == {first.id: "attended", second.id: "confirmed"}

    page.locator(".lms-subnav").get_by_role("link", name="Participants").click()
    page.wait_for_url(f"**/manage/offerings/{offering.id}/participants")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as CSV").click()
    download = info.value
    assert download.suggested_filename == f"participants-{offering.id}.csv"
    with open(download.path(), "rb") as handle:
        raw = handle.read()
    assert raw.startswith(b"\xef\xbb\xbf"), "the CSV must start with a BOM for spreadsheets"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    emails = [row[header.index("E-mail address")] for row in body]
    assert sorted(emails) == sorted([first.email, second.email])
    status_of = {row[header.index("E-mail address")]: row[header.index("Status")] for row in body}
    assert status_of[first.email] != status_of[second.email]
    assert "Bjørn Importert" in [row[header.index("Name")] for row in body]
