"""Lessons as a learner meets them: which they have viewed, and where to go on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lms.extensions import db
from lms.learning.certificates import issue_certificates_if_complete
from lms.learning.models import Lesson
from lms.learning.progress_models import LessonView
from lms.timeutil import utcnow


def record_lesson_view(user, lesson_id: int) -> bool:
    """Note that ``user`` opened the lesson ``lesson_id``: the first time is kept, the
    latest moves. Nothing is recorded for an anonymous visitor or a lesson that no
    longer exists; returns whether a view was recorded.

    A lesson seen before only moves its latest view (one UPDATE): it changes nothing
    of the module's progress, so that is not computed again. A first view is an upsert,
    so two tabs opening the lesson at once cannot collide on the primary key, and then
    the module's completion is checked (the last lesson may complete it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None:
        return False
    now = utcnow()
    seen = db.session.execute(
        update(LessonView)
        .where(LessonView.user_id == user.id, LessonView.lesson_id == lesson_id)
        .values(last_viewed_at=now)
        .execution_options(synchronize_session=False)
    )
    if seen.rowcount:
        return True
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(LessonView).values(
        user_id=user.id, lesson_id=lesson_id, first_viewed_at=now, last_viewed_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[LessonView.user_id, LessonView.lesson_id],
        set_={"last_viewed_at": now},
    )
    db.session.execute(statement)
    # The last lesson viewed may complete the module (or a course it belongs to).
    issue_certificates_if_complete(user, lesson.module_id)
    return True


def viewed_lessons(user, lesson_ids: list[int]) -> set[int]:
    """Which of ``lesson_ids`` ``user`` has opened (none for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False) or not lesson_ids:
        return set()
    return set(
        db.session.scalars(
            select(LessonView.lesson_id).where(
                LessonView.user_id == user.id, LessonView.lesson_id.in_(lesson_ids)
            )
        )
    )


def neighbours(lessons: list[dict[str, Any]], key: str) -> tuple[dict | None, dict | None]:
    """The lessons before and after the one called ``key``."""
    keys = [lesson["key"] for lesson in lessons]
    at = keys.index(key)
    before = lessons[at - 1] if at > 0 else None
    after = lessons[at + 1] if at + 1 < len(lessons) else None
    return before, after
