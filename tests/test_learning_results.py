"""Results for instructors and organisers: the quiz's table and question summary (with a
constant number of queries), the per-learner drill-down, the essay queue, the exports
read back by real parsers, regrading past attempts, the results API, and who may see
what (``Module.can_edit``)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from accounts_support import csrf_token
from api_support import assert_error, bearer
from conftest import post_form
from learning_results_support import (
    WITH_ESSAY,
    quiz_versions,
    right_answers,
    submit_attempt,
    wrong_answers,
)
from learning_support import SAMPLE_QUESTIONS, make_module
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.accounts import services
from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.learning import regrade, results
from lms.learning.attempt_models import Answer, Attempt, Regrade
from lms.learning.publishing import publish, set_question_content

# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def teacher(factory):
    return factory.user("teacher@example.no", roles=("instructor",), name="Tone Lærer")


@pytest.fixture
def module(teacher):
    """A module taught by ``teacher``; its quiz asks five questions, pass mark 80 %."""
    return make_module(instructor=teacher, grading_method="highest", pass_percent=80)


def _learner(factory, name: str):
    return factory.user(f"{name.lower().replace(' ', '.')}@example.no", name=name)


def _mixed(questions=SAMPLE_QUESTIONS, right: int = 3) -> list:
    """``right`` questions answered right, the rest wrong."""
    return [q["right"] if i < right else q["wrong"] for i, q in enumerate(questions)]


# --- the results table ------------------------------------------------------------------


def test_results_table_grades_each_learner_once_by_the_quiz_method(module, factory):
    quiz = module.quizzes[0]
    ola = _learner(factory, "Ola Nordmann")
    kari = _learner(factory, "Kari Ødegård")
    submit_attempt(module, ola, _mixed(right=2), finished_ago=timedelta(days=2))
    submit_attempt(module, ola, right_answers(), finished_ago=timedelta(days=1))
    submit_attempt(module, kari, _mixed(right=3))

    rows = {row.name: row for row in results.learner_results(quiz)}
    assert rows["Ola Nordmann"].attempts == 2
    assert (rows["Ola Nordmann"].first, rows["Ola Nordmann"].last) == (0.4, 1.0)
    assert rows["Ola Nordmann"].average == pytest.approx(0.7)
    assert rows["Ola Nordmann"].grade == rows["Ola Nordmann"].best == 1.0
    assert rows["Ola Nordmann"].status == "passed"
    assert rows["Kari Ødegård"].status == "failed"
    quiz.grading_method = "first"
    assert results.learner_results(quiz)[1].status == "failed", "Ola's first attempt: 40 %"


def test_results_page_lists_filters_and_pages(module, teacher, factory, client, login):
    quiz = module.quizzes[0]
    for number in range(3):
        submit_attempt(module, _learner(factory, f"Bestått {number}"), right_answers())
    submit_attempt(module, _learner(factory, "Stryk Person"), wrong_answers())
    login(teacher)

    page = client.get(f"/manage/learning/quizzes/{quiz.id}/results").get_data(as_text=True)
    assert "Bestått 0" in page and "Stryk Person" in page
    assert "4 deltakere." in page or "4 learners." in page

    failed = client.get(f"/manage/learning/quizzes/{quiz.id}/results?status=failed")
    text = failed.get_data(as_text=True)
    assert "Stryk Person" in text and "Bestått 0" not in text

    paged = results.results_page(quiz, status=None, page=2, per_page=3)
    assert [row.name for row in paged.items] == ["Stryk Person"] and paged.pages == 2
    assert client.get(f"/manage/learning/quizzes/{quiz.id}/results?page=9").status_code == 404


def test_question_summary_gives_facility_and_count(module, factory):
    quiz = module.quizzes[0]
    submit_attempt(module, _learner(factory, "A Person"), right_answers())
    submit_attempt(module, _learner(factory, "B Person"), wrong_answers())
    summaries = {s.key: s for s in results.question_summaries(quiz)}
    assert set(summaries) == {"q1", "q2", "q3", "q4", "q5"}
    assert summaries["q1"].answers == 2
    assert summaries["q1"].facility == pytest.approx(0.5)
    assert summaries["q1"].text_md == SAMPLE_QUESTIONS[0]["text_md"]


def test_results_page_sends_the_same_queries_for_5_and_50_attempts(
    module, teacher, factory, client, login, count_queries
):
    quiz = module.quizzes[0]
    path = f"/manage/learning/quizzes/{quiz.id}/results"
    login(teacher)
    client.get(path)  # warm: the session's user and the translations are loaded

    def queries_with(attempts: int) -> int:
        made = db.session.scalar(select(func.count(Attempt.id)))
        for number in range(made, attempts):
            learner = _learner(factory, f"Person {number:03}")
            submit_attempt(module, learner, _mixed(right=number % 6))
        with count_queries() as statements:
            response = client.get(path)
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("/results/") >= min(attempts, 50)
        return len(statements)

    assert queries_with(5) == queries_with(50) <= 12


# --- one learner's attempts -------------------------------------------------------------


def test_drill_down_shows_each_answer_of_the_version_answered(
    module, teacher, factory, client, login
):
    quiz = module.quizzes[0]
    ola = _learner(factory, "Ola Nordmann")
    submit_attempt(module, ola, wrong_answers())
    question = module.questions[0]
    set_question_content(question, kind="single", text_md="Rewritten question?",
                         spec=SAMPLE_QUESTIONS[0]["spec"])  # fmt: skip
    publish(None, module, check_permission=False)
    db.session.commit()
    login(teacher)

    page = client.get(f"/manage/learning/quizzes/{quiz.id}/results/{ola.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert SAMPLE_QUESTIONS[0]["text_md"] in text and "Rewritten question?" not in text
    assert "The Planning Act" in text, "the response, as the option's text"
    assert "The Transparency Act" in text, "the right answer"
    assert "30 sekunder" in text or "30 seconds" in text
    nobody = factory.user("nobody@example.no")
    assert client.get(f"/manage/learning/quizzes/{quiz.id}/results/{nobody.id}").status_code == 404


# --- the essay queue --------------------------------------------------------------------


@pytest.fixture
def essay_module(teacher):
    return make_module(instructor=teacher, questions=WITH_ESSAY, pass_percent=50)


def _essay_answer(attempt) -> Answer:
    return db.session.scalar(
        select(Answer).where(Answer.attempt_id == attempt.id, Answer.fraction.is_(None))
    )


def test_essay_waits_then_grading_it_completes_the_attempt(
    essay_module, teacher, factory, client, login
):
    ola = _learner(factory, "Ola Nordmann")
    attempt = submit_attempt(essay_module, ola, right_answers(WITH_ESSAY))
    assert (attempt.score, attempt.passed) == (None, None), "an essay waits"
    answer = _essay_answer(attempt)
    login(teacher)
    queue = client.get("/manage/learning/essays").get_data(as_text=True)
    assert "Ola Nordmann" in queue and WITH_ESSAY[-1]["right"] in queue

    response = post_form(
        client,
        f"/manage/learning/essays/{answer.id}",
        {f"essay-{answer.id}-score": "0,5", f"essay-{answer.id}-comment": "Godt."},
        form_page="/manage/learning/essays",
    )
    assert response.status_code == 302
    db.session.expire_all()
    answer = db.session.get(Answer, answer.id)
    assert (answer.fraction, answer.score, answer.right) == (0.5, 0.5, False)
    assert answer.graded_by_id == teacher.id and answer.graded_at is not None
    assert answer.grader_comment == "Godt."
    attempt = db.session.get(Attempt, attempt.id)
    assert (attempt.score, attempt.max_score, attempt.passed) == (5.5, 6.0, True)
    assert "Ola Nordmann" not in client.get("/manage/learning/essays").get_data(as_text=True)


@pytest.mark.parametrize("score", ["abc", "-1", "1,5", "", "nan"])
def test_a_bad_essay_score_is_a_form_error_and_saves_nothing(
    score, essay_module, teacher, factory, client, login
):
    attempt = submit_attempt(
        essay_module, _learner(factory, "Ola Nordmann"), right_answers(WITH_ESSAY)
    )
    answer = _essay_answer(attempt)
    login(teacher)
    response = post_form(
        client,
        f"/manage/learning/essays/{answer.id}",
        {f"essay-{answer.id}-score": score},
        form_page="/manage/learning/essays",
    )
    assert response.status_code == 400
    assert 'class="ds-error-summary"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Answer, answer.id).fraction is None
    assert db.session.get(Attempt, attempt.id).score is None


def test_another_instructor_neither_sees_nor_grades_the_essay(essay_module, factory, client, login):
    attempt = submit_attempt(
        essay_module, _learner(factory, "Ola Nordmann"), right_answers(WITH_ESSAY)
    )
    answer = _essay_answer(attempt)
    login(factory.user("other@example.no", roles=("instructor",)))
    assert "Ola Nordmann" not in client.get("/manage/learning/essays").get_data(as_text=True)
    token = csrf_token(client, "/manage/learning/essays")
    response = client.post(
        f"/manage/learning/essays/{answer.id}",
        data={"csrf_token": token, f"essay-{answer.id}-score": "1"},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Answer, answer.id).fraction is None


# --- exports ----------------------------------------------------------------------------


def _export_module(teacher, factory):
    module = make_module(instructor=teacher)
    submit_attempt(module, _learner(factory, "Åse Ødegård Bråten"), _mixed(right=4))
    half = right_answers()
    half[1] = ["a"]  # one of the two right options: half the marks
    submit_attempt(module, _learner(factory, "Zeno Halvpart"), half)
    return module


def _csv(client, module, sep: str) -> list[list[str]]:
    response = client.get(f"/manage/learning/quizzes/{module.quizzes[0].id}/results.csv?sep={sep}")
    assert response.status_code == 200 and response.content_type.startswith("text/csv")
    assert response.data.startswith("\ufeff".encode()), "a BOM: spreadsheets read UTF-8"
    delimiter = ";" if sep == "semicolon" else ","
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=delimiter))


def test_csv_export_reads_back_with_norwegian_letters_and_one_row_per_answer(
    teacher, factory, client, login
):
    module = _export_module(teacher, factory)
    login(teacher)
    table = _csv(client, module, "semicolon")
    assert len(table) == 1 + 2 * len(SAMPLE_QUESTIONS) and len(table[0]) == 14
    ase = [row for row in table if row[0] == "Åse Ødegård Bråten"]
    assert ase[0][1:3] == ["åse.ødegård.bråten@example.no", "1"]
    assert (ase[0][6], ase[0][7], ase[0][9]) == ("q1", "1", "The Transparency Act")
    assert [row[12] for row in ase] == ["1", "1", "1", "1", "0"]
    assert _half(table)[10] == "0,5", "a Norwegian spreadsheet's decimal comma"
    assert _half(_csv(client, module, "comma"))[10] == "0.5"


def _half(table):
    """The row of the answer that earned half the marks."""
    [row] = [row for row in table if row[0] == "Zeno Halvpart" and row[6] == "q2"]
    return row


def test_xlsx_export_keeps_numbers_as_numbers_and_dates_as_dates(teacher, factory, client, login):
    module = _export_module(teacher, factory)
    login(teacher)
    response = client.get(f"/manage/learning/quizzes/{module.quizzes[0].id}/results.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 2 * len(SAMPLE_QUESTIONS)
    ase = [row for row in rows if row[0] == "Åse Ødegård Bråten"]
    _name, _email, number, purpose, started, finished, key, version = ase[0][:8]
    assert (number, purpose, key, version) == (1, "graded", "q1", 1)
    assert isinstance(started, datetime) and isinstance(finished, datetime)
    assert finished - started == timedelta(minutes=10)
    assert tuple(ase[4][10:14]) == (0, 1, 0, 30), "numbers, not texts"
    assert _half(rows)[10] == 0.5 and isinstance(_half(rows)[10], float)


# --- regrading --------------------------------------------------------------------------


def _fix_key(module, user):
    """The first question's key was wrong: "b" is the right option after all."""
    question = module.questions[0]
    options = [
        dict(o, fraction=1 if o["id"] == "b" else 0) for o in SAMPLE_QUESTIONS[0]["spec"]["options"]
    ]
    set_question_content(question, kind="single", text_md=question.current.text_md,
                         spec={"options": options}, user=user)  # fmt: skip
    db.session.commit()
    return question


