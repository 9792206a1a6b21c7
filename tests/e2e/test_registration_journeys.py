"""Registration journeys in Chromium: a participant joins a full offering's waiting list,
moves up when a place frees and finds the session in their calendar feed; an organiser
imports participants from a CSV, checks one in and downloads the participant list; an
organiser ticks people on the list, writes to them (preview, a test to themself, send) and
cancels some of them after a page that asks."""

from __future__ import annotations

import csv
import io
import re
import urllib.request
from urllib.parse import urlsplit

import icalendar
import pytest
from registrations_support import begin_now

from lms.extensions import db
from lms.registrations import services as registrations
from lms.registrations.models import Registration

from .keyboard import focused, press_and_wait, tab_to
from .site_pages import login, make_user, reg_offering, unique_email
from .test_accessibility import format_violations, run_axe

pytestmark = pytest.mark.browser


def attended(person) -> re.Pattern:
    """The check-in button's accessible name (the sr-only ": name" may get a space before it)."""
    return re.compile(rf"^Attended\s*:\s*{re.escape(person.name)}$")


PHONE = {"width": 360, "height": 740}
MIN_TARGET_PX = 44  # WCAG 2.5.5 target size (2.5.8 asks for 24)


def _flash(page) -> str:
    return page.inner_text(".lms-flashes")


def test_participant_waits_moves_up_and_finds_the_session_in_the_feed(
    page, new_context, live_server
):
    """Ola takes the only seat and Kari joins the list, each in their own browser; Ola
    cancels on his page, and Kari has the place, and the session in her feed."""
    offering = reg_offering(capacity=1, waitlist_mode="auto")
    session_uuid = offering.sessions[0].uid
    other = make_user("participant", "en", name="Ola Plassholder")
    participant = make_user("participant", "en", name="Kari Venteliste")

    ola = new_context().new_page()
    login(ola, other.email)
    ola.goto(f"/events/{offering.id}")
    ola.get_by_role("link", name="Register", exact=True).click()
    ola.wait_for_url(f"**/events/{offering.id}/register")
    ola.check("#consent")
    with ola.expect_navigation():
        ola.get_by_role("button", name="Register").click()
    assert urlsplit(ola.url).path == "/me/registrations"
    upcoming = ola.locator("section[aria-labelledby=upcoming-heading]").inner_text()
    assert offering.title in upcoming and "You have a place." in upcoming

    login(page, participant.email)
    page.goto(f"/events/{offering.id}")
    join = page.get_by_role("link", name="Join the waiting list")
    assert join.is_visible()
    assert page.get_by_role("link", name="Register", exact=True).count() == 0
    join.click()
    page.wait_for_url(f"**/events/{offering.id}/register")
    assert "You will join the waiting list as number 1." in page.inner_text("main")

    # The form's button says what it does; without consent the form comes back with the
    # error, and nothing is saved.
    assert page.get_by_role("button", name="Register").count() == 0
    with page.expect_navigation():
        page.get_by_role("button", name="Join the waiting list").click()
    assert "You must agree to register." in page.inner_text("main")
    assert registrations.find_registration(participant, offering.id) is None

    page.fill("#dietary", "Vegetar")
    page.check("#consent")
    with page.expect_navigation():
        page.get_by_role("button", name="Join the waiting list").click()
    assert urlsplit(page.url).path == "/me/registrations"
    assert "you are on the waiting list as number 1" in _flash(page)
    waiting = page.locator("section[aria-labelledby=waiting-heading]")
    assert offering.title in waiting.inner_text()
    assert "You are number 1 in line." in waiting.inner_text()
    assert "You have no upcoming places." in page.inner_text("main")

    # Ola cancels on his page; in auto mode the first in line gets the place at once.
    ola.reload()
    ola.get_by_role(
        "link", name=re.compile(rf"^Cancel my place\s*:\s*{re.escape(offering.title)}$")
    ).click()
    with ola.expect_navigation():
        ola.get_by_role("button", name="Cancel my place").click()
    assert urlsplit(ola.url).path == "/me/registrations"
    assert "You have no upcoming places." in ola.inner_text("main")
    db.session.rollback()  # see what the server committed
    assert registrations.find_registration(other, offering.id).status == "cancelled"

    page.reload()
    assert page.locator("section[aria-labelledby=waiting-heading]").count() == 0
    upcoming = page.locator("section[aria-labelledby=upcoming-heading]").inner_text()
    assert offering.title in upcoming and "You have a place." in upcoming
    db.session.rollback()
    mine = registrations.find_registration(participant, offering.id)
    assert mine.status == "confirmed" and mine.answers.get("dietary") == "Vegetar"

    # The personal feed, read off the page and fetched as a calendar app would (no cookies).
    page.goto("/me/calendar")
    feed_url = page.input_value("#feed-url").strip()
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
    begin_now(offering)  # the first day: places may still be added, and people checked in

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
    assert "2 got a place." in _flash(page)
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
    unpressed = page.get_by_role("button", name=attended(second))
    assert unpressed.get_attribute("aria-pressed") == "false"
    db.session.rollback()
    statuses = {
        r.user_id: r.status
        for r in db.session.query(Registration).filter_by(offering_id=offering.id)
    }
    assert statuses == {first.id: "attended", second.id: "confirmed"}

    page.locator(".lms-subnav").get_by_role("link", name="Participants").click()
    page.wait_for_url(f"**/manage/offerings/{offering.id}/participants")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV separated by commas (Excel in English)").click()
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


