"""Taking a quiz through its pages, without JavaScript: the quiz's page says what happens
at the deadline before anything starts; the attempt page holds nothing of the key; Save
and Submit work as plain forms; another device resumes the same attempt; the review shows
only what the quiz's review options allow; another person's attempt is not found."""

from __future__ import annotations

import re
from datetime import timedelta

from conftest import TEST_PASSWORD, csrf_token, post_form
from learning_support import make_module
from sqlalchemy import func, select
from test_learning_pages import Page, get_page

from lms.extensions import db
from lms.learning.attempt_models import Attempt, TimeAccommodation
from lms.timeutil import utcnow

# Questions whose key and feedback are words found nowhere else on a page.
QUESTIONS = [
    {
        "kind": "single",
        "text_md": "Which act requires due diligence?",
        "spec": {
            "options": [
                {"id": "a", "text": "Åpenhetsloven", "fraction": 1, "feedback": "Riktig-XJQ"},
                {
                    "id": "b",
                    "text": "Plan- og bygningsloven",
                    "fraction": 0,
                    "feedback": "Feil-ZKW",
                },
                {"id": "c", "text": "Vegtrafikkloven", "fraction": 0},
            ]
        },
    },
    {
        "kind": "multiple",
        "text_md": "Which are ILO fundamental conventions?",
        "spec": {
            "options": [
                {"id": "a", "text": "C29 Forced Labour", "weight": "0.5"},
                {"id": "b", "text": "C138 Minimum Age", "weight": "0.5"},
                {"id": "c", "text": "C999 Invented", "weight": "-1"},
            ]
        },
    },
    {
        "kind": "truefalse",
        "text_md": "Bribing a foreign official is corruption.",
        "spec": {"answer": True, "feedback_true": "Sant-QPV"},
    },
    {
        "kind": "short",
        "text_md": "Name the act (one word).",
        "spec": {"answers": [{"text": "Kvasirloven", "fraction": 1, "feedback": "Bra-MNB"}]},
    },
    {
        "kind": "numeric",
        "text_md": "What share should climate criteria have at least?",
        "spec": {"answers": [{"value": "37.5", "tolerance": "0.25"}], "unit": "%"},
    },
    {
        "kind": "matching",
        "text_md": "Match each convention to its subject.",
        "spec": {
            "pairs": [
                {"id": "p1", "prompt": "C29", "answer": "Tvangsarbeid"},
                {"id": "p2", "prompt": "C138", "answer": "Minstealder"},
            ]
        },
    },
    {"kind": "essay", "text_md": "Describe a risk in your supply chain.", "spec": {}},
    {
        "kind": "likert",
        "text_md": "I check suppliers' working conditions.",
        "spec": {"points": 5, "labels": ["Never", "Always"]},
    },
]
SECRETS = ["Riktig-XJQ", "Feil-ZKW", "Sant-QPV", "Kvasirloven", "Bra-MNB", "37.5", "0.25",
           "fraction", "weight", "feedback"]  # fmt: skip
ALL_PARTS = ["score", "answers", "right_answers", "feedback"]


def quiz_module(**settings):
    settings.setdefault("review", {"immediately": ALL_PARTS})
    return make_module(questions=QUESTIONS, shuffle_options=True, **settings)


