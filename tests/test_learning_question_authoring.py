"""Authoring questions and quizzes in the browser: one form for every question type
(rows added without JavaScript), its faults shown with a 400 and nothing saved, a
question that has answers getting a new version, quiz settings in Oslo time with the
review grid and feedback bands, and random draws."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import csrf_token, post_form
from factories import year_like
from flask_babel import force_locale
from learning_support import make_module
from markupsafe import escape
from sqlalchemy import func, select

from lms.extensions import db
from lms.learning import quiz_authoring
from lms.learning.attempt_models import Answer, Attempt
from lms.learning.models import Module, Question, QuestionVersion, Quiz, QuizDraw
from lms.learning.publishing import latest_version, quiz_tag
from lms.learning.question_types import validate

Y2031 = year_like(2031)


@pytest.fixture
def instructor(factory):
    return factory.user("teacher@example.no", roles=("instructor",))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def rows(*values: dict) -> dict:
    return {f"rows-{n}-{k}": v for n, row in enumerate(values) for k, v in row.items()}


# kind, what the form sends beyond the text, the spec it must give.
CASES = [
    (
        "single",
        rows({"text": "Ja", "fraction": "1", "feedback": "Riktig"}, {"text": "Nei"}, {}),
        {"options": [{"id": "a", "text": "Ja", "fraction": 1, "feedback": "Riktig"},
                     {"id": "b", "text": "Nei", "fraction": 0}]},
    ),
    (
        "multiple",
        rows({"text": "A", "weight": "0,5"}, {"text": "B", "weight": "0.5"},
             {"text": "C", "weight": "-1"}),
        {"options": [{"id": "a", "text": "A", "weight": "0.5"},
                     {"id": "b", "text": "B", "weight": "0.5"},
                     {"id": "c", "text": "C", "weight": -1}]},
    ),
    (
        "truefalse",
        {"answer": "false", "feedback_false": "Godt"},
        {"answer": False, "feedback_false": "Godt"},
    ),
    (
        "short",
        rows({"text": "åpenhetsloven"}, {"text": "apenhetsloven", "fraction": "0.5"})
        | {"case_sensitive": "y"},
        {"answers": [{"text": "åpenhetsloven"}, {"text": "apenhetsloven", "fraction": "0.5"}],
         "case_sensitive": True},
    ),
    (
        "numeric",
        rows({"value": "30", "tolerance": "2"}, {"min": "10", "max": "20", "fraction": "0.5"})
        | {"unit": "%"},
        {"answers": [{"value": "30", "tolerance": "2"},
                     {"min": "10", "max": "20", "fraction": "0.5"}], "unit": "%"},
    ),
    (
        "matching",
        rows({"prompt": "C29", "answer": "Tvangsarbeid"}, {"prompt": "C138", "answer": "Alder"}),
        {"pairs": [{"id": "a", "prompt": "C29", "answer": "Tvangsarbeid"},
                   {"id": "b", "prompt": "C138", "answer": "Alder"}]},
    ),
    ("essay", {}, {}),
    (
        "likert",
        {"scale_points": "4", "label_low": "Aldri", "label_high": "Alltid"},
        {"points": 4, "labels": ["Aldri", "Alltid"]},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "data", "spec"), CASES, ids=[c[0] for c in CASES])
def test_each_question_type_is_made_through_the_one_form(
    client, login, instructor, kind, data, spec
):
    module = make_module(instructor=instructor, published=False)
    quiz = module.quizzes[0]
    login(instructor)
    path = f"/manage/learning/{module.id}/questions/new?kind={kind}"
    assert client.get(path).status_code == 200
    form = {"text_md": "Spørsmålet?", "points": "2", "objective_tags": ["objective:MR1"],
            "quiz_tags": [quiz_tag(quiz)], "free_tags": "pool:a, egen"} | data  # fmt: skip
    response = post_form(client, path, form)
    assert response.status_code == 302, response.get_data(as_text=True)
    question = db.session.scalars(select(Question).order_by(Question.id.desc())).first()
    version = question.current
    assert (version.kind, version.spec, version.points) == (kind, spec, 2.0)
    assert validate(kind, version.spec) == []
    assert question.tags == ["objective:MR1", quiz_tag(quiz), "pool:a", "egen"]
    # Opened again, the form shows what was saved, and saving it unchanged changes nothing.
    edit = f"/manage/learning/{module.id}/questions/{question.id}"
    assert client.get(edit).status_code == 200
    assert post_form(client, edit, form).status_code == 302
    db.session.expire_all()
    again = db.session.get(Question, question.id)
    assert [v.number for v in again.versions] == [1] and again.current.spec == spec


def test_a_question_that_does_not_validate_answers_400_with_its_faults_and_saves_nothing(
    client, login, instructor
):
    module = make_module(instructor=instructor, published=False)
    login(instructor)
    before = (count(Question), count(QuestionVersion))
    path = f"/manage/learning/{module.id}/questions/new?kind=single"
    data = {"text_md": "Hva?", "points": "1"} | rows({"text": "A", "fraction": "0"}, {"text": "B"})
    response = post_form(client, path, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    with force_locale("nb"):  # the instructor's language
        fault = str(
            validate(
                "single",
                {
                    "options": [
                        {"id": "a", "text": "A", "fraction": 0},
                        {"id": "b", "text": "B", "fraction": 0},
                    ]
                },
            )[0]
        )
    assert "ds-error-summary" in page and escape(fault) in page
    assert (count(Question), count(QuestionVersion)) == before
    question = module.questions[0]
    edit = f"/manage/learning/{module.id}/questions/{question.id}"
    bad = post_form(client, edit, data | {"text_md": "Endret"})
    assert bad.status_code == 400
    db.session.expire_all()
    assert db.session.get(Question, question.id).current.text_md != "Endret"


def test_add_a_row_rerenders_the_form_with_one_more_empty_row(client, login, instructor):
    module = make_module(instructor=instructor, published=False)
    login(instructor)
    path = f"/manage/learning/{module.id}/questions/new?kind=matching"
    page = client.get(path).get_data(as_text=True)
    shown = page.count('class="ds-fieldset lms-row lms-option-row"')
    data = {"text_md": "Par?", "points": "1", "add_row": "rows"} | rows(
        *({"prompt": f"p{n}", "answer": f"a{n}"} for n in range(shown))
    )
    response = post_form(client, path, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('class="ds-fieldset lms-row lms-option-row"') == shown + 1
    assert 'value="p0"' in page
    assert count(Question) == len(module.questions)


def _answer(module: Module, version: QuestionVersion, user) -> Answer:
    attempt = Attempt(quiz=module.quizzes[0], module_version=latest_version(module.id),
                      user=user, number=1, purpose="graded")  # fmt: skip
    answer = Answer(attempt=attempt, slot=0, question_version_id=version.id, response="b")
    db.session.add(answer)
    db.session.commit()
    return answer


@pytest.mark.parametrize("published", [True, False], ids=["published", "answered-only"])
def test_editing_a_question_that_has_answers_makes_a_new_version(
    client, factory, login, instructor, published
):
    module = make_module(instructor=instructor)
    question = module.questions[0]
    first = question.current
    if not published:  # answered but not frozen by a publication: the answer alone counts
        first.frozen = False
        db.session.commit()
    answer = _answer(module, first, factory.user("learner@example.no"))
    login(instructor)
    path = f"/manage/learning/{module.id}/questions/{question.id}"
    data = {"text_md": "Which act, corrected?", "points": "1"} | rows(
        {"id": "a", "text": "The Transparency Act", "fraction": "1"},
        {"id": "b", "text": "The Planning Act", "fraction": "0"},
    )
    response = post_form(client, path, data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Lagret som versjon 2; forsøk som alt er gjort, beholder versjonen" in page
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert [v.number for v in question.versions] == [1, 2]
    assert question.versions[0].text_md == "Which act requires due diligence of larger enterprises?"
    assert question.current.text_md == "Which act, corrected?"
    assert db.session.get(Answer, answer.id).question_version_id == first.id


def test_an_unpublished_unanswered_question_is_edited_in_place(client, login, instructor):
    module = make_module(instructor=instructor, published=False)
    question = module.questions[2]  # true/false
    login(instructor)
    path = f"/manage/learning/{module.id}/questions/{question.id}"
    response = post_form(client, path, {"text_md": "Sant?", "points": "1", "answer": "false"})
    assert response.status_code == 302
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert [v.number for v in question.versions] == [1] and question.current.spec == {
        "answer": False
    }


def test_the_bank_filters_by_tag(client, login, instructor):
    module = make_module(instructor=instructor, published=False)
    module.questions[0].tags = [*module.questions[0].tags, "pool:x"]
    db.session.commit()
    login(instructor)
    base = f"/manage/learning/{module.id}/questions"
    assert client.get(base).get_data(as_text=True).count("/questions/") >= 5
    page = client.get(f"{base}?tag=pool:x").get_data(as_text=True)
    assert "Which act requires" in page and "Which are ILO" not in page


# --- quizzes --------------------------------------------------------------------------


def quiz_form(**overrides) -> dict:
    data = {
        "title": "Forhåndstest",
        "purpose": "pretest",
        "attempts_allowed": "1",
        "time_limit_minutes": "20",
        "opens_at": f"{Y2031}-06-02T09:00",
        "closes_at": f"{Y2031}-06-30T15:30",
        "grading_method": "first",
        "pass_percent": "0",
        "shuffle_options": "y",
        "review_immediately_score": "y",
        "review_closed_right_answers": "y",
        "bands-0-min_percent": "50",
        "bands-0-text_md": "Bra",
        "bands-1-min_percent": "0",
        "bands-1-text_md": "Les igjen",
    }
    return data | overrides


def test_quiz_settings_are_saved_with_times_in_oslo_and_the_review_grid(client, login, instructor):
    module = make_module(instructor=instructor, published=False)
    login(instructor)
    response = post_form(client, f"/manage/learning/{module.id}/quizzes/new", quiz_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    quiz = db.session.scalars(select(Quiz).order_by(Quiz.id.desc())).first()
    assert quiz.key == "forhandstest" and quiz.position == 1
    assert quiz.opens_at == datetime(Y2031, 6, 2, 7, 0, tzinfo=UTC)  # summer time: UTC+2
    assert quiz.closes_at == datetime(Y2031, 6, 30, 13, 30, tzinfo=UTC)
    assert quiz.review == {"immediately": ["score"], "closed": ["right_answers"]}
    assert quiz.overall_feedback == [
        {"min_percent": 50, "text_md": "Bra"},
        {"min_percent": 0, "text_md": "Les igjen"},
    ]
    assert (quiz.purpose, quiz.attempts_allowed, quiz.time_limit_minutes) == ("pretest", 1, 20)
    assert (quiz.shuffle_questions, quiz.shuffle_options) == (False, True)
    page = client.get(f"/manage/learning/{module.id}/quizzes/{quiz.id}").get_data(as_text=True)
    assert f'value="{Y2031}-06-02T09:00"' in page


@pytest.mark.parametrize(
    "bad",
    [
        {"closes_at": f"{Y2031}-06-01T09:00"},
        {"pass_percent": "101"},
        {"purpose": "exam"},
        {"title": ""},
        {"key": "Ikke gyldig"},
        {"bands-0-min_percent": ""},
    ],
)
def test_bad_quiz_settings_answer_400_and_save_nothing(client, login, instructor, bad):
    module = make_module(instructor=instructor, published=False)
    quiz = module.quizzes[0]
    login(instructor)
    response = post_form(
        client, f"/manage/learning/{module.id}/quizzes/{quiz.id}", quiz_form(**bad)
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Quiz, quiz.id).title == "Final quiz"
    assert count(Quiz) == 1


def test_a_new_quiz_key_moves_its_questions_along(instructor):
    module = make_module(instructor=instructor, published=False)
    quiz = module.quizzes[0]
    data = quiz_form(key="ny-nokkel") | {"review": {}, "overall_feedback": []}
    data |= {"opens_at": None, "closes_at": None, "pass_percent": 80.0, "attempts_allowed": 0,
             "time_limit_minutes": None, "intro_md": "", "shuffle_questions": False,
             "shuffle_options": True, "required_for_completion": True}  # fmt: skip
    quiz_authoring.update_quiz(instructor, quiz, data)
    assert all("quiz:ny-nokkel" in q.tags and "quiz:quiz" not in q.tags for q in module.questions)


def test_draws_are_added_and_removed(client, login, instructor):
    module = make_module(instructor=instructor, published=False)
    quiz = module.quizzes[0]
    login(instructor)
    page = f"/manage/learning/{module.id}/quizzes/{quiz.id}"
    token = csrf_token(client, page)
    response = client.post(f"{page}/draws", data={"csrf_token": token, "tag": "objective:MR1",
                                                  "count": "3"})  # fmt: skip
    assert response.status_code == 302
    draw = db.session.scalar(select(QuizDraw))
    assert (draw.tag, draw.count, draw.quiz_id) == ("objective:MR1", 3, quiz.id)
    assert "objective:MR1" in client.get(page).get_data(as_text=True)
    refused = client.post(f"{page}/draws", data={"csrf_token": token, "tag": "", "count": "0"})
    assert refused.status_code == 302 and count(QuizDraw) == 1
    assert (
        client.post(f"{page}/draws/{draw.id}/delete", data={"csrf_token": token}).status_code == 302
    )
    assert count(QuizDraw) == 0
