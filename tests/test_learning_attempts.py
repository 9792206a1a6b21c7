"""Taking a quiz through the services (lms/learning/attempts.py, attempt_review.py): every
refusal, the draw and the shuffles kept per attempt, deadlines with accommodations,
autosave with revisions, one submission however often it is sent, and two writers at
once on one attempt. Times are relative (``now=``), never the clock's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from huey.api import PeriodicTask
from learning_support import SAMPLE_QUESTIONS, draw_by_tag, make_module
from sqlalchemy import select

from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.learning import attempts
from lms.learning.attempt_models import Attempt
from lms.learning.attempt_review import answer_sheet, attempts_of, quiz_state, review
from lms.learning.attempt_rules import open_attempt_of, quiz_entry
from lms.learning.attempts import (
    AttemptOpen,
    BadAnswer,
    StaleRevision,
    TimeUp,
    close_expired_attempts,
    grant_time,
    save_answers,
    start_attempt,
    submit_attempt,
)
from lms.learning.models import Question, Quiz
from lms.learning.publishing import LearningError, publish, quiz_tag, set_question_content
from lms.timeutil import utcnow

RIGHT = {n + 1: q["right"] for n, q in enumerate(SAMPLE_QUESTIONS)}
WRONG = {n + 1: q["wrong"] for n, q in enumerate(SAMPLE_QUESTIONS)}


def quiz_of(module) -> Quiz:
    return module.quizzes[0]


def code_of(excinfo) -> str:
    return excinfo.value.code


def by_slot(attempt, responses: dict) -> dict:
    """``responses`` keyed by question (its position in SAMPLE_QUESTIONS) -> by slot."""
    texts = [q["text_md"] for q in SAMPLE_QUESTIONS]
    return {a.slot: responses[texts.index(a.question_version.text_md) + 1] for a in attempt.answers}


def test_starting_asks_every_question_once_as_its_own_answer_row(app, factory):
    learner = factory.user()
    module = make_module(purpose="pretest")
    attempt = start_attempt(learner, quiz_of(module).id)
    db.session.commit()
    assert (attempt.number, attempt.state, attempt.revision, attempt.purpose) == (
        1, "open", 0, "pretest",
    )  # fmt: skip
    assert attempt.module_version_id == module.versions[-1].id
    assert [a.slot for a in attempt.answers] == [1, 2, 3, 4, 5]
    pinned = {d["question_version_id"] for d in module.versions[-1].content["quizzes"][0]["draws"]}
    assert {a.question_version_id for a in attempt.answers} == pinned
    for answer in attempt.answers:
        assert "objective:MR1" in answer.tags and quiz_tag(quiz_of(module)) in answer.tags
        assert answer.max_score == 1.0 and answer.scored and answer.response is None
    assert attempt.deadline_at is None


@pytest.mark.parametrize("case", ["unknown", "draft", "not_in_newest_version"])
def test_a_quiz_that_is_not_published_is_not_found(app, factory, case):
    learner = factory.user()
    module = make_module(published=case != "draft")
    quiz_id = quiz_of(module).id
    if case == "unknown":
        quiz_id += 1000
    if case == "not_in_newest_version":
        extra = Quiz(key="extra", title="Added later", position=1)
        module.quizzes.append(extra)
        db.session.commit()
        quiz_id = extra.id
    with pytest.raises(LearningError) as refused:
        start_attempt(learner, quiz_id)
    assert code_of(refused) == "not_found"


@pytest.mark.parametrize(
    "window", [{"opens_at": timedelta(hours=1)}, {"closes_at": timedelta(hours=-1)}]
)
def test_a_quiz_not_open_yet_or_closed_refuses_a_start(app, factory, window):
    settings = {name: utcnow() + delta for name, delta in window.items()}
    module = make_module(**settings)
    with pytest.raises(LearningError) as refused:
        start_attempt(factory.user(), quiz_of(module).id)
    assert code_of(refused) == "closed"


def test_an_open_attempt_is_named_and_used_up_attempts_refused(app, factory):
    learner = factory.user()
    quiz_id = quiz_of(make_module(attempts_allowed=2)).id
    first = start_attempt(learner, quiz_id)
    with pytest.raises(AttemptOpen) as refused:
        start_attempt(learner, quiz_id)
    assert refused.value.attempt_id == first.id and code_of(refused) == "attempt_open"
    submit_attempt(learner, first.id)
    second = start_attempt(learner, quiz_id)
    assert second.number == 2
    submit_attempt(learner, second.id)
    with pytest.raises(LearningError) as refused:
        start_attempt(learner, quiz_id)
    assert code_of(refused) == "no_attempts_left"
    state = quiz_state(learner, quiz_id)
    assert (state.attempts_left, state.next_action, state.open_attempt_id) == (0, "none_left", None)


def test_the_unique_index_refuses_a_second_open_attempt_whatever_the_service_checked(app, factory):
    """The last guard of the race: even an insert that skipped the check is refused."""
    learner = factory.user()
    module = make_module()
    first = start_attempt(learner, quiz_of(module).id)
    db.session.commit()
    twin = Attempt(quiz_id=first.quiz_id, module_version_id=first.module_version_id,
                   user_id=learner.id, number=2, purpose="graded", state="open")  # fmt: skip
    db.session.add(twin)
    with pytest.raises(Exception, match=r"(?i)unique"):
        db.session.flush()
    db.session.rollback()


def test_options_are_shuffled_once_and_shown_in_that_order_on_every_device(app, factory):
    learner = factory.user()
    many = [{"kind": "single", "text_md": "Pick", "right": "o0", "wrong": "o1",
             "spec": {"options": [{"id": f"o{i}", "text": f"Option {i}", "fraction": int(i == 0)}
                                  for i in range(8)]}}]  # fmt: skip
    quiz_id = quiz_of(make_module(questions=many, attempts_allowed=0)).id
    orders = set()
    for _ in range(6):
        attempt = start_attempt(learner, quiz_id)
        db.session.commit()
        order = attempt.answers[0].option_order
        assert sorted(order) == [f"o{i}" for i in range(8)]
        db.session.expire_all()  # another device: read back from the database
        again = review(learner, db.session.get(Attempt, attempt.id))
        assert [o["id"] for o in again.items[0].learner_view["options"]] == order
        assert (
            attempts.asked_questions(quiz_entry(attempt.module_version, quiz_id), attempt.seed)[0][
                "option_order"
            ]
            == order
        )  # the seed alone gives the same order again
        orders.add(tuple(order))
        submit_attempt(learner, attempt.id)
    assert len(orders) > 1  # 8! orders: six attempts in one order would be a broken shuffle


def test_the_answer_sheet_resumes_with_the_order_and_what_was_saved(app, factory):
    learner = factory.user()
    attempt = start_attempt(learner, quiz_of(make_module()).id)
    save_answers(learner, attempt.id, by_slot(attempt, RIGHT), revision=0, seconds={1: 9})
    db.session.commit()
    db.session.expire_all()
    sheet = answer_sheet(learner, db.session.get(Attempt, attempt.id))
    assert sheet.revision == 1 and [i.slot for i in sheet.items] == [1, 2, 3, 4, 5]
    assert {i.slot: i.response for i in sheet.items} == by_slot(attempt, RIGHT)
    single = next(i for i in sheet.items if i.kind == "single")
    order = next(a.option_order for a in attempt.answers if a.slot == single.slot)
    assert [o["id"] for o in single.learner_view["options"]] == order
    assert sheet.items[0].seconds_spent == 9 and sheet.items[0].saved_at is not None
    with pytest.raises(LearningError) as refused:
        answer_sheet(factory.user(), attempt)
    assert code_of(refused) == "not_found"


def test_granting_time_on_something_that_does_not_exist(app, factory):
    organiser = factory.user(roles=("organiser",))
    quiz_id = quiz_of(make_module(time_limit_minutes=20)).id
    for quiz, person in ((quiz_id + 1000, organiser.id), (quiz_id, organiser.id + 1000)):
        with pytest.raises(LearningError) as refused:
            grant_time(organiser, quiz, person, 2)
        assert code_of(refused) == "not_found"


def test_no_shuffle_keeps_the_authors_order(app, factory):
    learner = factory.user()
    attempt = start_attempt(learner, quiz_of(make_module(shuffle_options=False)).id)
    assert all(a.option_order == [] for a in attempt.answers)
    view = review(learner, attempt).items[0].learner_view
    assert [o["id"] for o in view["options"]] == ["a", "b", "c"]


def test_questions_shuffle_per_attempt_when_asked(app, factory):
    learner = factory.user()
    quiz_id = quiz_of(make_module(shuffle_questions=True, attempts_allowed=0)).id
    orders = set()
    for _ in range(8):
        attempt = start_attempt(learner, quiz_id)
        orders.add(tuple(a.question_version_id for a in attempt.answers))
        submit_attempt(learner, attempt.id)
    assert len(orders) > 1


def test_a_draw_takes_count_questions_from_the_tags_pool(app, factory):
    learner = factory.user()
    module = make_module(attempts_allowed=0)
    for number in range(6):
        question = Question(key=f"pool{number}", tags=["pool:mr1", "objective:MR1"])
        module.questions.append(question)
        set_question_content(question, kind="truefalse", text_md=f"Pool {number}",
                             spec={"answer": True})  # fmt: skip
    quiz = quiz_of(module)
    db.session.flush()
    draw_by_tag(module, "pool:mr1", 2)
    publish(None, module, check_permission=False)
    db.session.commit()
    pool = {q.current.id for q in module.questions if "pool:mr1" in q.tags}
    drawn = set()
    for _ in range(6):
        attempt = start_attempt(learner, quiz.id)
        ids = [a.question_version_id for a in attempt.answers]
        assert len(ids) == 2 and len(set(ids)) == 2 and set(ids) <= pool
        assert all("pool:mr1" in a.tags for a in attempt.answers)
        drawn.update(ids)
        submit_attempt(learner, attempt.id)
    assert len(drawn) > 2  # the draw varies between attempts


def test_the_deadline_is_the_time_limit_times_the_persons_factor(app, factory):
    instructor = factory.user(roles=("instructor",))
    learner, other = factory.user(), factory.user()
    module = make_module(instructor=instructor, time_limit_minutes=20, attempts_allowed=0)
    quiz_id = quiz_of(module).id
    grant_time(instructor, quiz_id, learner.id, 1.5)
    db.session.commit()
    now = utcnow()
    assert start_attempt(learner, quiz_id, now=now).deadline_at == now + timedelta(minutes=30)
    assert start_attempt(other, quiz_id, now=now).deadline_at == now + timedelta(minutes=20)
    # Lifting the limit changes the open attempt too.
    grant_time(instructor, quiz_id, learner.id, None)
    assert open_attempt_of(learner.id, quiz_id).deadline_at is None


def test_the_deadline_never_runs_past_the_close(app, factory):
    closes = utcnow() + timedelta(minutes=10)
    module = make_module(time_limit_minutes=20, closes_at=closes)
    assert start_attempt(factory.user(), quiz_of(module).id).deadline_at == closes


@pytest.mark.parametrize("factor", [0.5, 0, -1, True, 10.5, float("inf"), float("nan"), "2"])
def test_a_factor_below_one_or_beyond_reason_is_refused(app, factory, factor):
    organiser = factory.user(roles=("organiser",))
    module = make_module(time_limit_minutes=20)
    with pytest.raises(LearningError) as refused:
        grant_time(organiser, quiz_of(module).id, factory.user().id, factor)
    assert code_of(refused) == "bad_factor"


def test_only_the_modules_instructors_and_organisers_grant_time(app, factory):
    teacher = factory.user(roles=("instructor",))
    module = make_module(instructor=teacher, time_limit_minutes=20)
    learner = factory.user()
    for stranger in (factory.user(roles=("instructor",)), learner):
        with pytest.raises(PermissionDenied):
            grant_time(stranger, quiz_of(module).id, learner.id, 2)
    assert grant_time(factory.user(roles=("organiser",)), quiz_of(module).id, learner.id, 2)


def test_answers_saved_by_the_deadline_count_and_later_saves_are_refused(app, factory):
    learner = factory.user()
    quiz_id = quiz_of(make_module(time_limit_minutes=20)).id
    start = utcnow() - timedelta(minutes=30)
    attempt = start_attempt(learner, quiz_id, now=start)
    save_answers(learner, attempt.id, by_slot(attempt, RIGHT), revision=0,
                 now=start + timedelta(minutes=5))  # fmt: skip
    db.session.commit()
    with pytest.raises(TimeUp) as refused:
        save_answers(learner, attempt.id, by_slot(attempt, WRONG), revision=1,
                     now=start + timedelta(minutes=21))  # fmt: skip
    assert code_of(refused) == "time_up"
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Attempt, attempt.id)
    assert stored.state == "submitted" and stored.finished_at == start + timedelta(minutes=20)
    assert stored.score == 5 and stored.passed is True  # the answers saved in time
    assert stored.revision == 1


def test_submitting_late_counts_as_of_the_deadline(app, factory):
    learner = factory.user()
    start = utcnow() - timedelta(hours=1)
    attempt = start_attempt(learner, quiz_of(make_module(time_limit_minutes=10)).id, now=start)
    submit_attempt(learner, attempt.id)
    assert attempt.finished_at == start + timedelta(minutes=10)


def test_an_expired_open_attempt_is_submitted_before_a_new_start(app, factory):
    learner = factory.user()
    quiz_id = quiz_of(make_module(time_limit_minutes=10, attempts_allowed=0)).id
    first = start_attempt(learner, quiz_id, now=utcnow() - timedelta(hours=1))
    db.session.commit()
    second = start_attempt(learner, quiz_id)
    assert second.number == 2 and db.session.get(Attempt, first.id).state == "submitted"


def test_the_periodic_task_closes_attempts_past_their_deadline_only(app, factory):
    quiz_id = quiz_of(make_module(time_limit_minutes=10)).id
    late = start_attempt(factory.user(), quiz_id, now=utcnow() - timedelta(minutes=11))
    running = start_attempt(factory.user(), quiz_id, now=utcnow() - timedelta(minutes=9))
    db.session.commit()
    assert close_expired_attempts() == 1
    db.session.expire_all()
    assert db.session.get(Attempt, late.id).state == "submitted"
    assert db.session.get(Attempt, late.id).finished_at == late.deadline_at
    assert db.session.get(Attempt, running.id).state == "open"
    assert close_expired_attempts() == 0


def test_the_periodic_task_runs_every_minute_and_commits_its_work(app, factory):
    task = app.extensions["lms"].huey.lms_tasks["close_expired_attempts"]
    assert issubclass(task.task_class, PeriodicTask)
    quiz_id = quiz_of(make_module(time_limit_minutes=10)).id
    late = start_attempt(factory.user(), quiz_id, now=utcnow() - timedelta(minutes=11))
    db.session.commit()
    assert task.call_local() == 1
    with db.engine.connect() as other:  # seen from outside the task's session: committed
        state = other.execute(select(Attempt.state).where(Attempt.id == late.id)).scalar()
    assert state == "submitted"


def test_grading_on_submit_item_by_item(app, factory):
    learner = factory.user()
    attempt = start_attempt(learner, quiz_of(make_module(pass_percent=60)).id)
    responses = by_slot(attempt, RIGHT)
    wrong = by_slot(attempt, WRONG)
    texts = {a.slot: a.question_version.text_md for a in attempt.answers}
    for slot, text in texts.items():
        if text.startswith("Which are ILO") or text.startswith("Name the"):
            responses[slot] = wrong[slot]
    save_answers(learner, attempt.id, responses, revision=0, seconds={1: 30, "2": 12})
    submit_attempt(learner, attempt.id)
    assert (attempt.score, attempt.max_score, attempt.passed) == (3, 5, True)
    assert sorted(a.right for a in attempt.answers) == [False, False, True, True, True]
    assert attempt.answers[0].seconds_spent == 30 and attempt.answers[1].seconds_spent == 12


def test_a_second_submit_returns_the_first_result_and_writes_nothing(app, factory, count_queries):
    learner = factory.user()
    attempt = start_attempt(learner, quiz_of(make_module()).id)
    save_answers(learner, attempt.id, by_slot(attempt, RIGHT), revision=0)
    first = submit_attempt(learner, attempt.id, now=utcnow())
    db.session.commit()
    finished, score = first.finished_at, first.score
    with count_queries() as statements:
        again = submit_attempt(learner, attempt.id, now=utcnow() + timedelta(minutes=5))
        db.session.flush()
    assert (again.id, again.finished_at, again.score) == (attempt.id, finished, score)
    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]


def test_a_save_on_an_older_revision_is_refused_with_what_is_stored(app, factory):
    learner = factory.user()
    attempt = start_attempt(learner, quiz_of(make_module()).id)
    save_answers(learner, attempt.id, {}, revision=0)
    slot = next(a.slot for a in attempt.answers if a.question_version.kind == "truefalse")
    save_answers(learner, attempt.id, {slot: True}, revision=1)
    with pytest.raises(StaleRevision) as refused:
        save_answers(learner, attempt.id, {slot: False}, revision=1)
    assert refused.value.revision == 2 and refused.value.answers[slot] is True
    assert attempt.revision == 2
    save_answers(learner, attempt.id, {slot: False}, revision=None)  # no revision: last wins
    assert attempt.revision == 3


def test_bad_answers_name_their_slots_and_save_nothing(app, factory):
    learner = factory.user()
    attempt = start_attempt(learner, quiz_of(make_module()).id)
    kinds = {a.question_version.kind: a.slot for a in attempt.answers}
    bad = {kinds["truefalse"]: True, kinds["single"]: "zz", "99": "x", "x": 1}
    with pytest.raises(BadAnswer) as refused:
        save_answers(learner, attempt.id, bad, revision=0, seconds={kinds["numeric"]: -5})
    assert set(refused.value.faults) == {kinds["single"], "99", "x", kinds["numeric"]}
    db.session.commit()  # what a caller that commits anyway would store: nothing changed
    db.session.expire_all()
    stored = db.session.get(Attempt, attempt.id)
    assert stored.revision == 0 and all(a.response is None for a in stored.answers)
    assert all(a.seconds_spent == 0 for a in stored.answers)


def test_someone_elses_attempt_is_not_found_and_a_submitted_one_takes_no_answers(app, factory):
    learner, other = factory.user(), factory.user()
    attempt = start_attempt(learner, quiz_of(make_module()).id)
    db.session.commit()
    for call in (
        lambda: save_answers(other, attempt.id, {}, revision=None),
        lambda: submit_attempt(other, attempt.id),
        lambda: review(other, attempt),
        lambda: save_answers(learner, attempt.id + 1000, {}, revision=None),
    ):
        with pytest.raises(LearningError) as refused:
            call()
        assert code_of(refused) == "not_found"
    submit_attempt(learner, attempt.id)
    with pytest.raises(LearningError) as refused:
        save_answers(learner, attempt.id, {}, revision=None)
    assert code_of(refused) == "submitted"


def test_an_essay_leaves_the_score_and_pass_open_and_likert_counts_nothing(app, factory):
    learner = factory.user()
    questions = [
        SAMPLE_QUESTIONS[2],
        {"kind": "essay", "text_md": "Explain.", "spec": {}},
        {"kind": "likert", "text_md": "I check suppliers.", "spec": {"points": 5}},
    ]
    attempt = start_attempt(learner, quiz_of(make_module(questions=questions)).id)
    assert [a.scored for a in attempt.answers] == [True, True, False]
    save_answers(learner, attempt.id, {1: True, 2: "Because.", 3: 4}, revision=0)
    submit_attempt(learner, attempt.id)
    assert (attempt.score, attempt.max_score, attempt.passed) == (None, 2, None)
    assert attempt.answers[2].response == 4 and attempt.answers[2].score is None
    item = review(learner, attempt).items[1]
    assert item.awaiting_grading and item.score is None


def test_the_review_shows_only_what_the_options_allow_at_each_moment(app, factory):
    learner = factory.user()
    closes = utcnow() + timedelta(days=1)
    module = make_module(closes_at=closes, review={
        "immediately": ["score", "answers"], "open": [],
        "closed": ["score", "answers", "right_answers", "feedback"]})  # fmt: skip
    attempt = start_attempt(learner, quiz_of(module).id)
    save_answers(learner, attempt.id, by_slot(attempt, WRONG), revision=0)
    assert review(learner, attempt).parts == frozenset()  # still open: nothing
    done = utcnow()
    submit_attempt(learner, attempt.id, now=done)
    soon = review(learner, attempt, now=done + timedelta(minutes=1))
    assert soon.score == 0 and all(i.right_answer is None and not i.feedback for i in soon.items)
    later = review(learner, attempt, now=done + timedelta(minutes=3))
    assert later.score is None and all(i.response is None for i in later.items)
    assert (
        attempts_of(learner, quiz_of(module).id, now=done + timedelta(minutes=3))[0].score is None
    )
    after = review(learner, attempt, now=closes + timedelta(minutes=1))
    single = next(i for i in after.items if i.kind == "single")
    assert single.right_answer == "a" and single.feedback == ("No.",)


def test_quiz_state_grades_by_the_method_over_submitted_attempts(app, factory):
    learner = factory.user()
    quiz_id = quiz_of(make_module(grading_method="average", attempts_allowed=3)).id
    for responses in (RIGHT, WRONG):
        attempt = start_attempt(learner, quiz_id)
        save_answers(learner, attempt.id, by_slot(attempt, responses), revision=0)
        submit_attempt(learner, attempt.id)
    current = start_attempt(learner, quiz_id)
    state = quiz_state(learner, quiz_id)
    assert state.grade == 0.5 and state.passed is False
    assert (state.next_action, state.open_attempt_id, state.attempts_left) == (
        "continue", current.id, 0,
    )  # fmt: skip
    assert [s.score for s in state.history] == [5, 0, None]


def _selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def _statements_for(count_queries, learner, questions: int) -> list[int]:
    quiz_id = quiz_of(make_module(questions=SAMPLE_QUESTIONS * (questions // 5))).id
    with count_queries() as statements:
        attempt = start_attempt(learner, quiz_id)
        db.session.commit()
    counts = [len(_selects(statements))]
    responses = by_slot(attempt, RIGHT)
    for step in (
        lambda: save_answers(learner, attempt.id, responses, revision=None),
        lambda: submit_attempt(learner, attempt.id),
        lambda: review(learner, attempt),
    ):
        db.session.expire_all()
        with count_queries() as statements:
            step()
            db.session.commit()
        counts.append(len(_selects(statements)))
    return counts


def test_the_reads_of_start_save_submit_and_review_do_not_grow_with_the_questions(
    app, factory, count_queries
):
    """The reads are the same for 5 questions as for 20 (the writes are one per answer)."""
    small = _statements_for(count_queries, factory.user(), 5)
    large = _statements_for(count_queries, factory.user(), 20)
    assert small == large, (small, large)


def test_starting_inserts_the_answer_rows_in_one_batch(factory, count_queries):
    learner = factory.user()
    quiz_id = quiz_of(make_module()).id
    with count_queries() as statements:
        attempt = start_attempt(learner, quiz_id)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO LMS_ANSWERS")]
    assert len(inserts) == 1, inserts
    db.session.commit()
    db.session.expire_all()
    rows = db.session.get(Attempt, attempt.id).answers
    assert [a.slot for a in rows] == list(range(1, len(SAMPLE_QUESTIONS) + 1))
    assert all(a.response is None and a.attempt_id == attempt.id for a in rows)