def test_organiser_writes_to_the_ticked_and_cancels_them_after_asking(page):
    organiser = make_user("organiser", "en", name="Olga Organisator")
    offering = reg_offering(capacity=5)
    people = [
        make_user("participant", "en", name=name, email=unique_email("p"))
        for name in ("Anne Avkrysset", "Bjørn Avkrysset", "Cecilie Uberørt")
    ]
    for person in people:
        registrations.register(person, offering.id, answers={}, consent=True)
    db.session.commit()
    ids = [registrations.find_registration(p, offering.id).id for p in people]

    login(page, organiser.email)
    page.goto(f"/manage/offerings/{offering.id}/participants")
    for person in people[:2]:
        page.get_by_label(f"Choose {person.name}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Write to them").click()
    assert "Chosen on the participant list: 2 people." in page.inner_text("main")
    assert page.get_by_label("Only those you chose on the participant list").is_checked()
    page.get_by_label("Subject").fill("Nytt rom")
    page.get_by_label("Message").fill("Vi er i rom Ås.\n\nVelkommen!")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    preview = page.inner_text("main")
    assert f"Nytt rom – {offering.title}" in preview and "Vi er i rom Ås." in preview
    with page.expect_navigation():
        page.get_by_role("button", name="Send a test to myself").click()
    assert f"A test copy is on its way to {organiser.email}." in _flash(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send to 2 people").click()
    assert "The message is on its way to 2 people." in _flash(page)
    sent = page.locator("table").last.inner_text()
    assert "Olga Organisator" in sent and "Nytt rom" in sent

    page.locator(".lms-subnav").get_by_role("link", name="Participants").click()
    page.wait_for_url(f"**/manage/offerings/{offering.id}/participants")
    for person in people[:2]:
        page.get_by_label(f"Choose {person.name}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel their registrations…").click()
    asking = page.inner_text("main")
    assert "Cancel 2 registrations?" in asking and "cannot be undone" in asking
    db.session.rollback()
    assert {db.session.get(Registration, i).status for i in ids} == {"confirmed"}
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, cancel 2 registrations").click()
    assert "2 registrations are cancelled." in _flash(page)
    db.session.rollback()
    assert [db.session.get(Registration, i).status for i in ids] == [
        "cancelled",
        "cancelled",
        "confirmed",
    ]


def test_check_in_on_a_phone_by_keyboard(new_context, live_server, axe_url):
    """Check-in at phone width, by keyboard only: both buttons of each person say whether
    they are pressed, a correction flips them, after each mark the next Tab stays with that
    person, the buttons are big enough to tap, nothing scrolls sideways and axe finds nothing."""
    organiser = make_user("organiser", "en")
    offering = reg_offering(capacity=3)
    first = make_user("participant", "en", name="Åse Frammøtt")
    second = make_user("participant", "en", name="Per Borte")
    for person in (first, second):
        registrations.register(person, offering.id, answers={}, consent=True)
    db.session.commit()
    begin_now(offering)
    ids = {p.id: registrations.find_registration(p, offering.id).id for p in (first, second)}

    # bypass_csp only so that axe can be injected; the page itself runs no inline script.
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
    page = context.new_page()
    login(page, organiser.email)
    page.goto(f"/manage/offerings/{offering.id}/check-in")

    def buttons(person) -> dict[str, str | None]:
        form = page.locator(f"#person-{ids[person.id]} form")
        return {
            value: form.locator(f"button[name=attended][value={value}]").get_attribute(
                "aria-pressed"
            )
            for value in ("yes", "no")
        }

    def is_button(person, value: str):
        action = f"/check-in/{ids[person.id]}"
        return lambda info: (
            info["tag"] == "button"
            and info["form"].split("?")[0].endswith(action)
            and info["value"] == value
        )

    assert buttons(first) == buttons(second) == {"yes": "false", "no": "false"}

    tab_to(page, "the first person's Attended button", is_button(first, "yes"))
    press_and_wait(page, "Enter")
    assert f"{first.name}: attended." in _flash(page)
    assert buttons(first) == {"yes": "true", "no": "false"}
    assert buttons(second) == {"yes": "false", "no": "false"}

    # Back at the same person (#person-<id>): Tab goes on from there, not from the top,
    # through the session's own check-in to the offering's summary.
    page.keyboard.press("Tab")
    assert "sessions" in focused(page)["form"], focused(page)
    page.keyboard.press("Tab")
    assert is_button(first, "yes")(focused(page)), focused(page)
    page.keyboard.press("Tab")
    assert is_button(first, "no")(focused(page)), focused(page)
    press_and_wait(page, " ")  # a correction, with Space
    assert f"{first.name}: did not come." in _flash(page)
    assert buttons(first) == {"yes": "false", "no": "true"}
    assert "1 of 2 recorded." in page.inner_text("main")

    db.session.rollback()  # see what the server committed
    assert registrations.find_registration(first, offering.id).status == "no_show"
    assert registrations.find_registration(second, offering.id).status == "confirmed"

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for box in (b.bounding_box() for b in page.locator(".lms-checkin__buttons button").all()):
        assert box["width"] >= MIN_TARGET_PX and box["height"] >= MIN_TARGET_PX, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    violations = run_axe(page, axe_url)
    assert not violations, format_violations(violations)
