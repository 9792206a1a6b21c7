"""The programme builder's pages as an organiser sees them on a wide and a narrow screen:
a day's grid with four rooms named with long words shows them all side by side at 1280 px
without the page scrolling sideways, and a long day scrolls inside the grid's own box with
the rooms' row kept in view."""

from __future__ import annotations

import pytest
from conference_build_support import at, first_day, make_conference, make_item

from .site_pages import LONG_WORD, login, make_user
from .test_layout import sideways_problem

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 720}


def _wide_long_day():
    rooms = tuple((f"Sal {n} {LONG_WORD}", 100) for n in range(1, 5))
    conference = make_conference("bred-dag", rooms=rooms)
    day = first_day()
    for hour in range(8, 17):
        for room in conference.rooms:
            make_item(conference, f"Økt {hour} {LONG_WORD}", room=room, start=at(day, hour))
    return conference


def test_a_wide_long_grid_scrolls_in_its_box_with_the_rooms_in_view(new_context, live_server):
    organiser = make_user("organiser", "nb")
    conference = _wide_long_day()
    page = new_context(viewport=DESKTOP).new_page()
    login(page, organiser.email)
    page.goto(f"/manage/conferences/{conference.id}/days/{conference.days[0].id}")

    assert sideways_problem(page, "grid") is None
    box = page.locator(".lms-grid-wrap")
    frame = box.bounding_box()
    rooms = page.locator(".lms-grid-wrap thead th")
    for n in range(1, 5):
        header = rooms.nth(n).bounding_box()
        assert header["x"] + header["width"] <= frame["x"] + frame["width"] + 1, f"room {n} hidden"

    assert box.evaluate("e => e.scrollHeight > e.clientHeight"), "a long day scrolls in its box"
    box.evaluate("e => { e.scrollTop = e.scrollHeight / 2; }")
    header = rooms.nth(1).bounding_box()
    assert header["y"] == pytest.approx(frame["y"], abs=2), "the rooms' row stays at the top"


# Whether the focused element is hidden under the grid's sticky rooms' row or times' column:
# the topmost element at each of its corners must be the element itself (or inside it).
COVERED_JS = """() => {
  const e = document.activeElement, r = e.getBoundingClientRect();
  const points = [[r.left + 2, r.top + 2], [r.right - 2, r.top + 2],
                  [r.left + 2, r.bottom - 2], [r.right - 2, r.bottom - 2]];
  return points.some(([x, y]) => { const top = document.elementFromPoint(x, y);
    return !top || !(top === e || e.contains(top)); });
}"""


def test_tabbing_through_a_long_grid_never_hides_focus_under_the_sticky_rows(
    new_context, live_server
):
    organiser = make_user("organiser", "en")
    conference = _wide_long_day()
    page = new_context(viewport=DESKTOP).new_page()
    login(page, organiser.email)
    page.goto(f"/manage/conferences/{conference.id}/days/{conference.days[0].id}")
    inside = "document.activeElement.closest('.lms-grid-wrap tbody') !== null"
    page.focus(".lms-grid-wrap")
    # Down the grid with Tab, then back up with Shift+Tab (which scrolls each link in at
    # the top edge, where the rooms' row is).
    for key in ("Tab", "Shift+Tab"):
        seen = 0
        for _ in range(60):
            page.keyboard.press(key)
            if not page.evaluate(inside):
                break
            seen += 1
            assert not page.evaluate(COVERED_JS), f"{key} {seen}: focus under the sticky rows"
        assert seen >= 30, f"{key} walks the grid's Move links"
        if key == "Tab":
            page.keyboard.press("Shift+Tab")  # back onto the grid's last link
