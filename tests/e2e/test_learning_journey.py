"""A participant takes a quiz in Chromium by keyboard alone (Tab, Space, Enter, arrow keys
and typing): starts it, answers, sees the autosave (a reload keeps the answers), submits,
and reads the review. The time left is announced at its few moments and the attempt ends
at the deadline; two tabs on one attempt cannot overwrite each other unseen."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from learning_support import make_module
from playwright.sync_api import expect

from lms.extensions import db
from lms.learning.attempt_models import Attempt
from lms.learning.attempts import start_attempt
from lms.timeutil import utcnow

from .keyboard import focused, press_and_wait, tab_to, translator
from .site_pages import login, make_user

pytestmark = pytest.mark.browser

QUESTIONS = [
    {
        "kind": "single",
        "text_md": "Which act requires due diligence of larger enterprises?",
        "spec": {"options": [
            {"id": "a", "text": "The Transparency Act", "fraction": 1, "feedback": "Yes, § 4."},
            {"id": "b", "text": "The Planning Act", "fraction": 0},
            {"id": "c", "text": "The Road Traffic Act", "fraction": 0},
        ]},
    },
    {
        "kind": "multiple",
        "text_md": "Which are ILO fundamental conventions?",
        "spec": {"options": [
            {"id": "a", "text": "C29 Forced Labour", "weight": "0.5"},
            {"id": "b", "text": "C138 Minimum Age", "weight": "0.5"},
            {"id": "c", "text": "C999 Invented", "weight": "-1"},
        ]},
    },
    {
        "kind": "short",
        "text_md": "Name the Norwegian act on supply-chain transparency (one word).",
        "spec": {"answers": [{"text": "åpenhetsloven"}]},
    },
]  # fmt: skip
REVIEW = {"immediately": ["score", "answers", "right_answers", "feedback"]}


def label_of(page, info: dict) -> str:
    return page.locator(f"label[for='{info['id']}']").inner_text().strip()


def choose_radio(page, wanted: str) -> None:
    """Tab into the next radio group, then arrow keys to the option labelled ``wanted``
    (an arrow key checks what it reaches; Space checks the first one)."""
    info = tab_to(page, "a radio button", lambda f: f["type"] == "radio")
    if label_of(page, info) == wanted:
        page.keyboard.press("Space")
        return
    for _ in range(5):
        page.keyboard.press("ArrowDown")
        if label_of(page, focused(page)) == wanted:
            return
    pytest.fail(f"no option {wanted!r} in the group")


def tick_boxes(page, wanted: set[str]) -> None:
    """Tab through the next group of checkboxes, Space on those labelled ``wanted``."""
    info = tab_to(page, "a checkbox", lambda f: f["type"] == "checkbox")
    while info["type"] == "checkbox":
        if label_of(page, info) in wanted:
            page.keyboard.press("Space")
        page.keyboard.press("Tab")
        info = focused(page)


def test_a_participant_takes_a_quiz_by_keyboard_alone(page, live_server):
    t = translator(live_server.app, "en")
    module = make_module(questions=QUESTIONS, time_limit_minutes=30, review=REVIEW)
    learner = make_user("participant", "en")
    login(page, learner.email)
    page.goto(f"/learning/{module.slug}/quizzes/quiz")
    assert t("When the time is up, the attempt is submitted with the answers saved by then.") in (
        page.inner_text("main")
    )
    tab_to(page, "the start button", lambda f: f["text"] == t("Start the quiz"))
    press_and_wait(page, "Enter")
    assert re.fullmatch(r"/learning/attempts/\d+", urlsplit(page.url).path)
    expect(page.locator("[data-time-left]")).to_have_text(re.compile(r"^(30:00|29:\d\d)$"))

    choose_radio(page, "The Transparency Act")
    tick_boxes(page, {"C29 Forced Labour", "C138 Minimum Age"})
    info = focused(page)
    assert info["tag"] == "input" and info["type"] == "text", info  # the short answer
    page.keyboard.type("Åpenhetsloven")
    status = page.locator("[data-save-status]")
    saved = re.escape(t("Saved at %(time)s.", time="HH:MM")).replace("HH:MM", r"\d\d:\d\d")
    expect(status).to_have_text(re.compile(saved))

    page.reload()  # autosaved: the answers are there after a reload
    checked = page.locator("input:checked")
    labels = {page.locator(f"label[for='{i}']").inner_text() for i in
              checked.evaluate_all("els => els.map(e => e.id)")}  # fmt: skip
    assert labels == {"The Transparency Act", "C29 Forced Labour", "C138 Minimum Age"}
    assert page.locator("input[type=text]").input_value() == "Åpenhetsloven"

    tab_to(page, "the submit button", lambda f: f["text"] == t("Submit…"))
    press_and_wait(page, "Enter")
    assert urlsplit(page.url).path.endswith("/submit")
    assert t("Every question is answered.") in page.inner_text("main")
    tab_to(page, "submit now", lambda f: f["text"] == t("Submit now"))
    press_and_wait(page, "Enter")
    assert urlsplit(page.url).path.endswith("/review")
    main = page.inner_text("main")
    assert t("Right answer") in main and "Yes, § 4." in main
    assert t("%(score)s of %(max)s points (%(percent)s %%)", score="3", max="3", percent="100") in (
        " ".join(main.split())
    )
    db.session.expire_all()
    assert db.session.scalar(db.select(Attempt)).state == "submitted"


def _open_attempt(page, live_server, seconds_left: int | None = None):
    module = make_module(questions=QUESTIONS, time_limit_minutes=30, review=REVIEW)
    learner = make_user("participant", "en")
    attempt = start_attempt(learner, module.quizzes[0].id)
    if seconds_left is not None:
        attempt.deadline_at = utcnow() + timedelta(seconds=seconds_left)
    db.session.commit()
    login(page, learner.email)
    return attempt


def test_the_time_left_is_announced_at_one_minute_and_the_attempt_ends(page, live_server):
    t = translator(live_server.app, "en")
    attempt = _open_attempt(page, live_server, seconds_left=63)
    page.goto(f"/learning/attempts/{attempt.id}")
    alert = page.locator("[data-time-alert]")
    assert alert.inner_text() == ""  # nothing said on arrival, nothing every second
    expect(alert).to_have_text(t("1 minute left."), timeout=8000)

    attempt.deadline_at = utcnow() + timedelta(seconds=3)
    db.session.commit()
    page.goto(f"/learning/attempts/{attempt.id}")
    page.wait_for_url(re.compile(r"/review$"), timeout=15000)
    assert t("The time is up: your attempt was submitted with the answers saved by then.") in (
        page.inner_text("main")
    )


def test_a_second_tab_is_told_and_shown_the_answers_saved_in_the_first(page, live_server):
    t = translator(live_server.app, "en")
    attempt = _open_attempt(page, live_server)
    other = page.context.new_page()
    page.goto(f"/learning/attempts/{attempt.id}")
    other.goto(f"/learning/attempts/{attempt.id}")
    page.get_by_label("The Planning Act").check()
    expect(page.locator("[data-save-status]")).to_contain_text(
        t("Saved at %(time)s.", time="")[:-1]
    )
    other.get_by_label("The Road Traffic Act").check()
    stale = t(
        "This attempt was changed in another tab or on another device. "
        "The answers saved there are shown now."
    )
    expect(other.locator("[data-save-status]")).to_have_text(stale)
    expect(other.get_by_label("The Planning Act")).to_be_checked()
    db.session.expire_all()
    [saved] = [a.response for a in db.session.get(Attempt, attempt.id).answers if a.slot == 1]
    assert saved == "b"
