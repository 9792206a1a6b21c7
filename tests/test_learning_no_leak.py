"""No right answer reaches a learner before the review options allow it: one question of
every type, each key and feedback a marker found nowhere else, the review shown only
after the quiz closes. Every page and API answer a participant can fetch while answering,
and after submitting while the review waits, is free of every marker; once the quiz has
closed the review shows them (so this test fails if the markers never reach any page)."""

from __future__ import annotations

from datetime import timedelta

from conftest import csrf_token
from learning_support import make_module
from test_api_learning import person, slots_by_kind  # noqa: F401 (fixture)
from test_learning_quiz_pages import attempt_page, form_of, slots, start

from lms.extensions import db
from lms.learning.attempt_models import Attempt
from lms.timeutil import utcnow

QUESTIONS = [
    {"kind": "single", "text_md": "Pick one.", "spec": {"options": [
        {"id": "a", "text": "First", "fraction": 1, "feedback": "RIGHT-7f3a-single"},
        {"id": "b", "text": "Second", "fraction": 0, "feedback": "WRONG-7f3a-single"}]}},
    {"kind": "multiple", "text_md": "Pick some.", "spec": {"options": [
        {"id": "a", "text": "One", "weight": "0.5", "feedback": "RIGHT-7f3a-multi"},
        {"id": "b", "text": "Two", "weight": "0.5"},
        {"id": "c", "text": "Three", "weight": "-1"}]}},
    {"kind": "truefalse", "text_md": "True?", "spec": {
        "answer": True, "feedback_true": "RIGHT-7f3a-true", "feedback_false": "WRONG-7f3a-false"}},
    {"kind": "matching", "text_md": "Match.", "spec": {"pairs": [
        {"id": "p1", "prompt": "C29", "answer": "Tvangsarbeid"},
        {"id": "p2", "prompt": "C138", "answer": "Minstealder"}]}},
    {"kind": "short", "text_md": "Which act?", "spec": {"answers": [
        {"text": "Rightloven7f3a", "fraction": 1, "feedback": "RIGHT-7f3a-short"}]}},
    {"kind": "numeric", "text_md": "How much?", "spec": {"answers": [
        {"value": "7301.25", "tolerance": "0.0625"}], "unit": "kr"}},
    {"kind": "essay", "text_md": "Describe a risk.", "spec": {}},
    {"kind": "likert", "text_md": "I check suppliers.", "spec": {"points": 5,
                                                               "labels": ["Never", "Always"]}},
]  # fmt: skip
# Each question's general feedback is its own marker too.
GENERAL = {q["kind"]: f"GENERAL-7f3a-{q['kind']}" for q in QUESTIONS}
BAND = "BAND-7f3a"
MARKERS = [
    "RIGHT-7f3a-single", "WRONG-7f3a-single", "RIGHT-7f3a-multi", "RIGHT-7f3a-true",
    "WRONG-7f3a-false", "Rightloven7f3a", "RIGHT-7f3a-short", "7301.25", "0.0625", BAND,
    *GENERAL.values(),
]  # fmt: skip
# What the review must show once allowed: the answers given below make these apply (the
# band waits for the essay's grade, so it stays out).
SHOWN_WHEN_ALLOWED = ["WRONG-7f3a-single", "WRONG-7f3a-false", "Rightloven7f3a"]


def assert_clean(response, where: str) -> None:
    body = response.get_data(as_text=True)
    for marker in MARKERS:
        assert marker not in body, f"{marker} in {where} ({response.status_code}): {body[:300]}"


def the_module():
    module = make_module(
        questions=QUESTIONS,
        review={"closed": ["score", "answers", "right_answers", "feedback"]},
        overall_feedback=[{"min_percent": 0, "text_md": BAND}],
        closes_at=utcnow() + timedelta(days=2),
    )
    for question in module.questions:
        question.current.feedback_md = GENERAL[question.current.kind]
    db.session.commit()
    return module