def test_regrade_records_what_changed_and_recomputes_the_attempts(
    module, teacher, factory, client, login
):
    picked_b = [
        "b",
        *right_answers()[1:],
    ]  # 4 of 5 (80 %): passed under the old key? no: 80 % is the mark
    wrong = submit_attempt(module, _learner(factory, "Per B"), picked_b)
    right = submit_attempt(module, _learner(factory, "Rita A"), right_answers())
    untouched = submit_attempt(module, _learner(factory, "Una C"), ["c", *right_answers()[1:]])
    assert (wrong.score, wrong.passed) == (4.0, True)
    question = _fix_key(module, teacher)
    login(teacher)

    confirm = client.get(
        f"/manage/learning/questions/{question.id}/regrade?quiz={module.quizzes[0].id}"
    )
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "3 tidligere svar ble sjekket" in text or "3 earlier answers were checked" in text
    assert "2 svar ville endres" in text or "2 answers would change" in text
    assert db.session.scalar(select(func.count(Regrade.id))) == 0, "the count wrote nothing"

    response = post_form(client, f"/manage/learning/questions/{question.id}/regrade", {})
    assert response.status_code == 302
    db.session.expire_all()
    changes = {r.answer_id: r for r in db.session.scalars(select(Regrade))}
    assert len(changes) == 2
    newest = question.versions[-1].id
    assert {
        (r.old_fraction, r.new_fraction, r.graded_with_id, r.done_by_id) for r in changes.values()
    } == {(0.0, 1.0, newest, teacher.id), (1.0, 0.0, newest, teacher.id)}
    assert db.session.get(Attempt, wrong.id).score == 5.0
    assert (db.session.get(Attempt, right.id).score, db.session.get(Attempt, right.id).passed) == (
        4.0,
        True,
    )
    assert db.session.get(Attempt, untouched.id).score == 4.0
    assert regrade.plan_regrade(teacher, question.id).changes == [], "done once"


