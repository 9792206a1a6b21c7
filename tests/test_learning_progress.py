"""Progress and completion: the module rule (lessons only, quiz only, both), the next
step, the course rule with attendance at N %, check-in per session, the course rule's
page and "My learning" (a fixed number of queries whatever the number of modules)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from conftest import post_form
from factories import at_ten_in_oslo
from learning_support import make_module
from progress_support import link, submit, view_lessons
from registrations_support import registration_of, status_of
from sqlalchemy import func, select

from lms.extensions import db
from lms.learning import progress
from lms.learning.models import CourseRule
from lms.learning.progress import Activity, course_is_complete, progress_of
from lms.learning.publishing import LearningError, publish
from lms.registrations import services as registrations
from lms.registrations.models import SessionAttendance
from lms.registrations.services import RegistrationError
from lms.registrations.session_attendance import (
    check_in_session,
    default_session,
    undo_check_in_session,
)
from lms.timeutil import utcnow

# --- the rules, pure ------------------------------------------------------------------


def content(lessons=2, quizzes=(True,), needs_lessons=True):
    return {
        "slug": "m",
        "title": "M",
        "complete_needs_lessons": needs_lessons,
        "lessons": [{"id": 10 + n, "key": f"l{n}", "title": f"L{n}"} for n in range(lessons)],
        "quizzes": [
            {"id": 50 + n, "key": f"q{n}", "title": f"Q{n}", "required_for_completion": required}
            for n, required in enumerate(quizzes)
        ],
    }


@pytest.mark.pure
def test_lessons_only_module_is_complete_when_every_lesson_is_viewed():
    rules = content(lessons=2, quizzes=(False,))
    half = progress_of(1, rules, Activity(viewed=frozenset({10}), last_viewed=10))
    assert (half.complete, half.percent, half.next_step.key) == (False, 50, "l1")
    done = progress_of(1, rules, Activity(viewed=frozenset({10, 11}), last_viewed=10))
    assert done.complete and done.percent == 100
    assert done.next_step.key == "l0", "then back to the lesson viewed last"


@pytest.mark.pure
def test_the_next_step_follows_the_modules_path():
    """Pre-test first, the lessons, the graded quiz, then the post-test and the
    self-assessment; a pre-test is no longer offered once a lesson has been read."""
    rules = content(lessons=2, quizzes=(False, True, False, False))
    for quiz, purpose in zip(rules["quizzes"], ("pretest", "graded", "posttest", "selfassessment"),
                             strict=True):  # fmt: skip
        quiz["purpose"] = purpose

    def step(**done):
        return progress_of(1, rules, Activity(**done)).next_step.key

    assert step() == "q0"
    assert step(attempted=frozenset({50})) == "l0"
    assert step(viewed=frozenset({10}), last_viewed=10) == "l1", "the pre-test is past"
    lessons = frozenset({10, 11})
    assert step(viewed=lessons, attempted=frozenset({50})) == "q1"
    passed = {"viewed": lessons, "attempted": frozenset({50, 51}), "passed": frozenset({51})}
    assert step(**passed) == "q2"
    assert step(**{**passed, "attempted": frozenset({50, 51, 52})}) == "q3"
    finished = {**passed, "attempted": frozenset({50, 51, 52, 53}), "last_viewed": 11}
    assert step(**finished) == "l1", "all done: back to the lesson read last"


@pytest.mark.pure
def test_quiz_only_module_ignores_lessons():
    rules = content(lessons=3, quizzes=(True, False), needs_lessons=False)
    none = progress_of(1, rules, Activity())
    assert not none.complete and none.next_step.key == "l0"
    practice_passed = progress_of(1, rules, Activity(passed=frozenset({51})))
    assert not practice_passed.complete, "only the required quiz counts"
    passed = progress_of(1, rules, Activity(attempted=frozenset({50}), passed=frozenset({50})))
    assert passed.complete and passed.percent == 100 and passed.quizzes_attempted == 1


@pytest.mark.pure
def test_both_lessons_and_quiz_are_needed():
    rules = content(lessons=2, quizzes=(True,))
    lessons_read = progress_of(1, rules, Activity(viewed=frozenset({10, 11}), last_viewed=11))
    assert not lessons_read.complete and lessons_read.percent == 66
    assert (lessons_read.next_step.kind, lessons_read.next_step.key) == ("quiz", "q0")
    failed = Activity(viewed=frozenset({10, 11}), attempted=frozenset({50}))
    assert not progress_of(1, rules, failed).complete, "attempted is not passed"
    everything = Activity(viewed=frozenset({10, 11}), passed=frozenset({50}))
    assert progress_of(1, rules, everything).complete


@pytest.mark.pure
def test_a_module_that_would_need_nothing_needs_its_lessons():
    rules = content(lessons=1, quizzes=(False,), needs_lessons=False)
    assert not progress_of(1, rules, Activity()).complete
    assert progress_of(1, rules, Activity(viewed=frozenset({10}))).complete
    assert not progress_of(1, content(lessons=0, quizzes=()), Activity()).complete


@pytest.mark.pure
@pytest.mark.parametrize(
    ("attended", "total", "percent", "complete"),
    [
        (3, 4, 80, False),
        (4, 5, 80, True),
        (2, 3, 67, False),
        (2, 3, 66, True),
        (0, 0, 50, False),
        (1, 1, 100, True),
        (0, 2, 0, True),
    ],
)
def test_course_attendance_at_n_percent(attended, total, percent, complete):
    assert (
        course_is_complete(
            [True],
            needs_modules=True,
            sessions_total=total,
            sessions_attended=attended,
            min_attendance_percent=percent,
        )
        is complete
    )


@pytest.mark.pure
def test_course_needs_its_modules_and_a_rule_needing_nothing_completes_nothing():
    rule = {"sessions_total": 2, "sessions_attended": 2, "min_attendance_percent": 50}
    assert not course_is_complete([True, False], needs_modules=True, **rule)
    assert course_is_complete([True, False], needs_modules=False, **rule)
    nothing = {"sessions_total": 2, "sessions_attended": 2, "min_attendance_percent": 0}
    assert not course_is_complete([], needs_modules=True, **nothing)
    assert not course_is_complete([True], needs_modules=False, **nothing)


# --- reading progress from the rows -----------------------------------------------------


def test_module_progress_from_lesson_views_and_attempts(factory):
    learner = factory.user()
    module = make_module(lessons=3)
    assert progress.module_progress(learner, module.id).started is False
    view_lessons(learner, module, 2)
    step = progress.module_progress(learner, module.id)
    assert (step.lessons_viewed, step.next_step.key, step.complete) == (2, "lesson-3", False)
    view_lessons_rest = module.lessons[2:]
    for lesson in view_lessons_rest:
        db.session.add(progress.LessonView(user_id=learner.id, lesson_id=lesson.id))
    db.session.commit()
    submit(learner, module, passed=False)
    failed = progress.module_progress(learner, module.id)
    assert (failed.quizzes_attempted, failed.complete, failed.next_step.kind) == (1, False, "quiz")
    submit(learner, module, passed=True)
    assert progress.module_progress(learner, module.id).complete
    other = factory.user()
    assert not progress.module_progress(other, module.id).started, "only one's own rows"


def test_quiz_only_module_through_a_new_version(factory):
    learner = factory.user()
    module = make_module(lessons=2)
    module.complete_needs_lessons = False
    publish(None, module, check_permission=False)
    db.session.commit()
    submit(learner, module, passed=True)
    assert progress.module_progress(learner, module.id).complete
    assert progress.module_progress(learner, progress.newest_versions([module.id])[module.id])


def test_unpublished_module_has_no_progress(factory):
    assert progress.module_progress(factory.user(), make_module(published=False).id) is None


# --- check-in per session ---------------------------------------------------------------


@pytest.fixture
def course(factory):
    """A course of four sessions that has begun (check-in is open), one person on it."""
    offering = factory.offering(kind="course", sessions=4, capacity=5)
    person = factory.user("kurs@example.no")
    registrations.register(person, offering.id)
    db.session.commit()
    for number, session in enumerate(offering.sessions):
        session.starts_at = utcnow() - timedelta(hours=1) + timedelta(days=number)
        session.ends_at = session.starts_at + timedelta(hours=2)
    db.session.commit()
    return offering, person


def test_check_in_at_a_session_also_records_attended(factory, course):
    offering, person = course
    organiser = factory.user(roles=("organiser",))
    registration = registration_of(person, offering)
    assert check_in_session(organiser, registration, offering.sessions[1]) is True
    assert check_in_session(organiser, registration, offering.sessions[1]) is False, "once"
    db.session.commit()
    assert status_of(person, offering) == "attended"
    assert db.session.scalar(select(func.count()).select_from(SessionAttendance)) == 1
    assert undo_check_in_session(organiser, registration, offering.sessions[1]) is True
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SessionAttendance)) == 0
    assert status_of(person, offering) == "attended", "the summary stays"


def test_check_in_follows_record_attendances_rules(factory, course):
    offering, person = course
    registration = registration_of(person, offering)
    stranger = factory.user(roles=("instructor",))
    with pytest.raises(RegistrationError, match="not_found"):
        check_in_session(stranger, registration, offering.sessions[0])
    organiser = factory.user(roles=("organiser",))
    offering.sessions[0].status = "cancelled"
    db.session.commit()
    with pytest.raises(RegistrationError, match="not_found"):
        check_in_session(organiser, registration, offering.sessions[0])
    for session in offering.sessions:
        session.starts_at = at_ten_in_oslo(20)
        session.ends_at = session.starts_at + timedelta(hours=1)
    db.session.commit()
    with pytest.raises(RegistrationError, match="not_started"):
        check_in_session(organiser, registration, offering.sessions[1])


def test_check_in_page_chooses_a_session_and_ticks(client, factory, login, course):
    offering, person = course
    login(factory.user(roles=("organiser",), language="en"))
    page = client.get(f"/manage/offerings/{offering.id}/check-in").get_data(as_text=True)
    today = offering.sessions[0]
    assert re.search(rf'<option value="{today.id}" selected>', page), "today's session first"
    registration = registration_of(person, offering)
    second = offering.sessions[1]
    path = f"/manage/offerings/{offering.id}/check-in/{registration.id}/sessions/{second.id}"
    response = post_form(client, path, {"present": "yes"})
    assert response.status_code == 302 and f"session={second.id}" in response.headers["Location"]
    page = client.get(f"/manage/offerings/{offering.id}/check-in?session={second.id}")
    text = page.get_data(as_text=True)
    assert "Checked in at this session" in text and "Undo check-in" in text
    assert status_of(person, offering) == "attended"
    assert post_form(client, path, {"present": "maybe"}).status_code == 400


def test_default_session_is_todays_else_the_first(app):
    from types import SimpleNamespace

    now = utcnow()
    sessions = [SimpleNamespace(starts_at=now + timedelta(days=d)) for d in (-3, 0, 4)]
    assert default_session(sessions) is sessions[1]
    assert default_session(sessions[::2]) is sessions[0]
    assert default_session([]) is None


def test_course_progress_counts_sessions_not_cancelled(factory, course):
    offering, person = course
    module = make_module()
    link(module, offering)
    db.session.add(CourseRule(offering_id=offering.id, min_attendance_percent=75))
    offering.sessions[3].status = "cancelled"
    db.session.commit()
    organiser = factory.user(roles=("organiser",))
    registration = registration_of(person, offering)
    for session in offering.sessions[:2]:
        check_in_session(organiser, registration, session)
    db.session.commit()
    standing = progress.course_progress(person, offering)
    assert (standing.sessions_total, standing.sessions_attended, standing.complete) == (3, 2, False)
    view_lessons(person, module)
    submit(person, module, passed=True)
    assert not progress.course_progress(person, offering).complete, "2 of 3 is under 75 %"
    check_in_session(organiser, registration, offering.sessions[2])
    assert progress.course_progress(person, offering).complete


# --- the course rule's page -------------------------------------------------------------


def test_organiser_sets_the_course_rule(client, factory, login, course):
    offering, _person = course
    login(factory.user(roles=("organiser",), language="en"))
    path = f"/manage/learning/courses/{offering.id}/rule"
    assert client.get(path).status_code == 200
    response = post_form(client, path, {"min_attendance_percent": "80", "needs_modules": "y"})
    assert response.status_code == 302
    rule = db.session.get(CourseRule, offering.id)
    assert (rule.min_attendance_percent, rule.needs_modules) == (80, True)
    assert post_form(client, path, {"min_attendance_percent": "101"}).status_code == 400
    nothing = post_form(client, path, {"min_attendance_percent": "0", "needs_modules": "y"})
    assert nothing.status_code == 400 and "must need something" in nothing.get_data(as_text=True)
    seminar = factory.offering()
    assert client.get(f"/manage/learning/courses/{seminar.id}/rule").status_code == 404


def test_set_course_rule_refuses_others_and_seminars(factory):
    seminar = factory.offering()
    with pytest.raises(LearningError, match="not_a_course"):
        progress.set_course_rule(
            factory.user(roles=("organiser",)),
            seminar,
            min_attendance_percent=50,
            needs_modules=True,
        )
    from lms.core.service_errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        progress.set_course_rule(
            factory.user(roles=("instructor",)),
            factory.offering(kind="course"),
            min_attendance_percent=50,
            needs_modules=True,
        )


# --- My learning ------------------------------------------------------------------------


def _modules_in_progress(learner, count):
    modules = [make_module(title=f"Modul {n}", lessons=2) for n in range(count)]
    for module in modules:
        view_lessons(learner, module, 1)
    return modules


def test_my_learning_shows_progress_and_where_to_go_on(client, factory, login):
    learner = factory.user(language="en")
    [module] = _modules_in_progress(learner, 1)
    done = make_module(title="Finished module", lessons=1)
    view_lessons(learner, done)
    submit(learner, done, passed=True)
    from lms.learning.certificates import issue_certificates_if_complete

    [certificate] = issue_certificates_if_complete(learner, done.id)
    db.session.commit()
    login(learner)
    page = client.get("/me/learning").get_data(as_text=True)
    bar = re.search(r'<progress class="lms-progress__bar" max="100" value="(\d+)"[^>]*>', page)
    assert bar and bar.group(1) == "33" and 'aria-label="Progress in Modul 0"' in bar.group(0)
    assert "33 % done" in page
    assert f"/learning/{module.slug}/lessons/lesson-2" in page, "continue where you left off"
    assert f"/me/certificates/{certificate.code}.pdf" in page
    assert f"/certificates/{certificate.code}" in page
    home = client.get("/me").get_data(as_text=True)
    assert 'href="/me/learning"' in home


def test_my_learning_queries_do_not_grow_with_modules(client, factory, login, count_queries):
    learner = factory.user()
    _modules_in_progress(learner, 1)
    login(learner)
    client.get("/me/learning")
    with count_queries() as few:
        assert client.get("/me/learning").status_code == 200
    _modules_in_progress(learner, 5)
    with count_queries() as many:
        page = client.get("/me/learning").get_data(as_text=True)
    assert page.count("<progress") == 6
    assert len(many) == len(few)


def test_a_lesson_seen_before_only_moves_its_latest_view(factory, count_queries):
    """The first view records it and checks the module's completion; a later one is a
    single UPDATE of the latest view, with no progress computed again."""
    from lms.learning.lessons import record_lesson_view
    from lms.learning.progress_models import LessonView

    learner = factory.user()
    module = make_module()
    lesson = module.lessons[0]
    with count_queries() as first:
        assert record_lesson_view(learner, lesson.id) is True
    db.session.commit()
    view = db.session.get(LessonView, (learner.id, lesson.id))
    first_at, last_at = view.first_viewed_at, view.last_viewed_at
    with count_queries() as again:
        assert record_lesson_view(learner, lesson.id) is True
    db.session.commit()
    kinds = [statement.lstrip().split(None, 1)[0].upper() for statement in again]
    assert kinds.count("UPDATE") == 1 and "INSERT" not in kinds, again
    assert len(again) <= 2, f"the lesson's row at most, then the UPDATE: {again}"
    assert len(first) > len(again), "the first view also checks completion"
    db.session.expire_all()
    view = db.session.get(LessonView, (learner.id, lesson.id))
    assert view.first_viewed_at == first_at and view.last_viewed_at >= last_at
