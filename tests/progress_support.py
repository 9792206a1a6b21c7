"""Test rows for progress: lesson views and submitted attempts written directly (the
lesson and attempt services live elsewhere), and a course with sessions."""

from __future__ import annotations

from datetime import timedelta

from lms.extensions import db
from lms.learning.attempt_models import Attempt
from lms.learning.models import module_courses
from lms.learning.progress_models import LessonView
from lms.learning.publishing import latest_version
from lms.timeutil import utcnow


def view_lessons(user, module, count: int | None = None) -> None:
    """``user`` opened the first ``count`` lessons of ``module`` (all by default), one
    minute apart, so the last one is the one viewed last."""
    lessons = module.lessons if count is None else module.lessons[:count]
    start = utcnow() - timedelta(hours=1)
    for number, lesson in enumerate(lessons):
        moment = start + timedelta(minutes=number)
        db.session.add(
            LessonView(
                user_id=user.id, lesson_id=lesson.id, first_viewed_at=moment, last_viewed_at=moment
            )
        )
    db.session.commit()


def submit(user, module, *, passed: bool, quiz=None) -> Attempt:
    """A submitted attempt by ``user`` at the module's (first) quiz."""
    quiz = quiz or module.quizzes[0]
    version = latest_version(module.id)
    number = 1 + db.session.scalar(
        db.select(db.func.count()).where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)
    )
    attempt = Attempt(
        quiz_id=quiz.id,
        module_version_id=version.id,
        user_id=user.id,
        number=number,
        purpose=quiz.purpose,
        state="submitted",
        finished_at=utcnow(),
        score=5.0 if passed else 1.0,
        max_score=5.0,
        passed=passed,
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


def link(module, offering) -> None:
    """Make ``module`` one of the course ``offering``'s modules."""
    db.session.execute(module_courses.insert().values(module_id=module.id, offering_id=offering.id))
    db.session.commit()