def start(client, module) -> int:
    """Press "Start the quiz"; the id of the attempt it leads to."""
    path = f"/learning/{module.slug}/quizzes/quiz"
    response = client.post(f"{path}/start", data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    match = re.fullmatch(r"/learning/attempts/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def attempt_page(client, attempt_id: int) -> tuple[Page, str]:
    response = client.get(f"/learning/attempts/{attempt_id}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    return Page(html), html


def form_of(page: Page) -> dict:
    """The attempt form's hidden fields."""
    hidden = {i["name"]: i["value"] for i in page.all("input") if i.get("type") == "hidden"}
    return {"csrf_token": hidden["csrf_token"], "revision": hidden.get("revision", "")}


def slots(attempt_id: int) -> dict[str, int]:
    """Slot of each question, by the start of its text."""
    attempt = db.session.get(Attempt, attempt_id)
    return {a.question_version.kind: a.slot for a in attempt.answers}


def answers_form(attempt_id: int) -> dict:
    s = slots(attempt_id)
    return {
        f"q{s['single']}": "a",
        f"q{s['multiple']}": ["a", "b"],
        f"q{s['truefalse']}": "true",
        f"q{s['short']}": " kvasirloven ",
        f"q{s['numeric']}": "37,5",
        f"q{s['matching']}-p1": "Tvangsarbeid",
        f"q{s['matching']}-p2": "Minstealder",
        f"q{s['essay']}": "Underleverandører i tekstilindustrien.",
        f"q{s['likert']}": "4",
    }


def responses(attempt_id: int) -> dict:
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    return {a.question_version.kind: a.response for a in attempt.answers}


def test_the_quiz_page_says_what_happens_at_the_deadline_before_starting(client, factory, login):
    module = quiz_module(time_limit_minutes=20, attempts_allowed=2)
    learner = factory.user()
    login(learner)
    words = get_page(client, f"/learning/{module.slug}/quizzes/quiz").words
    assert "20 minutter" in words
    assert "Når tiden er ute, leveres forsøket med svarene som var lagret da." in words
    assert "2 tillatt" in words and "0 brukt" in words
    db.session.add(TimeAccommodation(quiz_id=module.quizzes[0].id, user_id=learner.id, factor=1.5))
    db.session.commit()
    words = get_page(client, f"/learning/{module.slug}/quizzes/quiz").words
    assert "30 minutter" in words  # 20 × 1.5, said before starting


def test_the_attempt_page_holds_nothing_of_the_key(client, factory, login):
    module = quiz_module()
    login(factory.user())
    attempt_id = start(client, module)
    page, html = attempt_page(client, attempt_id)
    bare = html.replace('data-weight="regular"', "")  # the design system's label weight
    for secret in SECRETS:
        assert secret not in bare, secret
    fieldsets = page.all("fieldset")
    assert len(fieldsets) == len(QUESTIONS)
    assert len(page.all("legend")) == len(QUESTIONS)
    labelled = {label["for"] for label in page.all("label")}
    controls = [i for i in page.all("input") if i.get("type") not in ("hidden",)]
    controls += page.all("select") + page.all("textarea")
    assert all(c["id"] in labelled for c in controls), "every control has its label"
    assert "Never" in page.words and "Always" in page.words  # the Likert scale's labels
    assert "%" in page.words  # the numeric question's unit


def test_save_and_submit_work_as_forms_without_javascript(client, factory, login):
    module = quiz_module()
    login(factory.user())
    attempt_id = start(client, module)
    page, _html = attempt_page(client, attempt_id)
    data = {**form_of(page), **answers_form(attempt_id), "action": "save"}
    response = client.post(f"/learning/attempts/{attempt_id}", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/learning/attempts/{attempt_id}"
    saved = responses(attempt_id)
    assert saved["single"] == "a" and saved["multiple"] == ["a", "b"]
    assert saved["truefalse"] is True and saved["likert"] == 4
    assert saved["short"] == "kvasirloven" and saved["numeric"] == "37,5"
    assert saved["matching"] == {"p1": "Tvangsarbeid", "p2": "Minstealder"}
    page, _html = attempt_page(client, attempt_id)
    assert "Lagret kl." in page.words  # the flash, and the bar's "last saved"
    checked = [i["value"] for i in page.all("input") if "checked" in i]
    assert set(checked) >= {"a", "b", "true", "4"}

    # A blank answer counts as not answered on the confirmation page.
    s = slots(attempt_id)
    data = {**form_of(page), **answers_form(attempt_id), "action": "submit"}
    data[f"q{s['essay']}"] = "   "
    response = client.post(f"/learning/attempts/{attempt_id}", data=data)
    assert response.headers["Location"] == f"/learning/attempts/{attempt_id}/submit"
    confirm = get_page(client, f"/learning/attempts/{attempt_id}/submit")
    assert f"/learning/attempts/{attempt_id}#question-{s['essay']}" in [
        a["href"] for a in confirm.all("a")
    ]
    assert "1 spørsmål er ikke besvart" in confirm.words
    for _ in range(2):  # submitting twice records one submission
        response = client.post(
            f"/learning/attempts/{attempt_id}/submit",
            data={"csrf_token": form_of(confirm)["csrf_token"]},
        )
        assert response.headers["Location"] == f"/learning/attempts/{attempt_id}/review"
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.state == "submitted" and attempt.score is None  # the essay waits
    marked = {a.question_version.kind: a.right for a in attempt.answers if a.scored}
    assert marked == dict.fromkeys(("single", "multiple", "truefalse", "short", "numeric",
                                    "matching"), True) | {"essay": None}  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_a_save_from_an_old_page_is_refused_and_the_saved_answers_shown(client, factory, login):
    module = quiz_module()
    login(factory.user())
    attempt_id = start(client, module)
    page, _html = attempt_page(client, attempt_id)
    s = slots(attempt_id)
    first = {**form_of(page), f"q{s['single']}": "a", "action": "save"}
    assert client.post(f"/learning/attempts/{attempt_id}", data=first).status_code == 302
    stale = {**form_of(page), f"q{s['single']}": "b", "action": "save"}  # the old revision
    response = client.post(f"/learning/attempts/{attempt_id}", data=stale)
    assert response.status_code == 409
    assert responses(attempt_id)["single"] == "a"
    shown = Page(response.get_data(as_text=True))
    assert "en annen fane" in shown.words
    assert [i["value"] for i in shown.all("input") if "checked" in i] == ["a"]


def test_another_device_resumes_the_same_attempt_in_the_same_order(app, client, factory, login):
    module = quiz_module()
    learner = factory.user()
    login(learner)
    attempt_id = start(client, module)
    page, _html = attempt_page(client, attempt_id)
    s = slots(attempt_id)
    data = {**form_of(page), f"q{s['single']}": "c", "action": "save"}
    client.post(f"/learning/attempts/{attempt_id}", data=data)
    order = [i["value"] for i in page.all("input") if i.get("type") in ("radio", "checkbox")]

    other = app.test_client()  # another device: its own session
    post_form(other, "/login", {"email": learner.email, "password": TEST_PASSWORD})
    path = f"/learning/{module.slug}/quizzes/quiz"
    resumed = get_page(other, path)
    assert f"/learning/attempts/{attempt_id}" in [a["href"] for a in resumed.all("a")]
    page, _html = attempt_page(other, attempt_id)
    assert [
        i["value"] for i in page.all("input") if i.get("type") in ("radio", "checkbox")
    ] == order
    assert [i["value"] for i in page.all("input") if "checked" in i] == ["c"]


def _submitted(client, module) -> int:
    attempt_id = start(client, module)
    page, _html = attempt_page(client, attempt_id)
    data = {**form_of(page), **answers_form(attempt_id), "action": "save"}
    s = slots(attempt_id)
    data[f"q{s['single']}"] = "b"  # wrong, so its feedback is Feil-ZKW
    client.post(f"/learning/attempts/{attempt_id}", data=data)
    token = csrf_token(client, f"/learning/attempts/{attempt_id}/submit")
    client.post(f"/learning/attempts/{attempt_id}/submit", data={"csrf_token": token})
    return attempt_id


def test_the_review_shows_everything_the_options_allow(client, factory, login):
    module = quiz_module()
    login(factory.user())
    attempt_id = _submitted(client, module)
    words = get_page(client, f"/learning/attempts/{attempt_id}/review").words
    assert "Feil-ZKW" in words  # the feedback on the option chosen
    assert "Åpenhetsloven" in words and "Plan- og bygningsloven" in words  # right and given
    assert "Kvasirloven" in words  # the accepted answer
    assert "Riktig svar" in words and "Ditt svar" in words and "poeng" in words


def test_the_review_shows_only_the_score_when_the_options_say_so(client, factory, login):
    later = utcnow() + timedelta(days=3)
    module = quiz_module(
        review={"immediately": ["score"], "closed": ["right_answers", "feedback"]},
        closes_at=later,
    )
    login(factory.user())
    attempt_id = _submitted(client, module)
    response = client.get(f"/learning/attempts/{attempt_id}/review")
    html = response.get_data(as_text=True)
    for secret in ("Feil-ZKW", "Kvasirloven", "Riktig-XJQ", "Plan- og bygningsloven"):
        assert secret not in html, secret
    words = Page(html).words
    assert "poeng" in words  # the score
    assert "Riktig svar" not in words and "Ditt svar" not in words
    assert "kan du også se: de riktige svarene, tilbakemeldingene" in words  # and from when


def test_another_persons_attempt_is_not_found(client, factory, login):
    module = quiz_module()
    login(factory.user())
    attempt_id = start(client, module)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/me")})
    login(factory.user())
    for path in ("", "/submit", "/review"):
        assert client.get(f"/learning/attempts/{attempt_id}{path}").status_code == 404
    token = csrf_token(client, "/me")
    response = client.post(f"/learning/attempts/{attempt_id}", data={"csrf_token": token})
    assert response.status_code == 404
    response = client.post(f"/learning/attempts/{attempt_id}/submit", data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.get(Attempt, attempt_id).state == "open"


def test_anonymous_visitors_cannot_start(client):
    module = quiz_module()
    token = csrf_token(client, "/login")
    response = client.post(
        f"/learning/{module.slug}/quizzes/quiz/start", data={"csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


def test_when_the_time_is_up_the_attempt_is_submitted_with_what_was_saved(client, factory, login):
    module = quiz_module(time_limit_minutes=10)
    login(factory.user())
    attempt_id = start(client, module)
    page, html = attempt_page(client, attempt_id)
    assert "data-deadline" in html
    s = slots(attempt_id)
    client.post(
        f"/learning/attempts/{attempt_id}",
        data={**form_of(page), f"q{s['single']}": "a", "action": "save"},
    )
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_at = utcnow() - timedelta(seconds=5)
    db.session.commit()
    late = {**form_of(page), f"q{s['single']}": "b", "revision": "1", "action": "save"}
    response = client.post(f"/learning/attempts/{attempt_id}", data=late)
    assert response.headers["Location"] == f"/learning/attempts/{attempt_id}/review"
    assert responses(attempt_id)["single"] == "a"  # what was saved by the deadline
    assert db.session.get(Attempt, attempt_id).state == "submitted"
    assert "Tiden er ute" in get_page(client, f"/learning/attempts/{attempt_id}/review").words


def test_no_attempts_left_is_said_and_refused(client, factory, login):
    module = quiz_module(attempts_allowed=1)
    login(factory.user())
    _submitted(client, module)
    path = f"/learning/{module.slug}/quizzes/quiz"
    page = get_page(client, path)
    assert not [f for f in page.all("form") if f.get("action", "").endswith("/start")]
    response = client.post(f"{path}/start", data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 409


def test_the_attempt_page_reads_as_many_queries_for_few_questions_as_for_many(
    client, factory, login, count_queries
):
    login(factory.user())
    counts = []
    for questions in (QUESTIONS[:2], QUESTIONS * 3):
        module = make_module(questions=questions, review={"immediately": ALL_PARTS})
        attempt_id = start(client, module)
        client.get(f"/learning/attempts/{attempt_id}")  # warm
        with count_queries() as statements:
            assert client.get(f"/learning/attempts/{attempt_id}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
