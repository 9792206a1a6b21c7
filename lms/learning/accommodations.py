"""More time for one person on one quiz (WCAG 2.2.1), as the quiz's time page shows it:
the accommodations given, the people one can be given to, and taking one away.

Giving one is ``attempts.grant_time`` (it also moves an open attempt's deadline). Every
service here checks ``Module.can_edit`` through ``results.editable_quiz`` or
``require_editor`` (organisers: every quiz; instructors: their own modules' quizzes),
flushes and never commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.accounts.services import find_user_by_email
from lms.extensions import db
from lms.learning.attempt_models import Attempt, TimeAccommodation
from lms.learning.attempt_rules import (
    accommodation_of,
    deadline_for,
    open_attempt_of,
    quiz_entry,
)
from lms.learning.attempts import grant_time
from lms.learning.models import Quiz
from lms.learning.publishing import LearningError, require_editor

# The factors the page offers; ``attempts.MAX_FACTOR`` bounds what the service takes.
FACTORS = (1.25, 1.5, 2.0, 3.0)


def accommodations_of(quiz: Quiz) -> list[TimeAccommodation]:
    """The quiz's accommodations with their people, by name (one query)."""
    return list(
        db.session.scalars(
            select(TimeAccommodation)
            .join(User, User.id == TimeAccommodation.user_id)
            .where(TimeAccommodation.quiz_id == quiz.id)
            .options(selectinload(TimeAccommodation.user))
            .order_by(User.name, User.id)
        )
    )


def quiz_learners(quiz: Quiz) -> list[User]:
    """Everyone who has begun an attempt at the quiz, by name (one query): the people an
    accommodation is usually for, offered in a list so nobody types their address."""
    started = select(Attempt.user_id).where(Attempt.quiz_id == quiz.id)
    return list(
        db.session.scalars(select(User).where(User.id.in_(started)).order_by(User.name, User.id))
    )


def give_time(actor, quiz: Quiz, *, email: str = "", user_id: int | None = None,
              factor: float | None) -> TimeAccommodation:  # fmt: skip
    """Give the person named by ``email`` (or ``user_id``, one of the quiz's learners)
    ``factor`` times the time limit (None: no limit). ``no_such_person`` when the address
    belongs to nobody, ``not_a_learner`` when ``user_id`` has not begun the quiz."""
    require_editor(actor, quiz.module)
    if email.strip():
        person = find_user_by_email(email)
        if person is None:
            raise LearningError("no_such_person")
    else:
        person = next((p for p in quiz_learners(quiz) if p.id == user_id), None)
        if person is None:
            raise LearningError("not_a_learner")
    return grant_time(actor, quiz.id, person.id, factor)


def remove_time(actor, quiz: Quiz, user_id: int) -> None:
    """Take ``user_id``'s accommodation on the quiz away: the quiz's own limit holds for
    them again, an attempt of theirs now open included (``not_found`` when there is none)."""
    require_editor(actor, quiz.module)
    accommodation = accommodation_of(user_id, quiz.id)
    if accommodation is None:
        raise LearningError("not_found")
    db.session.delete(accommodation)
    current = open_attempt_of(user_id, quiz.id)
    if current is not None:
        entry = quiz_entry(current.module_version, quiz.id) or {}
        current.deadline_at = deadline_for(entry, current.started_at, None)
    db.session.flush()
