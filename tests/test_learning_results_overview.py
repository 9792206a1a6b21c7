"""The results overview (/manage/learning/results): each quiz's attempts, learners, pass
rate and mean grade, for organisers (every module) and instructors (their own), in a
constant number of queries."""

from __future__ import annotations

import pytest
from learning_results_support import WITH_ESSAY, right_answers, submit_attempt, wrong_answers
from learning_support import make_module

from lms.core.service_errors import PermissionDenied
from lms.learning.results_overview import results_overview

PATH = "/manage/learning/results"


@pytest.fixture
def teacher(factory):
    return factory.user("teacher@example.no", roles=("instructor",))


def test_figures_count_learners_by_the_quizs_grade(app, factory, teacher):
    module = make_module(instructor=teacher, grading_method="highest", pass_percent=80)
    ola, kari, per = factory.user(), factory.user(), factory.user()
    submit_attempt(module, ola, wrong_answers())
    submit_attempt(module, ola, right_answers())  # highest: passed
    submit_attempt(module, kari, wrong_answers())
    essays = make_module(instructor=teacher, title="Essays", questions=WITH_ESSAY)
    submit_attempt(essays, per, right_answers(WITH_ESSAY))  # the essay waits
    rows = {row.quiz.module.title: row for row in results_overview(teacher)}
    first = rows["Responsible supply chains"]
    assert (first.attempts, first.learners, first.waiting) == (3, 2, 0)
    assert first.pass_rate == 0.5
    assert first.mean_grade == pytest.approx((1.0 + 0.0) / 2)
    waiting = rows["Essays"]
    assert (waiting.learners, waiting.waiting, waiting.pass_rate, waiting.mean_grade) == (
        1,
        1,
        None,
        None,
    )


def test_instructors_see_their_own_modules_and_organisers_all(app, factory, teacher):
    own = make_module(instructor=teacher, title="Own")
    make_module(title="Someone else's")
    assert [row.quiz.id for row in results_overview(teacher)] == [own.quizzes[0].id]
    organiser = factory.user(roles=("organiser",))
    assert {row.quiz.module.title for row in results_overview(organiser)} == {
        "Own",
        "Someone else's",
    }
    with pytest.raises(PermissionDenied):
        results_overview(factory.user())


def test_the_page_links_each_quiz_to_its_results(client, login, factory, teacher):
    module = make_module(instructor=teacher)
    submit_attempt(module, factory.user(), right_answers())
    login(teacher)
    page = client.get(PATH).get_data(as_text=True)
    assert f'href="/manage/learning/quizzes/{module.quizzes[0].id}/results"' in page
    assert f'href="/manage/learning/{module.id}"' in page
    assert "100 %" in page


def test_participants_are_refused(client, login, factory):
    login(factory.user())
    assert client.get(PATH).status_code == 403


def test_the_page_sends_the_same_queries_for_more_modules_and_attempts(
    client, login, factory, count_queries
):
    organiser = factory.user(roles=("organiser",))
    login(organiser)

    def add(modules: int, attempts: int) -> None:
        for _ in range(modules):
            module = make_module(questions=WITH_ESSAY)
            for number in range(attempts):
                answers = right_answers(WITH_ESSAY) if number % 2 else wrong_answers(WITH_ESSAY)
                submit_attempt(module, factory.user(), answers)

    def queries() -> int:
        with count_queries() as statements:
            response = client.get(PATH)
        assert response.status_code == 200
        return len(statements)

    add(1, 2)
    client.get(PATH)  # warm: the session's user and the translations are loaded
    few = queries()
    add(4, 5)
    assert queries() == few <= 6


def test_one_modules_results_and_the_links_between_the_teaching_pages(
    client, login, factory, teacher
):
    module = make_module(instructor=teacher, title="Own")
    other = make_module(instructor=teacher, title="Other")
    quiz = module.quizzes[0]
    learner = factory.user()
    submit_attempt(module, learner, right_answers())
    login(teacher)
    one = client.get(f"{PATH}?module={module.id}").get_data(as_text=True)
    assert f"/quizzes/{quiz.id}/results" in one
    assert f"/quizzes/{other.quizzes[0].id}/results" not in one
    back = f'href="/manage/learning/{module.id}"'
    assert back in one, "back to the module"
    listing = client.get("/manage/learning").get_data(as_text=True)
    assert f'href="{PATH}?module={module.id}"' in listing
    assert 'href="/manage/learning/essays"' in listing
    for page in (f"/quizzes/{quiz.id}/results", f"/quizzes/{quiz.id}/results/{learner.id}"):
        assert back in client.get(f"/manage/learning{page}").get_data(as_text=True), page
    # A module the user may not edit shows nothing.
    stranger = make_module(title="Someone else's")
    hidden = client.get(f"{PATH}?module={stranger.id}").get_data(as_text=True)
    assert f"/quizzes/{stranger.quizzes[0].id}/results" not in hidden
