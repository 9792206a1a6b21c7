"""The programme builder in Chromium, the issue's "done when" as one journey: an organiser
builds a day with a clash, sees publishing refused, fixes it by the move form with the
keyboard alone, publishes; a speaker confirms through the link of their invitation and
edits their profile; an attendee stars an item and subscribes to their feed; the organiser
moves the item and publishes release 2, which mails the attendee (whose feed then shows the
new time with a higher SEQUENCE) and the speaker. Check-in from the mail's QR code on a
360 px phone is tests/e2e/test_conference_door.py. Screenshots of the grid and publish pages
at 360 and 1280 px go to LMS_SHOTS_DIR when it is set, for a person to look at."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conference_build_support import at, first_day, make_conference, make_item
from factories import outbox
from icalendar import Calendar
from sqlalchemy import select

from lms.conference.models import Conference, Item
from lms.conference.release_models import Release
from lms.conference.releases import MAIL_KIND
from lms.extensions import db
from lms.mail.rendering import render_message

from .keyboard import focused, press_and_wait, tab_to
from .site_pages import login, make_user

pytestmark = pytest.mark.browser
INVITATION_RE = re.compile(r"https?://\S+/conferences/speaker-invitations/[\w-]+")


def _invite(page, base: str, speaker_name: str) -> None:
    """The organiser sends the speaker's invitation from the builder's speaker list."""
    page.goto(base)
    with page.expect_navigation():
        page.locator("li", has_text=speaker_name).get_by_role("button", name="Invite").click()
    assert "The invitation is on its way" in page.inner_text(".lms-flashes")
    assert "waiting for the speaker to confirm" in page.inner_text("main")


def _save(page) -> None:
    with page.expect_navigation():
        page.locator("main form.lms-form button[type=submit]").first.click()


def _shots(page, name: str) -> None:
    folder = os.environ.get("LMS_SHOTS_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _place(page, conference_id: int, title: str, room: str, start: str, end: str) -> None:
    page.goto(f"/manage/conferences/{conference_id}")
    row = page.locator("tr", has=page.get_by_role("link", name=title, exact=True))
    row.get_by_role("link", name="Place").or_(row.get_by_role("link", name="Move")).click()
    # Each room is offered with its seats ("Sal A (200 seats)").
    page.select_option(
        "#room_id", page.locator("#room_id option", has_text=room).get_attribute("value")
    )
    page.fill("#start", start)
    page.fill("#end", end)
    _save(page)
    assert f"{title} is moved." in page.inner_text(".lms-flashes")


def _feed_event(page, title: str):
    """The VEVENT called ``title`` in the person's own feed, fetched as a calendar app does
    (the address read off their calendar page), parsed with icalendar."""
    page.goto("/me/calendar")
    address = page.input_value("#feed-url")
    response = page.request.get(address)
    assert response.status == 200
    calendar = Calendar.from_ical(response.body())
    [event] = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == title]
    return event


def _mail_to(address: str, kind: str) -> tuple[str, str]:
    """Subject and text of the one ``kind`` mail queued for ``address``, rendered as sent."""
    db.session.rollback()
    [message] = [m for m in outbox(kind=kind) if m.to_address == address]
    subject, text, _html, _files = render_message(message)
    return subject, text


def test_organiser_builds_and_publishes_a_programme_a_speaker_confirms_an_attendee_follows(
    page, new_context
):
    organiser = make_user("organiser", "en")
    login(page, organiser.email)
    page.goto("/manage/conferences")
    page.get_by_role("link", name="New conference").click()
    page.fill("#title", "Anskaffelseskonferansen")
    page.fill("#slug", "anskaffelser")
    page.fill("#day_starts", "08:00")
    page.fill("#day_ends", "18:00")
    _save(page)
    conference = db.session.scalar(select(Conference))
    base = f"/manage/conferences/{conference.id}"

    page.fill("#day", first_day().isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Add the day").click()
    for name, seats in (("Sal A", "200"), ("Sal B", "60")):
        page.get_by_role("link", name="Add a room").click()
        page.fill("#name", name)
        page.fill("#capacity", seats)
        _save(page)
    speaker_user = make_user("participant", "en", name="Sara Foredragsholder")
    page.get_by_role("link", name="Add a speaker").click()
    page.fill("#name", "Sara Foredragsholder")
    page.fill("#email", speaker_user.email)
    _save(page)
    for title in ("Åpning", "Panel"):
        page.get_by_role("link", name="Add a programme item").click()
        page.fill("#title", title)
        if title == "Panel":
            page.get_by_label("Sara Foredragsholder").check()
        _save(page)
    _place(page, conference.id, "Åpning", "Sal A", "09:00", "10:00")
    _place(page, conference.id, "Panel", "Sal A", "09:30", "10:30")

    # The grid shows both, marked as clashing; the publish page refuses and says why.
    page.goto(base)
    with page.expect_navigation():
        page.get_by_role("link", name="Grid of").first.click()
    assert page.locator(".lms-grid-item--clash").count() == 2
    _shots(page, "grid-clash")
    with page.expect_navigation():
        page.get_by_role("link", name="See the clashes").click()
    assert "The room is booked twice at once" in page.inner_text("main")
    assert "Publishing is refused while there are clashes." in page.inner_text("main")
    assert page.get_by_role("button", name="Publish").count() == 0
    _shots(page, "publish-refused")

    # Fixed with the keyboard alone: Tab to the clash's link, Enter; the room by arrow key.
    tab_to(page, "the Fix it link", lambda f: f["tag"] == "a" and f["text"].startswith("Fix it"))
    press_and_wait(page)
    tab_to(page, "the room", lambda f: f["id"] == "room_id")
    assert page.input_value("#room_id") == str(conference.rooms[0].id)
    page.keyboard.press("ArrowDown")
    assert page.input_value("#room_id") == str(conference.rooms[1].id)
    tab_to(page, "Move the item", lambda f: f["tag"] == "button")
    assert focused(page)["text"] == "Move the item"
    press_and_wait(page)
    assert "Panel is moved." in page.inner_text(".lms-flashes")
    assert page.locator(".lms-grid-item--clash").count() == 0
    _shots(page, "grid")

    page.goto(f"{base}/publish")
    assert "No clashes: the programme can be published." in page.inner_text("main")
    _shots(page, "publish")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    assert "Release 1 is published." in page.inner_text(".lms-flashes")
    assert "New: Panel" in page.inner_text("main")

    # The speaker is invited from the builder, confirms through the mailed link, edits
    # their profile and sees their item and its time.
    _invite(page, base, "Sara Foredragsholder")
    _subject, text = _mail_to(speaker_user.email, "conference_speaker_invitation")
    [link] = INVITATION_RE.findall(text)
    speaker = new_context().new_page()
    login(speaker, speaker_user.email)
    speaker.goto(link)
    with speaker.expect_navigation():
        speaker.get_by_role("button", name="Confirm").click()
    assert "You can now edit your speaker profile." in speaker.inner_text(".lms-flashes")
    assert "Panel" in speaker.inner_text("main")
    speaker.fill("#job_title", "Innkjøpsrådgiver")
    speaker.fill("#bio", "Leder nettverket for ansvarlige innkjøp.")
    with speaker.expect_navigation():
        speaker.get_by_role("button", name="Save").click()
    assert "Your profile is saved." in speaker.inner_text(".lms-flashes")
    assert "from the next release the organisers publish" in speaker.inner_text("main")

    # An attendee stars the panel on its page; their own feed carries it.
    attendee_user = make_user("participant", "en")
    attendee = new_context().new_page()
    login(attendee, attendee_user.email)
    attendee.goto(f"/conferences/{conference.slug}")
    attendee.get_by_role("link", name="Panel", exact=True).first.click()
    with attendee.expect_navigation():
        attendee.get_by_role("button", name="Add to my agenda").click()
    assert "This item is in your agenda." in attendee.inner_text("main")
    before = _feed_event(attendee, "Panel")
    assert before.decoded("DTSTART") == at(first_day(), 9, 30)

    # Moving it and publishing release 2 tells the attendee and the speaker.
    _place(page, conference.id, "Panel", "Sal B", "11:00", "11:45")
    page.goto(f"{base}/publish")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    assert "Release 2 is published." in page.inner_text(".lms-flashes")
    assert "Moved: Panel" in page.inner_text("main")
    db.session.rollback()
    newest = db.session.scalar(select(Release).order_by(Release.number.desc()))
    assert newest.number == 2 and newest.changes[0]["kind"] == "moved"
    for address in (attendee_user.email, speaker_user.email):
        subject, text = _mail_to(address, MAIL_KIND)
        assert subject == "Programme changes: Anskaffelseskonferansen"
        assert "Panel" in text and "11:00–11:45, Sal B" in text
    # The attendee follows the mail's link to the release's changes.
    [changes] = re.findall(r"https?://\S+/changes#release-2", text)
    attendee.goto(changes)
    release_2 = attendee.inner_text("#release-2-section")
    assert "Moved\nPanel, now" in release_2 and "11:00–11:45, Sal B" in release_2
    after = _feed_event(attendee, "Panel")
    assert after.decoded("DTSTART") == at(first_day(), 11)
    assert after.decoded("DTEND") == at(first_day(), 11, 45)
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    # The speaker's own words are public from release 2 on.
    speaker.goto(f"/conferences/{conference.slug}/speakers")
    with speaker.expect_navigation():
        speaker.get_by_role("link", name="Sara Foredragsholder").click()
    assert "Leder nettverket for ansvarlige innkjøp." in speaker.inner_text("main")


def test_dragging_an_item_to_another_cell_submits_the_same_move(page):
    """The progressive enhancement: a drop fills and posts the move form (the server
    checks it as a typed move); the item keeps its length."""
    conference = make_conference("dra")
    hall, small = conference.rooms
    day = conference.days[0]
    item = make_item(conference, "Åpning", room=hall, start=at(day.day, 9), minutes=45)
    login(page, make_user("organiser", "en").email)
    page.goto(f"/manage/conferences/{conference.id}/days/{day.id}")
    target = page.locator(f'td[data-room="{small.id}"][data-start="11:00"]')
    with page.expect_navigation():
        page.locator(f"#item-{item.id}").drag_to(target)
    assert "Åpning is moved." in page.inner_text(".lms-flashes")
    db.session.expire_all()
    moved = db.session.get(Item, item.id)
    assert (moved.room_id, moved.starts_at, moved.ends_at) == (
        small.id,
        at(day.day, 11),
        at(day.day, 11, 45),
    )
