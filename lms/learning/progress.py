"""Progress through modules and courses: what a learner has done, what comes next, and
whether a module or a course is complete.

The rules are pure functions of plain values (``progress_of``, ``course_is_complete``).
The readers around them fetch those values in a fixed number of queries whatever the
number of modules: the newest versions in one, the person's lesson views in one, their
submitted attempts (grouped by quiz) in one.

A module is read from its newest published version (the snapshot participants see);
lessons and quizzes keep their ids across versions, so what was done on an older version
still counts where the lesson or quiz is still there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select

from lms.core.service_errors import PermissionDenied
from lms.events.models import Offering
from lms.extensions import db
from lms.learning.attempt_models import Attempt
from lms.learning.models import CourseRule, Lesson, ModuleVersion, Quiz, module_courses
from lms.learning.progress_models import LessonView
from lms.learning.publishing import LearningError
from lms.registrations.models import Registration, SessionAttendance


@dataclass(frozen=True)
class Step:
    """Where "continue where you left off" leads: a lesson or a quiz, by its key."""

    kind: str  # "lesson" or "quiz"
    key: str
    title: str


@dataclass(frozen=True)
class Activity:
    """What one person has done, as plain ids: lessons viewed (and the one viewed last),
    quizzes with a submitted attempt, quizzes with a passed one."""

    viewed: frozenset[int] = frozenset()
    last_viewed: int | None = None
    attempted: frozenset[int] = frozenset()
    passed: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ModuleProgress:
    """One person's progress through one module (its newest version)."""

    module_id: int
    slug: str
    title: str
    lessons_total: int
    lessons_viewed: int
    quizzes_required: int
    quizzes_passed: int  # of the required ones
    quizzes_attempted: int  # any quiz of the module with a submitted attempt
    percent: int
    next_step: Step | None
    complete: bool

    @property
    def started(self) -> bool:
        """Anything done at all (a lesson opened, a quiz submitted)."""
        return self.lessons_viewed > 0 or self.quizzes_attempted > 0


