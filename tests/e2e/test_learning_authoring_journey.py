"""Authoring in Chromium: an instructor writes a module with a lesson and a quiz question
and publishes it, by keyboard; the lesson editor's preview works without JavaScript
(the Preview button) and with it (live, as typing pauses)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.learning.models import Module, ModuleVersion

from .site_pages import login, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_instructor_writes_a_module_and_publishes_it(page):
    instructor = make_user("instructor", "en")
    login(page, instructor.email)
    page.get_by_role("link", name="Modules", exact=True).click()
    page.get_by_role("link", name="New module").click()
    page.fill("#slug", "climate-in-procurement")
    page.fill("#title", "Climate in procurement")
    page.get_by_label("Climate and environment").check()
    page.fill("#objectives-0-code", "KL1")
    page.fill("#objectives-0-text", "Weigh climate at 30 %.")
    page.press("#objectives-0-text", "Enter")  # Enter saves; it does not add a row
    page.wait_for_url("**/manage/learning/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Climate in procurement"

    page.get_by_role("link", name="Add a lesson").click()
    page.fill("#title", "Why climate")
    page.fill("#body_md", "The **procurement regulation** § 7-9.")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Save", exact=True).press("Enter")
    page.wait_for_url("**/lessons/*")
    page.get_by_role("link", name="Back to Climate in procurement").click()

    page.get_by_role("link", name="Add a quiz").click()
    page.fill("#title", "Final quiz")
    page.get_by_role("button", name="Save the settings").click()
    page.get_by_role("link", name="True or false").click()
    page.fill("#text_md", "Climate may weigh 30 %.")
    page.get_by_label("KL1: Weigh climate at 30 %.").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the question").click()
    assert "The question is saved." in page.content()

    page.get_by_role("link", name="Module", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").press("Enter")
    page.get_by_text("Published as version 1.").wait_for()
    db.session.rollback()
    module = db.session.scalar(select(Module).filter_by(slug="climate-in-procurement"))
    version = db.session.scalar(select(ModuleVersion).filter_by(module_id=module.id))
    assert [q["title"] for q in version.content["quizzes"]] == ["Final quiz"]
    assert version.content["lessons"][0]["body_md"] == "The **procurement regulation** § 7-9."


@pytest.mark.parametrize("script", [False, True], ids=["no-javascript", "javascript"])
def test_the_lesson_preview_renders_the_markdown_sanitised(new_context, script):
    from learning_support import make_module

    context = new_context(java_script_enabled=script)
    page = context.new_page()
    instructor = make_user("instructor", "en")
    module = make_module(instructor=instructor)
    login(page, instructor.email)
    page.goto(f"/manage/learning/{module.id}/lessons/{module.lessons[0].id}")
    page.fill("#body_md", "Read **this**.\n\n<script>window.xss = 1</script>")
    if script:
        page.locator("#lesson-preview strong").wait_for()  # no button pressed
    else:
        with page.expect_navigation():
            page.get_by_role("button", name="Preview").click()
        assert page.url.endswith("#lesson-preview")
    assert page.locator("#lesson-preview strong").inner_text() == "this"
    assert page.locator("#lesson-preview script").count() == 0
    db.session.rollback()
    assert db.session.get(Module, module.id).lessons[0].body_md == "# Lesson 1\n\nText."