def test_regrade_changes_passed_by_the_attempts_pass_mark_and_keeps_the_version(teacher, factory):
    module = make_module(instructor=teacher, pass_percent=100)
    attempt = submit_attempt(module, _learner(factory, "Rita A"), right_answers())
    assert attempt.passed is True
    module.quizzes[0].pass_percent = 50  # the live setting; the attempt saw 100 %
    first_version = quiz_versions(module)[0].id
    question = _fix_key(module, teacher)
    plan = regrade.regrade_question(teacher, question.id)
    db.session.commit()
    assert (plan.considered, len(plan.changes), plan.attempts) == (1, 1, 1)
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert (attempt.score, attempt.passed) == (4.0, False)
    answer = db.session.scalar(
        select(Answer).where(Answer.attempt_id == attempt.id, Answer.slot == 0)
    )
    assert answer.question_version_id == first_version, "past attempts keep their version"
    assert (answer.fraction, answer.score, answer.right) == (0.0, 0.0, False)


def test_regrade_leaves_answers_a_new_type_cannot_read_and_graded_essays(teacher, factory):
    module = make_module(instructor=teacher, questions=WITH_ESSAY)
    attempt = submit_attempt(module, _learner(factory, "Ola Nordmann"), right_answers(WITH_ESSAY))
    first, essay = module.questions[0], module.questions[-1]
    set_question_content(first, kind="truefalse", text_md="Now true or false?",
                         spec={"answer": True})  # fmt: skip
    set_question_content(essay, kind="essay", text_md="Explain again.", spec={})
    db.session.commit()
    assert regrade.plan_regrade(teacher, first.id).considered == 0, "a single-choice answer"
    assert regrade.plan_regrade(teacher, essay.id).considered == 0, "a person grades essays"
    regrade.regrade_question(teacher, first.id)
    db.session.commit()
    assert db.session.get(Attempt, attempt.id).max_score == 6.0
    assert db.session.scalar(select(func.count(Regrade.id))) == 0