def progress_of(module_id: int, content: dict[str, Any], activity: Activity) -> ModuleProgress:
    """The rule, pure: a module is complete when every lesson is viewed (if the module's
    ``complete_needs_lessons``) and every quiz ``required_for_completion`` is passed. A
    module that would need nothing needs its lessons, so a certificate always rests on
    something done. The percentage counts the steps the rule needs.

    The next step follows the module's path: a pre-test not yet taken while no lesson has
    been opened, the first lesson not viewed, the first required quiz not passed, a
    post-test or self-assessment not yet taken, else the lesson viewed last."""
    lessons = content.get("lessons") or []
    quizzes = content.get("quizzes") or []
    required = [q for q in quizzes if q.get("required_for_completion")]
    needs_lessons = bool(content.get("complete_needs_lessons", True)) or not required
    viewed = [lesson for lesson in lessons if lesson["id"] in activity.viewed]
    passed = [q for q in required if q["id"] in activity.passed]
    steps_needed = (len(lessons) if needs_lessons else 0) + len(required)
    steps_done = (len(viewed) if needs_lessons else 0) + len(passed)
    complete = steps_needed > 0 and steps_done == steps_needed
    return ModuleProgress(
        module_id=module_id,
        slug=content.get("slug", ""),
        title=content.get("title", ""),
        lessons_total=len(lessons),
        lessons_viewed=len(viewed),
        quizzes_required=len(required),
        quizzes_passed=len(passed),
        quizzes_attempted=sum(1 for q in quizzes if q["id"] in activity.attempted),
        percent=(100 * steps_done // steps_needed) if steps_needed else 0,
        next_step=_next_step(lessons, quizzes, required, activity),
        complete=complete,
    )


def _next_step(lessons, quizzes, required, activity: Activity) -> Step | None:
    # The path a module is built for: the pre-test before anything else (taken after the
    # lessons it would no longer measure what was known before), the lessons, the
    # quizzes the module needs, then the post-test and the self-assessment.
    def first_not_attempted(purpose: str):
        return next(
            (
                q
                for q in quizzes
                if q.get("purpose") == purpose and q["id"] not in activity.attempted
            ),
            None,
        )

    pretest = first_not_attempted("pretest")
    if pretest is not None and not activity.viewed & {lesson["id"] for lesson in lessons}:
        return Step("quiz", pretest["key"], pretest["title"])
    for lesson in lessons:
        if lesson["id"] not in activity.viewed:
            return Step("lesson", lesson["key"], lesson["title"])
    for quiz in required:
        if quiz["id"] not in activity.passed:
            return Step("quiz", quiz["key"], quiz["title"])
    for purpose in ("posttest", "selfassessment"):
        quiz = first_not_attempted(purpose)
        if quiz is not None:
            return Step("quiz", quiz["key"], quiz["title"])
    for lesson in lessons:
        if lesson["id"] == activity.last_viewed:
            return Step("lesson", lesson["key"], lesson["title"])
    first = (lessons or quizzes or [None])[0]
    if first is None:
        return None
    return Step("lesson" if lessons else "quiz", first["key"], first["title"])


def course_is_complete(
    modules_complete: list[bool],
    *,
    needs_modules: bool,
    sessions_total: int,
    sessions_attended: int,
    min_attendance_percent: int,
) -> bool:
    """The course rule, pure: every linked module complete (when the rule needs them), and
    at least ``min_attendance_percent`` % of the sessions attended (compared in whole
    numbers: attended × 100 ≥ percent × sessions). A rule that needs nothing completes
    nothing."""
    needs_attendance = min_attendance_percent > 0
    if not (needs_attendance or (needs_modules and modules_complete)):
        return False
    if needs_modules and not all(modules_complete):
        return False
    if needs_attendance:
        if sessions_total == 0:
            return False
        return sessions_attended * 100 >= min_attendance_percent * sessions_total
    return True


# --- readers --------------------------------------------------------------------------


def activity_of(user_id: int) -> Activity:
    """Everything one person has done, in two queries (lesson views; submitted attempts
    grouped by quiz)."""
    views = db.session.execute(
        select(LessonView.lesson_id, LessonView.last_viewed_at).where(LessonView.user_id == user_id)
    ).all()
    attempts = db.session.execute(
        select(
            Attempt.quiz_id,
            func.max(case((Attempt.passed.is_(True), 1), else_=0)),
        )
        .where(Attempt.user_id == user_id, Attempt.state == "submitted")
        .group_by(Attempt.quiz_id)
    ).all()
    last = max(views, key=lambda row: (row[1], row[0]))[0] if views else None
    return Activity(
        viewed=frozenset(row[0] for row in views),
        last_viewed=last,
        attempted=frozenset(row[0] for row in attempts),
        passed=frozenset(row[0] for row in attempts if row[1]),
    )


def newest_versions(module_ids: Iterable[int]) -> dict[int, ModuleVersion]:
    """The newest published version of each module, in one query."""
    ids = sorted(set(module_ids))
    if not ids:
        return {}
    newest = (
        select(ModuleVersion.module_id, func.max(ModuleVersion.number).label("number"))
        .where(ModuleVersion.module_id.in_(ids))
        .group_by(ModuleVersion.module_id)
        .subquery()
    )
    versions = db.session.scalars(
        select(ModuleVersion).join(
            newest,
            and_(
                ModuleVersion.module_id == newest.c.module_id,
                ModuleVersion.number == newest.c.number,
            ),
        )
    )
    return {version.module_id: version for version in versions}


def progress_of_modules(
    user, module_ids: Iterable[int], activity: Activity | None = None
) -> dict[int, ModuleProgress]:
    """Progress of ``user`` in each published module of ``module_ids``."""
    versions = newest_versions(module_ids)
    if not versions:
        return {}
    activity = activity if activity is not None else activity_of(user.id)
    return {mid: progress_of(mid, version.content, activity) for mid, version in versions.items()}


def module_progress(user, module: int | ModuleVersion) -> ModuleProgress | None:
    """Progress of ``user`` in one module (an id: its newest version; or a version);
    None for a module never published."""
    if isinstance(module, ModuleVersion):
        return progress_of(module.module_id, module.content, activity_of(user.id))
    return progress_of_modules(user, [module]).get(module)


def modules_touched(user_id: int) -> set[int]:
    """The modules a person has opened a lesson of or submitted a quiz of (one query)."""
    by_lesson = (
        select(Lesson.module_id)
        .join(LessonView, LessonView.lesson_id == Lesson.id)
        .where(LessonView.user_id == user_id)
    )
    by_quiz = (
        select(Quiz.module_id)
        .join(Attempt, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == user_id, Attempt.state == "submitted")
    )
    return set(db.session.scalars(by_lesson.union(by_quiz)))


# --- courses --------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseProgress:
    """One person's standing against a course's rule."""

    offering_id: int
    rule: CourseRule
    modules: list[ModuleProgress]
    sessions_total: int
    sessions_attended: int
    complete: bool


def course_modules(offering_id: int) -> list[int]:
    """The modules linked to a course (ids, one query)."""
    return list(
        db.session.scalars(
            select(module_courses.c.module_id)
            .where(module_courses.c.offering_id == offering_id)
            .order_by(module_courses.c.module_id)
        )
    )


def courses_of_module(module_id: int) -> list[int]:
    """The courses a module belongs to (offering ids, one query)."""
    return list(
        db.session.scalars(
            select(module_courses.c.offering_id).where(module_courses.c.module_id == module_id)
        )
    )


def course_progress(user, offering: Offering) -> CourseProgress | None:
    """How far ``user`` is with a course, by its rule; None when it has no rule."""
    rule = db.session.get(CourseRule, offering.id)
    if rule is None:
        return None
    modules = list(progress_of_modules(user, course_modules(offering.id)).values())
    active = [s.id for s in offering.active_sessions]
    attended = 0
    if active:
        attended = db.session.scalar(
            select(func.count())
            .select_from(SessionAttendance)
            .join(Registration, Registration.id == SessionAttendance.registration_id)
            .where(
                Registration.offering_id == offering.id,
                Registration.user_id == user.id,
                SessionAttendance.session_id.in_(active),
            )
        )
    complete = course_is_complete(
        [m.complete for m in modules],
        needs_modules=rule.needs_modules,
        sessions_total=len(active),
        sessions_attended=attended,
        min_attendance_percent=rule.min_attendance_percent,
    )
    return CourseProgress(offering.id, rule, modules, len(active), attended, complete)


def set_course_rule(
    actor, offering: Offering, *, min_attendance_percent: int, needs_modules: bool
) -> CourseRule:
    """An organiser sets what completing a course takes. Refuses another kind of
    offering (``not_a_course``), a share outside 0–100 (``bad_percent``) and a rule that
    needs nothing (``rule_needs_something``)."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_role("organiser"):
        raise PermissionDenied()
    if offering.kind != "course":
        raise LearningError("not_a_course")
    if not 0 <= min_attendance_percent <= 100:
        raise LearningError("bad_percent")
    if min_attendance_percent == 0 and not (needs_modules and course_modules(offering.id)):
        raise LearningError("rule_needs_something")
    rule = db.session.get(CourseRule, offering.id)
    if rule is None:
        rule = CourseRule(offering_id=offering.id)
        db.session.add(rule)
    rule.min_attendance_percent = min_attendance_percent
    rule.needs_modules = needs_modules
    db.session.flush()
    return rule