def test_nothing_of_the_key_reaches_a_learner_until_the_review_allows(
    app,
    client,
    factory,
    login,
    person,  # noqa: F811
):
    module = the_module()
    learner = factory.user()
    login(learner)
    quiz_path = f"/learning/{module.slug}/quizzes/quiz"
    assert_clean(client.get(f"/learning/{module.slug}"), "module page")
    assert_clean(client.get(quiz_path), "quiz page")
    attempt_id = start(client, module)
    path = f"/learning/attempts/{attempt_id}"
    page, _html = attempt_page(client, attempt_id)
    assert_clean(client.get(path), "attempt page")
    assert_clean(client.get(quiz_path), "quiz page with the resume link")
    assert_clean(client.get(f"{path}/review"), "review of an open attempt")
    s = slots(attempt_id)
    answers = {f"q{s['single']}": "b", f"q{s['truefalse']}": "false",
               f"q{s['short']}": "wrong", f"q{s['numeric']}": "12",
               f"q{s['essay']}": "Tekst.", f"q{s['likert']}": "3"}  # fmt: skip
    saved = client.post(path, data={**form_of(page), **answers, "action": "save"})
    assert saved.status_code == 302
    assert_clean(client.get(path), "attempt page after saving")
    stale = client.post(path, data={**form_of(page), **answers, "action": "save"})
    assert stale.status_code == 409
    assert_clean(stale, "a refused (stale) save")
    fresh = form_of(attempt_page(client, attempt_id)[0])
    bad = {**fresh, **answers, f"q{s['numeric']}": "x" * 5000,
           f"q{s['matching']}-p1": "Oppdiktet", "action": "save"}  # fmt: skip
    assert_clean(client.post(path, data=bad), "a save with bad input")
    assert_clean(
        client.post(
            path, data={**form_of(attempt_page(client, attempt_id)[0]), **answers, "action": "save"}
        ),
        "a good save",
    )
    assert_clean(client.get(f"{path}/submit"), "confirmation page")

    # The same person through the API, from another device.
    _user, headers = person()
    api = app.test_client()
    quiz_id = module.quizzes[0].id
    api_user_attempt = api.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers)
    assert_clean(api_user_attempt, "API create")
    assert_clean(api.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers), "API resume")
    api_path = f"/api/v1/attempts/{api_user_attempt.json['attempt']['id']}"
    by_kind = slots_by_kind(api_user_attempt.json)
    good = {str(by_kind["short"]): "wrong", str(by_kind["single"]): "b"}
    assert_clean(api.put(f"{api_path}/answers", headers=headers, json={"answers": good}), "save")
    refused = api.put(f"{api_path}/answers", headers=headers,
                      json={"answers": {str(by_kind["truefalse"]): "yes"}})  # fmt: skip
    assert refused.status_code == 422
    assert_clean(refused, "API save with bad input")
    assert_clean(api.put(f"{api_path}/answers", headers=headers, json={"answers": []}), "junk")
    assert_clean(api.get(api_path, headers=headers), "API attempt")
    assert_clean(api.get(f"{api_path}/review", headers=headers), "API review while open")
    assert_clean(api.post(f"{api_path}/submit", headers=headers), "API submit")
    assert_clean(api.post(f"{api_path}/submit", headers=headers), "API submit again")
    assert_clean(api.get(api_path, headers=headers), "API attempt after submit")
    assert_clean(api.get("/api/v1/me/results", headers=headers), "API my results")

    # Submitted, while the review waits for the quiz to close.
    token = csrf_token(client, f"{path}/submit")
    client.post(f"{path}/submit", data={"csrf_token": token})
    assert db.session.get(Attempt, attempt_id).state == "submitted"
    for where in (f"{path}/review", path, quiz_path, f"/learning/{module.slug}", "/me/learning"):
        assert_clean(client.get(where), where)

    # The quiz closes (in the version the attempt was made on) after the attempt was
    # submitted: now the review shows them.
    attempt = db.session.get(Attempt, attempt_id)
    content = dict(attempt.module_version.content)
    content["quizzes"] = [
        {**q, "closes_at": (utcnow() - timedelta(hours=1)).isoformat()} for q in content["quizzes"]
    ]
    attempt.module_version.content = content
    attempt.finished_at = utcnow() - timedelta(hours=2)  # past the first minutes, too
    db.session.commit()
    review = client.get(f"{path}/review").get_data(as_text=True)
    for marker in SHOWN_WHEN_ALLOWED:
        assert marker in review, marker
    assert any(marker in review for marker in GENERAL.values())
