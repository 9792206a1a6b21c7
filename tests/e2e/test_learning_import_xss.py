"""Imported course files carrying the XSS corpus: hostile file names in files/ are refused
with the file and line, the rest imports as text, and the participants' pages made from
it run nothing in Chromium (no dialog, no element a payload tried to make)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from xss_corpus import PAYLOADS, one_text

from lms.extensions import db
from lms.learning.course_files import CourseTreeError, read_tree
from lms.learning.course_import import import_courses

from .site_pages import login, make_user
from .test_learning_xss import assert_clean

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parent.parent / "learning_courses"
MODULE = "ansvarlige-kjeder"
TEXT = one_text()
HOSTILE_NAMES = ["<img src=x onerror=alert(1)>.pdf", "..x.pdf'onload=alert(2)", "rapport ø.pdf"]


def hostile_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "courses"
    shutil.copytree(FIXTURE, tree)
    folder = tree / MODULE
    meta = yaml.safe_load((folder / "module.yaml").read_text(encoding="utf-8"))
    meta["title"] = PAYLOADS[1]
    meta["lessons"][1]["title"] = PAYLOADS[3]
    (folder / "module.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), "utf-8")
    (folder / "lessons" / "kontraktsvilkar.md").write_text(TEXT, encoding="utf-8")
    quiz = {"title": PAYLOADS[2], "intro": TEXT, "questions": [{
        "key": "xss-1", "type": "single", "text": TEXT, "feedback": TEXT,
        "options": [{"id": "a", "text": PAYLOADS[1], "fraction": 1, "feedback": TEXT},
                    {"id": "b", "text": PAYLOADS[2], "fraction": 0}]}]}  # fmt: skip
    (folder / "quizzes" / "forhandstest.yaml").write_text(
        yaml.safe_dump(quiz, allow_unicode=True), encoding="utf-8"
    )
    return tree


def test_hostile_course_files_are_refused_or_shown_as_text(page, tmp_path):
    tree = hostile_tree(tmp_path)
    files = tree / MODULE / "files"
    for name in HOSTILE_NAMES:
        (files / name).write_bytes(b"%PDF-1.4\n")
    with pytest.raises(CourseTreeError) as caught:
        read_tree(tree)
    for name in HOSTILE_NAMES:
        assert any(e.startswith(f"{MODULE}/files/{name}:1: ") for e in caught.value.errors), name
    for name in HOSTILE_NAMES:
        (files / name).unlink()

    import_courses(tree)
    db.session.commit()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, make_user("participant", "en").email)
    base = f"/learning/{MODULE}"
    for path in ("/learning", base, f"{base}/lessons/kontraktsvilkar",
                 f"{base}/quizzes/forhandstest"):  # fmt: skip
        response = page.goto(path)
        assert response.status < 400, f"{path}: {response.status}"
        assert_clean(page, path, dialogs)
    with page.expect_navigation():
        page.locator("form[action$='/start'] button").click()
    assert_clean(page, "the attempt", dialogs)
    assert "alert(" in page.inner_text("main")  # the payloads are shown, as text