def test_another_instructor_may_not_regrade(module, factory):
    question = _fix_key(module, None)
    with pytest.raises(PermissionDenied):
        regrade.regrade_question(
            factory.user("other@example.no", roles=("instructor",)), question.id
        )


# --- the API ----------------------------------------------------------------------------


def _headers(user):
    _token, raw = services.create_api_token(user, "test")
    db.session.commit()
    return bearer(raw)


def test_api_gives_each_attempt_to_the_instructor(module, teacher, factory, client):
    ola = _learner(factory, "Ola Nordmann")
    submit_attempt(module, ola, right_answers())
    response = client.get(
        f"/api/v1/quizzes/{module.quizzes[0].id}/results", headers=_headers(teacher)
    )
    assert response.status_code == 200
    [attempt] = response.json["attempts"]
    assert attempt["learner"] == {"id": ola.id, "name": "Ola Nordmann"}
    assert (attempt["score"], attempt["max_score"], attempt["passed"]) == (5.0, 5.0, True)
    assert attempt["finished_at"] and attempt["started_at"]


def test_api_refuses_others_with_the_error_shape(module, factory, client):
    other = factory.user("other@example.no", roles=("instructor",))
    path = f"/api/v1/quizzes/{module.quizzes[0].id}/results"
    assert_error(client.get(path, headers=_headers(other)), 403, "forbidden")
    assert_error(
        client.get("/api/v1/quizzes/999999/results", headers=_headers(other)), 404, "not_found"
    )
    assert_error(client.get(path), 401, "unauthorized")


