"""The participants' learning pages in Chromium with every XSS payload of the corpus in
every text a module carries (title, summary, objectives, lesson, quiz intro, question,
options, feedback, overall feedback): no dialog opens and no element a payload tried to
make is in the page, before and after submitting (the review shows the feedback)."""

from __future__ import annotations

import pytest
from learning_support import make_module
from xss_corpus import DANGEROUS_SELECTOR, PAYLOADS, one_text

from lms.extensions import db
from lms.learning.publishing import publish

from .site_pages import login, make_user

pytestmark = pytest.mark.browser

TEXT = one_text()
QUESTIONS = [
    {
        "kind": "single",
        "text_md": TEXT,
        "spec": {
            "options": [
                {"id": f"o{n}", "text": payload, "fraction": int(n == 0), "feedback": TEXT}
                for n, payload in enumerate(PAYLOADS)
            ]
        },
    },
    {
        "kind": "matching",
        "text_md": PAYLOADS[1],
        "spec": {
            "pairs": [
                {"id": f"p{n}", "prompt": p, "answer": f"{p} {n}"}
                for n, p in enumerate(PAYLOADS[:4])
            ]
        },
    },
    {"kind": "short", "text_md": PAYLOADS[2], "spec": {"answers": [{"text": PAYLOADS[3]}]}},
]
REVIEW = {"immediately": ["score", "answers", "right_answers", "feedback"]}


def assert_clean(page, where: str, dialogs: list) -> None:
    assert not dialogs, f"{where}: a dialog opened: {dialogs}"
    found = page.locator(DANGEROUS_SELECTOR).evaluate_all("els => els.map(e => e.outerHTML)")
    assert not found, f"{where}: {found}"


def test_no_payload_runs_on_the_participants_pages(page):
    module = make_module(
        title=PAYLOADS[0][:200], questions=QUESTIONS, review=REVIEW, published=False,
        intro_md=TEXT, overall_feedback=[{"min_percent": 0, "text_md": TEXT}],
    )  # fmt: skip
    module.summary_md = TEXT
    module.objectives[0].text = TEXT
    module.lessons[0].title = PAYLOADS[3]
    module.lessons[0].body_md = TEXT
    publish(None, module, check_permission=False)
    db.session.commit()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, make_user("participant", "en").email)
    base = f"/learning/{module.slug}"
    for path in ("/learning", base, f"{base}/lessons/lesson-1", f"{base}/quizzes/quiz"):
        page.goto(path)
        assert_clean(page, path, dialogs)
    with page.expect_navigation():
        page.locator("form[action$='/start'] button").click()
    assert_clean(page, "the attempt", dialogs)
    page.locator("input[type=radio]").first.check()
    with page.expect_navigation():
        page.locator("button[value=submit]").click()
    assert_clean(page, "the confirmation", dialogs)
    with page.expect_navigation():
        page.locator("form[action$='/submit'] button").click()
    assert page.url.endswith("/review")
    assert_clean(page, "the review", dialogs)
    assert "alert(" in page.inner_text("main")  # the payloads are shown, as text
