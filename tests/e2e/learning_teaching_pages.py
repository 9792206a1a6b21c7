"""The teaching pages for tests/e2e/site_pages.py's list: a quiz's time page (more time
for a person), the results overview and a course's page with its e-learning, with a
module the visiting instructor teaches (an organiser sees it anyway) whose title is a
long Norwegian word.

``TEACHING_PAGES`` holds (name, roles, endpoint, opener, status), as AUTHORING_PAGES."""

from __future__ import annotations

from factories import make
from learning_results_support import right_answers, submit_attempt
from learning_support import make_module

from lms.extensions import db
from lms.learning.attempt_models import TimeAccommodation
from lms.learning.attempts import start_attempt

LONG_TITLE = "Leverandørkjedeansvarlighetsvurderinger i offentlige anskaffelser"
TEACHERS = ("instructor", "organiser")
E = "lms_learning."


def _quiz(v):
    """A 20-minute quiz of a module the visitor teaches: one learner has begun it, another
    has one and a half times the limit."""
    teacher = v.user if v.user.has_role("instructor") else None
    quiz = make_module(instructor=teacher, title=LONG_TITLE, time_limit_minutes=20).quizzes[0]
    start_attempt(make.user(name="Åse Ødegård", language=v.lang), quiz.id)
    other = make.user(name="Per Kristoffersen-Løvenskiold", language=v.lang)
    db.session.add(TimeAccommodation(quiz_id=quiz.id, user_id=other.id, factor=1.5))
    db.session.commit()
    return quiz


def quiz_time_page(v) -> None:
    v.goto(f"/manage/learning/quizzes/{_quiz(v).id}/time")


def quiz_time_errors(v) -> None:
    v.goto(f"/manage/learning/quizzes/{_quiz(v).id}/time")
    v.submit("main form.lms-form", {"email": "nobody@example.no"}, status=400)


def results_overview_page(v) -> None:
    quiz = _quiz(v)
    submit_attempt(quiz.module, make.user(name="Kari Nordmann", language=v.lang), right_answers())
    v.goto("/manage/learning/results")


def course_with_elearning(v) -> None:
    from lms.learning.authoring import set_courses

    course = make.offering(LONG_TITLE, kind="course")
    module = make_module(title=LONG_TITLE)
    set_courses(make.user(roles=("organiser",)), module, [course.id])
    db.session.commit()
    v.goto(f"/events/{course.id}")


TEACHING_PAGES = [
    ("quiz-time", TEACHERS, f"{E}quiz_time", quiz_time_page, 200),
    ("quiz-time-errors", ("instructor",), f"{E}quiz_time", quiz_time_errors, 200),
    ("results-overview", TEACHERS, f"{E}results_overview_page", results_overview_page, 200),
    (
        "results-overview-none",
        ("instructor",),
        f"{E}results_overview_page",
        "/manage/learning/results",
        200,
    ),
    (
        "course-elearning",
        ("anonymous", "participant"),
        "lms_events.detail",
        course_with_elearning,
        200,
    ),
]
