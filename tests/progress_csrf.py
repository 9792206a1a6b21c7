"""CSRF attacks on the progress and certificate forms, for tests/test_security_csrf.py's
table: each forged POST (no token) must be refused and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from factories import make
from learning_support import make_module
from progress_support import submit, view_lessons

from lms.extensions import db
from lms.learning.certificates import issue_certificates_if_complete
from lms.learning.models import CourseRule
from lms.learning.progress_models import Certificate


@dataclass
class Attack:
    """Same shape as test_security_csrf.Attack: a forged POST and what must not change."""

    path: str
    data: dict
    unchanged: Callable[[], None]


def _organiser(factory, login):
    user = factory.user("victim@example.no", roles=("organiser",))
    login(user)
    return user


def csrf_course_rule(factory, login, client):
    _organiser(factory, login)
    course = make.offering(kind="course")

    def no_rule():
        db.session.expire_all()
        assert db.session.get(CourseRule, course.id) is None

    return Attack(
        f"/manage/learning/courses/{course.id}/rule", {"min_attendance_percent": "50"}, no_rule
    )


def csrf_revoke_certificate(factory, login, client):
    _organiser(factory, login)
    holder = factory.user("holder@example.no")
    module = make_module()
    view_lessons(holder, module)
    submit(holder, module, passed=True)
    [certificate] = issue_certificates_if_complete(holder, module.id)
    db.session.commit()

    def still_valid():
        db.session.expire_all()
        assert db.session.get(Certificate, certificate.id).revoked_at is None

    return Attack(f"/certificates/{certificate.code}/revoke", {"reason": "Forged"}, still_valid)


PROGRESS_CSRF_ATTACKS = {
    "lms_learning.course_rule": csrf_course_rule,
    "lms_learning.revoke_certificate": csrf_revoke_certificate,
}