# --- who may see what -------------------------------------------------------------------

WHO = [
    ("own instructor", ("instructor",), True),
    ("organiser", ("organiser",), True),
    ("admin", ("admin",), True),
    ("other instructor", ("instructor",), False),
    ("participant", (), False),
]


@pytest.mark.parametrize(("who", "roles", "allowed"), WHO, ids=[w[0] for w in WHO])
def test_permission_matrix(who, roles, allowed, module, teacher, factory, client, login):
    quiz = module.quizzes[0]
    ola = _learner(factory, "Ola Nordmann")
    submit_attempt(module, ola, right_answers())
    user = (
        teacher
        if who == "own instructor"
        else factory.user(f"{who.replace(' ', '.')}@example.no", roles=roles)
    )
    login(user)
    expected = 200 if allowed else 403
    for path in (
        f"/manage/learning/quizzes/{quiz.id}/results",
        f"/manage/learning/quizzes/{quiz.id}/results/{ola.id}",
        f"/manage/learning/quizzes/{quiz.id}/results.csv",
        f"/manage/learning/quizzes/{quiz.id}/results.xlsx",
        f"/manage/learning/questions/{module.questions[0].id}/regrade",
    ):
        assert client.get(path).status_code == expected, path
    assert (module.can_edit(user)) is allowed
    if allowed:
        results.editable_quiz(user, quiz.id)
    else:
        with pytest.raises(PermissionDenied):
            results.editable_quiz(user, quiz.id)
    essays_status = client.get("/manage/learning/essays").status_code
    assert essays_status == (403 if who == "participant" else 200)


def test_the_sql_rule_for_editable_modules_is_can_edit(module, teacher, factory):
    from lms.learning.models import Module

    others = make_module(instructor=factory.user("other@example.no", roles=("instructor",)))
    people = [
        teacher,
        others.instructors[0],
        factory.user("org@example.no", roles=("organiser",)),
        factory.user("plain@example.no"),
    ]
    for person in people:
        listed = set(db.session.scalars(select(Module.id).where(results.editable_modules(person))))
        assert listed == {m.id for m in (module, others) if m.can_edit(person)}, person.email
