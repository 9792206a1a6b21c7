"""More time on a quiz for one person (WCAG 2.2.1): the services behind the quiz's time
page, the page itself (giving, listing, taking away, refusing bad input), who may use
it, and the deadline of an attempt started after a grant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import post_form
from learning_support import make_module

from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.learning import accommodations
from lms.learning.attempt_models import TimeAccommodation
from lms.learning.attempt_rules import open_attempt_of
from lms.learning.attempts import start_attempt
from lms.learning.publishing import LearningError
from lms.timeutil import utcnow


@pytest.fixture
def teacher(factory):
    return factory.user("teacher@example.no", roles=("instructor",), name="Tone Lærer")


@pytest.fixture
def quiz(teacher):
    """A 20-minute quiz in a module ``teacher`` teaches."""
    return make_module(instructor=teacher, time_limit_minutes=20, attempts_allowed=0).quizzes[0]


def _given(quiz) -> dict[str, float | None]:
    db.session.expire_all()
    return {row.user.email: row.factor for row in accommodations.accommodations_of(quiz)}


# --- the services -----------------------------------------------------------------------


def test_time_is_given_by_address_or_to_one_of_the_quizs_learners(app, factory, quiz, teacher):
    learner, newcomer = factory.user("ola@example.no"), factory.user("kari@example.no")
    start_attempt(learner, quiz.id)
    assert accommodations.quiz_learners(quiz) == [learner]
    accommodations.give_time(teacher, quiz, user_id=learner.id, factor=1.5)
    accommodations.give_time(teacher, quiz, email=" KARI@example.no ", factor=None)
    assert _given(quiz) == {"ola@example.no": 1.5, "kari@example.no": None}
    # Someone who has not begun the quiz is not "one of its learners".
    with pytest.raises(LearningError) as refused:
        accommodations.give_time(teacher, quiz, user_id=newcomer.id, factor=2)
    assert refused.value.code == "not_a_learner"
    with pytest.raises(LearningError) as refused:
        accommodations.give_time(teacher, quiz, email="nobody@example.no", factor=2)
    assert refused.value.code == "no_such_person"


def test_taking_time_away_restores_the_quizs_limit_on_an_open_attempt(app, factory, quiz, teacher):
    learner = factory.user()
    accommodations.give_time(teacher, quiz, email=learner.email, factor=None)
    db.session.commit()
    attempt = start_attempt(learner, quiz.id)
    assert attempt.deadline_at is None
    accommodations.remove_time(teacher, quiz, learner.id)
    assert open_attempt_of(learner.id, quiz.id).deadline_at == attempt.started_at + timedelta(
        minutes=20
    )
    assert _given(quiz) == {}
    with pytest.raises(LearningError) as refused:
        accommodations.remove_time(teacher, quiz, learner.id)
    assert refused.value.code == "not_found"


def test_only_the_modules_instructors_and_organisers_give_or_take_time(app, factory, quiz):
    learner = factory.user()
    for stranger in (factory.user(roles=("instructor",)), learner):
        with pytest.raises(PermissionDenied):
            accommodations.give_time(stranger, quiz, email=learner.email, factor=2)
    organiser = factory.user(roles=("organiser",))
    accommodations.give_time(organiser, quiz, email=learner.email, factor=2)
    with pytest.raises(PermissionDenied):
        accommodations.remove_time(factory.user(roles=("instructor",)), quiz, learner.id)
    accommodations.remove_time(organiser, quiz, learner.id)


# --- the page ---------------------------------------------------------------------------


def test_the_page_lists_what_is_given_and_links_both_ways(client, login, factory, quiz, teacher):
    accommodations.give_time(teacher, quiz, email=factory.user(name="Ola Nordmann").email,
                             factor=1.5)  # fmt: skip
    accommodations.give_time(teacher, quiz, email=factory.user(name="Kari Nordmann").email,
                             factor=None)  # fmt: skip
    db.session.commit()
    login(teacher)
    page = client.get(f"/manage/learning/quizzes/{quiz.id}/time").get_data(as_text=True)
    assert "Ola Nordmann" in page and "1,5 × tid" in page
    assert "Kari Nordmann" in page and "ingen tidsgrense" in page
    time_link = f'href="/manage/learning/quizzes/{quiz.id}/time"'
    edit = client.get(f"/manage/learning/{quiz.module_id}/quizzes/{quiz.id}")
    results = client.get(f"/manage/learning/quizzes/{quiz.id}/results")
    assert time_link in edit.get_data(as_text=True)
    assert time_link in results.get_data(as_text=True)


def test_giving_time_through_the_form(client, login, factory, quiz, teacher):
    learner = factory.user("ola@example.no", name="Ola Nordmann")
    start_attempt(learner, quiz.id)
    db.session.commit()
    login(teacher)
    path = f"/manage/learning/quizzes/{quiz.id}/time"
    form = client.get(path).get_data(as_text=True)
    assert f'value="{learner.id}"' in form, "the quiz's learners are offered"
    response = post_form(client, path, {"learner": str(learner.id), "factor": "2.0"})
    assert response.status_code == 302
    by_mail = post_form(client, path, {"email": "ola@example.no", "factor": "none"})
    assert by_mail.status_code == 302
    assert _given(quiz) == {"ola@example.no": None}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "nobody@example.no", "factor": "2.0"}, "Ingen har en konto med denne"),
        ({"factor": "2.0"}, "Velg en av deltakerne eller oppgi en e-postadresse."),
        ({"email": "ola@example.no", "learner": "LEARNER", "factor": "2.0"}, "Velg en av"),
        ({"email": "ola@example.no", "factor": "0.5"}, "Ikke et gyldig valg"),
        ({"email": "ola@example.no", "factor": "11"}, "Ikke et gyldig valg"),
        ({"learner": "9999999", "factor": "2.0"}, "Velg en person fra listen."),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(
    client, login, factory, quiz, teacher, data, message
):
    learner = factory.user("ola@example.no")
    start_attempt(learner, quiz.id)
    db.session.commit()
    login(teacher)
    if data.get("learner") == "LEARNER":
        data = data | {"learner": str(learner.id)}
    response = post_form(client, f"/manage/learning/quizzes/{quiz.id}/time", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _given(quiz) == {}


def test_removing_through_the_page(client, login, factory, quiz, teacher):
    learner = factory.user()
    accommodations.give_time(teacher, quiz, email=learner.email, factor=3)
    db.session.commit()
    login(teacher)
    path = f"/manage/learning/quizzes/{quiz.id}/time/{learner.id}/delete"
    form_page = f"/manage/learning/quizzes/{quiz.id}/time"
    assert post_form(client, path, {}, form_page=form_page).status_code == 302
    assert _given(quiz) == {}
    assert post_form(client, path, {}, form_page=form_page).status_code == 404


def test_an_instructor_of_another_module_gets_403(client, login, factory, quiz):
    login(factory.user(roles=("instructor",)))
    assert client.get(f"/manage/learning/quizzes/{quiz.id}/time").status_code == 403
    assert client.get(f"/manage/learning/quizzes/{quiz.id + 999}/time").status_code == 404


def test_an_attempt_started_after_a_grant_gets_the_longer_deadline(
    client, login, factory, quiz, teacher
):
    learner, other = factory.user(), factory.user()
    login(teacher)
    response = post_form(
        client,
        f"/manage/learning/quizzes/{quiz.id}/time",
        {"email": learner.email, "factor": "1.5"},
    )
    assert response.status_code == 302
    now = utcnow()
    assert start_attempt(learner, quiz.id, now=now).deadline_at == now + timedelta(minutes=30)
    assert start_attempt(other, quiz.id, now=now).deadline_at == now + timedelta(minutes=20)
    assert db.session.query(TimeAccommodation).count() == 1
