"""The conference's door in Chromium: an attendee is checked in from the QR code of their
confirmation mail on a 360 px phone (the code decoded with zxing-cpp, then typed into the
check-in page as the camera fallback), and a second scan says when they came."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import conference_door_support as door
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from lms.conference.registration import register_attendee
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.rendering import render_message
from lms.registrations.models import Registration
from lms.timeutil import utcnow

from .site_pages import login, make_user
from .test_accessibility import format_violations, run_axe

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# Screenshots to look at (360 and 1280 px), written only where this names a folder.
SHOTS = os.environ.get("LMS_TEST_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _code_from_mail(address: str) -> str:
    db.session.rollback()
    message = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.to_address == address,
            OutboxMessage.kind == "conference_registration_confirmed",
        )
    ).one()
    _subject, _text, _html, files = render_message(message)
    png = next(data for name, _type, data in files if name == "check-in-code.png")
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found.text


def test_attendee_is_checked_in_from_the_qr_code_of_their_mail_on_a_phone(
    new_context, live_server, axe_url
):
    organiser = make_user("organiser", "en", name="Dora Dørvakt")
    conference = door.conference(organiser, days_ahead=0, title="Innkjøpskonferansen 2026")
    attendee = make_user("participant", "en", name="Ingrid Deltakersen")
    # Registered the week before (registration closes when the first day starts).
    register_attendee(
        attendee,
        conference,
        days=[conference.days[0].day.isoformat()],
        dietary="Vegetarian",
        accessibility="Step-free access",
        now=utcnow() - timedelta(days=7),
    )
    db.session.commit()
    code = _code_from_mail(attendee.email)
    assert len(code) == 8

    # bypass_csp only so that axe can be injected; the page itself runs no inline script.
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True).new_page()
    login(phone, organiser.email)
    phone.goto(f"/manage/conferences/{conference.slug}/check-in")
    _shot(phone, "check-in-360")
    # No horizontal scrolling on the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.fill("#code", code.lower())
    with phone.expect_navigation():
        phone.get_by_role("button", name="Check in").click()
    result = phone.locator("#check-in-result").inner_text()
    assert "Welcome, Ingrid Deltakersen" in result
    assert "Vegetarian" in result and "Step-free access" in result
    _shot(phone, "checked-in-360")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    violations = run_axe(phone, axe_url)
    assert violations == [], format_violations(violations)

    phone.fill("#code", code)
    with phone.expect_navigation():
        phone.press("#code", "Enter")
    assert "Already checked in (at" in phone.locator("#check-in-result").inner_text()
    _shot(phone, "already-360")

    desk = new_context(viewport=DESKTOP).new_page()
    login(desk, organiser.email)
    desk.goto(f"/manage/conferences/{conference.slug}/check-in")
    desk.fill("#code", "ZZZZ ZZZZ")
    with desk.expect_navigation():
        desk.press("#code", "Enter")
    assert "Unknown code" in desk.locator("#check-in-result").inner_text()
    _shot(desk, "unknown-1280")


def test_attendee_registers_for_the_days_they_come(new_context, live_server):
    organiser = make_user("organiser", "nb")
    conference = door.conference(organiser, days_ahead=20)
    person = make_user("participant", "nb", name="Per Påmeldt")
    for name, viewport in (("360", PHONE), ("1280", DESKTOP)):
        page = new_context(viewport=viewport).new_page()
        login(page, person.email)
        page.goto(f"/conferences/{conference.slug}/register")
        _shot(page, f"register-{name}")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.uncheck("#days-0")
    page.fill("#dietary", "Vegetar")
    with page.expect_navigation():
        page.get_by_role("button", name="Meld deg på").click()
    assert "Du har plass." in page.inner_text("main")
    db.session.rollback()
    row = db.session.scalar(select(Registration).where(Registration.user_id == person.id))
    assert row.answers["days"] == [conference.days[1].day.isoformat()]
