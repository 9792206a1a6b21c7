"""Openers for the progress and certificate pages (listed in ``site_pages.PAGES``): each
sets up data through the app's services and drives the browser to the page. ``v`` is a
``site_pages.Visit``."""

from __future__ import annotations

from datetime import timedelta

from factories import make
from learning_support import make_module
from progress_support import link, submit, view_lessons

from lms.extensions import db
from lms.learning.certificates import issue_certificates_if_complete, revoke_certificate
from lms.timeutil import utcnow

LONG_TITLE = "Leverandørkjedeansvarlighetsvurderinger: menneskerettigheter og ILO i kontrakter"


def _certificate(v, holder=None):
    """A module completed by ``holder`` (the visitor by default) and its certificate."""
    holder = holder or v.user or v.new_user()
    module = make_module(title=LONG_TITLE)
    view_lessons(holder, module)
    submit(holder, module, passed=True)
    [certificate] = issue_certificates_if_complete(holder, module.id)
    db.session.commit()
    return certificate


def my_learning_full(v) -> None:
    """Two modules under way, and one completed with its certificate."""
    for title in ("Klimakrav i anskaffelser", LONG_TITLE):
        view_lessons(v.user, make_module(title=title, lessons=3), 1)
    _certificate(v)
    v.goto("/me/learning")


def verify_valid(v) -> None:
    v.goto(f"/certificates/{_certificate(v, v.new_user()).code}")


def verify_revoked(v) -> None:
    certificate = _certificate(v, v.new_user())
    revoke_certificate(v.new_user("organiser"), certificate, "Feil person")
    db.session.commit()
    v.goto(f"/certificates/{certificate.code}")


def revoke_page(v) -> None:
    v.goto(f"/certificates/{_certificate(v, v.new_user()).code}/revoke")


def revoke_with_errors(v) -> None:
    revoke_page(v)
    v.submit("main form", {"reason": ""}, status=400)


def _course(v):
    course = make.offering(f"Kurs: {LONG_TITLE}", kind="course", sessions=3)
    link(make_module(title=LONG_TITLE), course)
    return course


def course_rule_page(v) -> None:
    v.goto(f"/manage/learning/courses/{_course(v).id}/rule")


def course_rule_with_errors(v) -> None:
    course_rule_page(v)
    v.submit("main form", {"min_attendance_percent": "120"}, status=400)


def check_in_sessions(v) -> None:
    """A course of three days that began today: the session chooser and ticks."""
    from lms.registrations import services as registrations
    from lms.registrations.session_attendance import check_in_session

    course = make.offering(f"Kurs: {LONG_TITLE}", kind="course", sessions=3, capacity=5)
    people = [v.new_user() for _ in range(2)]
    for person in people:
        registrations.register(person, course.id)
    for number, session in enumerate(course.sessions):
        session.starts_at = utcnow() - timedelta(hours=1) + timedelta(days=number)
        session.ends_at = session.starts_at + timedelta(hours=2)
    db.session.commit()
    first = registrations.find_registration(people[0], course.id)
    check_in_session(v.new_user("organiser"), first, course.sessions[0])
    db.session.commit()
    v.goto(f"/manage/offerings/{course.id}/check-in")


def _taught_certificate(v):
    """Another person's certificate for a module the visitor teaches."""
    holder = v.new_user()
    module = make_module(title=LONG_TITLE, instructor=v.user)
    view_lessons(holder, module)
    submit(holder, module, passed=True)
    [certificate] = issue_certificates_if_complete(holder, module.id)
    db.session.commit()
    return certificate


def verify_revocable(v) -> None:
    """The verification page as the module's instructor sees it: with "Revoke"."""
    v.goto(f"/certificates/{_taught_certificate(v).code}")


def revoke_taught(v) -> None:
    v.goto(f"/certificates/{_taught_certificate(v).code}/revoke")
