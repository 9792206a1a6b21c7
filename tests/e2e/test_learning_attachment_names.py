"""Uploading an attachment in the browser under a hostile file name: the name is refused
and shown back as text, nothing runs; a Norwegian name is kept and served with an RFC
6266 Content-Disposition (an ASCII fallback and the UTF-8 name)."""

from __future__ import annotations

import pytest
from learning_support import make_module

from lms.extensions import db
from lms.learning.models import Attachment

from .site_pages import login, make_user
from .test_learning_xss import assert_clean

pytestmark = pytest.mark.browser

HOSTILE = ["<img id=xss2 src=x onerror=alert(2)>.pdf", "../x.pdf", '"><svg onload=alert(4)>.txt']


def upload(page, name: str, data: bytes, mime: str) -> None:
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )
    with page.expect_navigation():
        page.locator("form.lms-form button[type=submit]").click()


def test_a_hostile_upload_name_is_refused_and_a_norwegian_one_served_safely(page):
    instructor = make_user("instructor", "en")
    module = make_module(instructor=instructor)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, instructor.email)
    page.goto(f"/manage/learning/{module.id}/attachments")
    for name in HOSTILE:
        upload(page, name, b"x", "text/plain")
        assert_clean(page, name, dialogs)
        assert page.locator("#file-error").count() == 1, name
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0

    upload(page, "vilkår-æøå.txt", "Vilkår".encode(), "text/plain")
    assert_clean(page, "after the upload", dialogs)
    link = page.locator("a[href*='/files/']").first
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    disposition = response.headers["content-disposition"]
    assert disposition == (
        'attachment; filename="vilk_r-___.txt"; '
        "filename*=UTF-8''vilk%C3%A5r-%C3%A6%C3%B8%C3%A5.txt"
    )
    assert response.headers["x-content-type-options"] == "nosniff"
