"""The learning API (lms/api/learning.py): published modules, taking a quiz (start,
autosave, resume, submit), the caller's results; every refusal's status, someone else's
attempt a 404, and no key, weight or feedback in any answer before the review allows."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from accounts_support import csrf_token
from api_support import assert_error, bearer
from learning_support import SAMPLE_QUESTIONS, make_module

from lms.accounts import services
from lms.extensions import db
from lms.learning.attempt_models import Attempt
from lms.learning.attempts import start_attempt
from lms.timeutil import utcnow


@pytest.fixture
def person(factory):
    """``person(roles=())`` -> (user, headers with a fresh bearer token)."""

    def make(roles=()):
        user = factory.user(roles=roles)
        _token, raw = services.create_api_token(user, "test")
        db.session.commit()
        return user, bearer(raw)

    return make


def start(client, headers, quiz_id):
    return client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers)


def slots_by_kind(body) -> dict[str, int]:
    return {q["kind"]: q["slot"] for q in body["questions"]}


def right_answers(body) -> dict[str, object]:
    by_kind = {q["kind"]: q["right"] for q in SAMPLE_QUESTIONS}
    return {str(q["slot"]): by_kind[q["kind"]] for q in body["questions"]}


# --- modules ---------------------------------------------------------------------------


def test_the_published_modules_are_listed_for_anyone(client):
    shown = make_module(title="Ansvarlige leverandørkjeder")
    make_module(title="Draft", published=False)
    response = client.get("/api/v1/modules")
    assert response.status_code == 200 and "ETag" in response.headers
    (entry,) = response.json["modules"]
    assert entry["id"] == shown.id and entry["title"] == "Ansvarlige leverandørkjeder"
    assert (entry["version"], entry["lesson_count"], entry["quiz_count"]) == (1, 2, 1)
    assert entry["summary"]["html"].startswith("<p>About responsible procurement")
    assert datetime.fromisoformat(entry["published_at"]).utcoffset() is not None


def test_the_module_list_is_the_catalogues_in_its_order(client):
    """The list the pages show (``catalogue.published_modules``): by the published title,
    whatever the working copy is being renamed to."""
    from lms.learning.catalogue import published_modules

    renamed = make_module(title="Zeta")
    make_module(title="beta")
    renamed.title = "Alfa"  # an unpublished edit of the working copy
    db.session.commit()
    listed = client.get("/api/v1/modules").json["modules"]
    assert [m["title"] for m in listed] == ["beta", "Zeta"]
    assert [m["id"] for m in listed] == [p.module.id for p in published_modules()]


def test_a_module_shows_the_lessons_and_quizzes_of_its_newest_version(client):
    module = make_module(time_limit_minutes=20, closes_at=utcnow() + timedelta(days=3))
    body = client.get(f"/api/v1/modules/{module.id}").json
    assert [lesson["id"] for lesson in body["lessons"]] == [lesson.id for lesson in module.lessons]
    assert body["lessons"][0]["body"]["html"].startswith("<h3>Lesson 1</h3>")  # headings demoted
    (quiz,) = body["quizzes"]
    assert (quiz["id"], quiz["question_count"], quiz["time_limit_minutes"]) == (
        module.quizzes[0].id, 5, 20,
    )  # fmt: skip
    closes = module.quizzes[0].closes_at.replace(microsecond=0)
    assert datetime.fromisoformat(quiz["closes_at"]) == closes  # to the second
    assert "draws" not in quiz


def test_a_draft_module_is_a_404_except_to_its_editors(client, person):
    teacher, teachers = person(roles=("instructor",))
    _other, others = person(roles=("instructor",))
    _organiser, organisers = person(roles=("organiser",))
    draft = make_module(instructor=teacher, published=False)
    path = f"/api/v1/modules/{draft.id}"
    assert_error(client.get(path), 404, "not_found")
    assert_error(client.get(path, headers=others), 404, "not_found")
    for headers in (teachers, organisers):
        body = client.get(path, headers=headers).json
        assert (body["status"], body["version"], body["title"]) == ("draft", None, draft.title)
    assert client.get("/api/v1/modules", headers=teachers).json == {"modules": []}


# --- taking a quiz ---------------------------------------------------------------------


def test_starting_answers_201_with_the_attempt_and_its_questions(client, person):
    _user, headers = person()
    quiz_id = make_module(time_limit_minutes=15).quizzes[0].id
    before = utcnow().replace(microsecond=0)
    response = start(client, headers, quiz_id)
    assert response.status_code == 201, response.json
    attempt = response.json["attempt"]
    assert response.headers["Location"].endswith(f"/api/v1/attempts/{attempt['id']}")
    assert (attempt["number"], attempt["revision"], attempt["state"]) == (1, 0, "open")
    started = datetime.fromisoformat(attempt["started_at"])
    assert started >= before
    assert datetime.fromisoformat(attempt["deadline_at"]) - started == timedelta(minutes=15)
    questions = response.json["questions"]
    assert [q["slot"] for q in questions] == [1, 2, 3, 4, 5]
    single = next(q for q in questions if q["kind"] == "single")
    assert single["text"]["md"] == SAMPLE_QUESTIONS[0]["text_md"]
    assert single["text"]["html"] == f"<p>{SAMPLE_QUESTIONS[0]['text_md']}</p>\n"
    assert single["points"] == 1.0 and single["response"] is None
    assert {o["id"] for o in single["learner_view"]["options"]} == {"a", "b", "c"}


def test_start_refusals(client, person):
    _user, headers = person()
    quiz_id = make_module(attempts_allowed=1).quizzes[0].id
    first = start(client, headers, quiz_id).json["attempt"]["id"]
    refused = start(client, headers, quiz_id)
    assert_error(refused, 409, "attempt_open")
    assert refused.headers["Location"].endswith(f"/api/v1/attempts/{first}")
    client.post(f"/api/v1/attempts/{first}/submit", headers=headers)
    assert_error(start(client, headers, quiz_id), 409, "no_attempts_left")
    closed = make_module(closes_at=utcnow() - timedelta(minutes=1)).quizzes[0].id
    assert_error(start(client, headers, closed), 422, "closed")
    draft = make_module(published=False).quizzes[0].id
    assert_error(start(client, headers, draft), 404, "not_found")
    assert_error(start(client, headers, 999_999), 404, "not_found")
    assert db.session.query(Attempt).count() == 1


def test_autosave_resume_and_submit_once(client, person):
    _user, headers = person()
    quiz_id = make_module().quizzes[0].id
    body = start(client, headers, quiz_id).json
    attempt_id = body["attempt"]["id"]
    answers = right_answers(body)
    saved = client.put(f"/api/v1/attempts/{attempt_id}/answers", headers=headers,
                       json={"revision": 0, "answers": answers, "seconds": {"1": 40}})  # fmt: skip
    assert saved.status_code == 200 and saved.json["revision"] == 1
    # Another device resumes where the learner was.
    resumed = client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).json
    assert {str(q["slot"]): q["response"] for q in resumed["questions"]} == answers
    assert resumed["attempt"]["revision"] == 1 and resumed["questions"][0]["seconds_spent"] == 40
    first = client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers)
    assert first.status_code == 200
    result = first.json
    assert (result["score"], result["max_score"], result["passed"]) == (5, 5, True)
    assert all(q["right"] is True for q in result["questions"])
    again = client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers)
    assert again.json == result
    after = client.put(f"/api/v1/attempts/{attempt_id}/answers", headers=headers,
                       json={"answers": {}})  # fmt: skip
    assert_error(after, 409, "submitted")


def test_a_stale_revision_is_a_409_pointing_at_the_attempt(client, person):
    _user, headers = person()
    body = start(client, headers, make_module().quizzes[0].id).json
    path = f"/api/v1/attempts/{body['attempt']['id']}/answers"
    slot = str(slots_by_kind(body)["truefalse"])
    assert (
        client.put(path, headers=headers, json={"revision": 0, "answers": {slot: True}}).status_code
        == 200
    )
    stale = client.put(path, headers=headers, json={"revision": 0, "answers": {slot: False}})
    assert_error(stale, 409, "stale")
    assert "revision is 1" in stale.json["error"]["message"]
    assert stale.headers["Location"].endswith(f"/api/v1/attempts/{body['attempt']['id']}")


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [([1, 2], 400, "invalid_body"), ({"answers": {}, "extra": 1}, 400, "invalid_body"),
     ({"revision": "0"}, 400, "invalid_body"), ({"revision": True}, 400, "invalid_body"),
     ({"answers": ["a"]}, 400, "invalid_body"),
     ({"answers": {"99": "a"}}, 422, "bad_answer"),
     ({"answers": {"{single}": 7}}, 422, "bad_answer"),
     ({"answers": {"{short}": "a\u0000b"}}, 422, "bad_answer"),
     ({"answers": {"{truefalse}": True}, "seconds": {"{single}": -1}}, 422, "bad_answer")],
)  # fmt: skip
def test_bad_saves_are_refused_and_save_nothing(client, person, payload, status, code):
    _user, headers = person()
    body = start(client, headers, make_module().quizzes[0].id).json
    attempt_id = body["attempt"]["id"]
    text = json.dumps(payload)
    for kind, slot in slots_by_kind(body).items():
        text = text.replace(f"{{{kind}}}", str(slot))
    response = client.put(f"/api/v1/attempts/{attempt_id}/answers", headers=headers,
                          data=text, content_type="application/json")  # fmt: skip
    assert_error(response, status, code)
    if code == "bad_answer":
        assert "question" in response.json["error"]["message"]
    stored = db.session.get(Attempt, attempt_id)
    assert stored.revision == 0 and all(a.response is None for a in stored.answers)


def test_a_save_after_the_time_is_up_submits_with_what_was_saved(client, person, app):
    user, headers = person()
    quiz_id = make_module(time_limit_minutes=10).quizzes[0].id
    attempt = start_attempt(user, quiz_id, now=utcnow() - timedelta(minutes=11))
    db.session.commit()
    response = client.put(f"/api/v1/attempts/{attempt.id}/answers", headers=headers,
                          json={"answers": {"1": "a"}})  # fmt: skip
    assert_error(response, 422, "time_up")
    stored = db.session.get(Attempt, attempt.id)
    assert stored.state == "submitted" and stored.finished_at == stored.deadline_at
    assert all(a.response is None for a in stored.answers)


def test_someone_elses_attempt_is_a_404_everywhere(client, person):
    _owner, headers = person()
    _other, theirs = person()
    attempt_id = start(client, headers, make_module().quizzes[0].id).json["attempt"]["id"]
    assert_error(client.get(f"/api/v1/attempts/{attempt_id}", headers=theirs), 404, "not_found")
    put = client.put(f"/api/v1/attempts/{attempt_id}/answers", headers=theirs, json={})
    assert_error(put, 404, "not_found")
    submit = client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=theirs)
    assert_error(submit, 404, "not_found")
    assert client.get("/api/v1/me/results", headers=theirs).json == {"results": []}
    assert db.session.get(Attempt, attempt_id).state == "open"


def test_a_browser_session_needs_its_csrf_token_to_save(client, factory, login):
    user = factory.user()
    login(user)
    attempt = start_attempt(user, make_module().quizzes[0].id)
    db.session.commit()
    path = f"/api/v1/attempts/{attempt.id}/answers"
    assert_error(client.put(path, json={"answers": {"1": "a"}}), 400, "csrf_failed")
    assert db.session.get(Attempt, attempt.id).revision == 0
    token = csrf_token(client, "/")
    assert client.put(path, json={"answers": {}}, headers={"X-CSRFToken": token}).status_code == 200


def test_my_results_show_scores_only_when_the_review_does(client, person):
    _user, headers = person()
    shown = make_module(title="Shown", purpose="pretest").quizzes[0].id
    hidden = make_module(title="Hidden", review={"closed": ["score"]}).quizzes[0].id
    for quiz_id in (shown, hidden):
        attempt_id = start(client, headers, quiz_id).json["attempt"]["id"]
        client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers)
    results = client.get("/api/v1/me/results", headers=headers).json["results"]
    by_module = {r["module"]["title"]: r for r in results}
    assert by_module["Shown"]["score"] == 0 and by_module["Shown"]["max_score"] == 5
    assert by_module["Shown"]["purpose"] == "pretest" and by_module["Shown"]["passed"] is False
    assert by_module["Hidden"]["score_shown"] is False
    assert by_module["Hidden"]["score"] is None and by_module["Hidden"]["passed"] is None
    assert datetime.fromisoformat(by_module["Shown"]["finished_at"]).utcoffset() is not None


# --- nothing of the key before the review allows it ------------------------------------

SECRETS = ["Zanzibarloven", "4242", "SECRET-OPTION-FEEDBACK", "SECRET-GENERAL",
           "SECRET-BAND", "SECRET-TRUE", "SECRET-FALSE", "SECRET-SHORT-FEEDBACK"]  # fmt: skip
# Keys that would carry a key or a feedback text (anywhere in the JSON, at any depth).
SECRET_KEYS = {
    "fraction", "weight", "tolerance", "value", "min", "max", "right_answer", "feedback",
    "feedback_true", "feedback_false", "answer", "right", "accepted",
}  # fmt: skip
GUARDED = [
    {"kind": "single", "text_md": "Pick one.", "spec": {"options": [
        {"id": "a", "text": "First", "fraction": 1, "feedback": "SECRET-OPTION-FEEDBACK"},
        {"id": "b", "text": "Second", "fraction": 0}]}},
    {"kind": "multiple", "text_md": "Pick some.", "spec": {"options": [
        {"id": "a", "text": "One", "weight": "0.5"}, {"id": "b", "text": "Two", "weight": "0.5"},
        {"id": "c", "text": "Three", "weight": "-1"}]}},
    {"kind": "truefalse", "text_md": "True?", "spec": {
        "answer": True, "feedback_true": "SECRET-TRUE", "feedback_false": "SECRET-FALSE"}},
    {"kind": "short", "text_md": "Which act?", "spec": {"answers": [
        {"text": "Zanzibarloven", "feedback": "SECRET-SHORT-FEEDBACK"}]}},
    {"kind": "numeric", "text_md": "How much?", "spec": {"answers": [
        {"value": "4242", "tolerance": "1"}], "unit": "kr"}},
    {"kind": "matching", "text_md": "Match.", "spec": {"pairs": [
        {"id": "1", "prompt": "C29", "answer": "Tvangsarbeid"},
        {"id": "2", "prompt": "C138", "answer": "Minstealder"}]}},
]  # fmt: skip


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


def assert_no_key(response) -> None:
    text = response.get_data(as_text=True)
    for secret in SECRETS:
        assert secret not in text, f"{secret} leaked in {text[:300]}"
    assert not keys_in(json.loads(text)) & SECRET_KEYS, text[:300]


def test_no_learner_answer_carries_a_key_before_the_review_allows(client, person):
    _user, headers = person()
    module = make_module(questions=GUARDED, review={"closed": ["right_answers", "feedback"]},
                         overall_feedback=[{"min_percent": 0, "text_md": "SECRET-BAND"}],
                         closes_at=utcnow() + timedelta(days=2))  # fmt: skip
    for question in module.questions:
        question.current.feedback_md = "SECRET-GENERAL"
    db.session.commit()
    quiz_id = module.quizzes[0].id
    assert_no_key(client.get(f"/api/v1/modules/{module.id}", headers=headers))
    assert_no_key(client.get("/api/v1/modules", headers=headers))
    started = start(client, headers, quiz_id)
    assert_no_key(started)
    attempt_id = started.json["attempt"]["id"]
    path = f"/api/v1/attempts/{attempt_id}"
    slots = slots_by_kind(started.json)
    wrong = {slots["short"]: "Zanzibar", slots["numeric"]: "4000", slots["single"]: "b"}
    assert_no_key(client.put(f"{path}/answers", headers=headers, json={"answers": wrong}))
    bad = {str(slots["matching"]): {"1": "Zanzibarloven?"}, str(slots["truefalse"]): "yes"}
    refused = client.put(f"{path}/answers", headers=headers, json={"answers": bad})
    assert refused.status_code == 422
    assert "SECRET" not in refused.get_data(as_text=True)
    assert_no_key(client.get(path, headers=headers))
    assert_no_key(client.post(f"{path}/submit", headers=headers))
    assert_no_key(client.post(f"{path}/submit", headers=headers))
    assert_no_key(client.get(path, headers=headers))
    assert_no_key(client.get("/api/v1/me/results", headers=headers))


def test_the_review_shows_the_key_once_the_options_allow(client, person):
    _user, headers = person()
    review = {"immediately": ["right_answers", "feedback"]}
    bands = [{"min_percent": 0, "text_md": "SECRET-BAND"}]
    module = make_module(questions=GUARDED, review=review, overall_feedback=bands)
    started = start(client, headers, module.quizzes[0].id)
    slots = slots_by_kind(started.json)
    path = f"/api/v1/attempts/{started.json['attempt']['id']}"
    answers = {str(slots["single"]): "a", str(slots["truefalse"]): False}
    client.put(f"{path}/answers", headers=headers, json={"answers": answers})
    result = client.post(f"{path}/submit", headers=headers).json
    questions = {q["kind"]: q for q in result["questions"]}
    assert questions["short"]["right_answer"] == ["Zanzibarloven"]
    assert [f["md"] for f in questions["single"]["feedback"]] == ["SECRET-OPTION-FEEDBACK"]
    assert [f["md"] for f in questions["truefalse"]["feedback"]] == ["SECRET-FALSE"]
    assert "score" not in questions["short"] and result["score"] is None
    assert result["overall_feedback"]["md"] == "SECRET-BAND"
    assert result["shown"] == ["feedback", "right_answers"]


# --- who may do what on a real module and attempt ----------------------------------------

ROLES = ("anonymous", "participant", "instructor", "own_instructor", "organiser", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_an_attempt_is_its_learners_alone_whoever_asks(client, person, factory, role):
    """Nobody else reads, saves or submits a learner's attempt through the API: not the
    module's instructors, not organisers or admins (their results pages are elsewhere)."""
    teacher, teachers = person(roles=("instructor",))
    learner, learners = person()
    module = make_module(instructor=teacher)
    attempt_id = start(client, learners, module.quizzes[0].id).json["attempt"]["id"]
    headers = {
        "anonymous": {},
        "own_instructor": teachers,
        "participant": person()[1],
        "instructor": person(roles=("instructor",))[1],
        "organiser": person(roles=("organiser",))[1],
        "admin": person(roles=("admin",))[1],
    }[role]
    status, code = (401, "unauthenticated") if role == "anonymous" else (404, "not_found")
    path = f"/api/v1/attempts/{attempt_id}"
    for response in (
        client.get(path, headers=headers),
        client.put(f"{path}/answers", headers=headers, json={"answers": {"1": "a"}}),
        client.post(f"{path}/submit", headers=headers),
    ):
        assert response.status_code == status
        if role != "anonymous":
            assert_error(response, status, code)
    stored = db.session.get(Attempt, attempt_id)
    assert (stored.state, stored.revision, stored.user_id) == ("open", 0, learner.id)
    # Every signed-in role may read the published module and start an attempt of its own.
    assert client.get(f"/api/v1/modules/{module.id}", headers=headers).status_code == 200
    if role != "anonymous":
        assert start(client, headers, module.quizzes[0].id).status_code == 201
