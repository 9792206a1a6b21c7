"""The programme builder in Chromium: an organiser builds a day with a clash, sees
publishing refused, fixes it by the move form with the keyboard alone, publishes; then
moves an item and publishes release 2, which mails the attendee who starred it.
Screenshots of the grid and publish pages at 360 and 1280 px go to LMS_SHOTS_DIR when
it is set, for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conference_build_support import at, first_day, make_conference, make_item
from factories import outbox
from sqlalchemy import select

from lms.conference.models import Conference, Item
from lms.conference.release_models import Release, Star
from lms.conference.releases import MAIL_KIND
from lms.extensions import db

from .keyboard import focused, press_and_wait, tab_to
from .site_pages import login, make_user

pytestmark = pytest.mark.browser


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
    page.select_option("#room_id", label=room)
    page.fill("#start", start)
    page.fill("#end", end)
    _save(page)
    assert f"{title} is moved." in page.inner_text(".lms-flashes")


def test_organiser_builds_a_day_fixes_a_clash_by_keyboard_and_publishes_two_releases(page):
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
    for title in ("Åpning", "Panel"):
        page.get_by_role("link", name="Add a programme item").click()
        page.fill("#title", title)
        _save(page)
    _place(page, conference.id, "Åpning", "Sal A", "09:00", "10:00")
    _place(page, conference.id, "Panel", "Sal A", "09:30", "10:30")

    # The grid shows both, marked as clashing; the publish page refuses and says why.
    page.goto(base)
    page.get_by_role("link", name="Grid of").first.click()
    assert page.locator(".lms-grid-item--clash").count() == 2
    _shots(page, "grid-clash")
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

    # An attendee stars the panel; moving it and publishing release 2 tells them.
    attendee = make_user("participant", "en")
    panel = db.session.scalar(select(Item).where(Item.title == "Panel"))
    db.session.add(Star(user_id=attendee.id, item_id=panel.id))
    db.session.commit()
    _place(page, conference.id, "Panel", "Sal B", "11:00", "11:45")
    page.goto(f"{base}/publish")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    assert "Release 2 is published." in page.inner_text(".lms-flashes")
    assert "Moved: Panel" in page.inner_text("main")
    db.session.rollback()
    newest = db.session.scalar(select(Release).order_by(Release.number.desc()))
    assert newest.number == 2 and newest.changes[0]["kind"] == "moved"
    [mail] = outbox(kind=MAIL_KIND)
    assert mail.to_address == attendee.email


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
