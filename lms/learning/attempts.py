"""Taking a quiz: starting an attempt (the draw and the shuffles, made once and kept),
autosaving answers, submitting (grading every answer, item by item), closing attempts
whose time is up, and giving a person more time.

Every service takes the acting user, checks what it may do itself, flushes and never
commits. Someone else's attempt is "not found", never "forbidden": an id says nothing.
Saving and submitting take the attempt's write lock (``core.locking.lock_row``) before
reading it, so two tabs or two devices are served one after the other: one submission,
and a save that read an older revision is refused (``stale``) rather than lost.
"""

from __future__ import annotations

import math
import random
from datetime import datetime
from fractions import Fraction
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.core.locking import lock_row
from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.learning import question_types as qt
from lms.learning.attempt_models import Answer, Attempt, TimeAccommodation
from lms.learning.attempt_rules import (
    accommodation_of,
    deadline_for,
    is_past_deadline,
    open_attempt_of,
    published_quiz,
    quiz_entry,
    require_owner,
    versions_of,
    window_open,
)
from lms.learning.models import QuestionVersion, Quiz
from lms.learning.publishing import LearningError, require_editor
from lms.learning.scoring import recompute_attempts
from lms.timeutil import utcnow

MAX_SECONDS_PER_SAVE = 24 * 60 * 60  # more time than this between two saves is a bad clock
# More time than ten times the limit is no limit: grant that (factor None) instead.
MAX_FACTOR = 10
UNKNOWN_SLOT = _l("There is no such question in this attempt.")
BAD_SECONDS = _l("The time spent must be a whole number of seconds.")
BAD_SHAPE = _l("Send the answers as question numbers with their answers.")


class AttemptOpen(LearningError):
    """The learner already has an open attempt at the quiz (``attempt_id``: continue it)."""

    def __init__(self, attempt_id: int | None) -> None:
        super().__init__("attempt_open")
        self.attempt_id = attempt_id


class StaleRevision(LearningError):
    """The save was made on an older revision (another tab saved since): ``revision`` and
    ``answers`` (slot -> response) are what is stored now, for the page to reload."""

    def __init__(self, revision: int, answers: dict[int, Any]) -> None:
        super().__init__("stale")
        self.revision = revision
        self.answers = answers


class BadAnswer(LearningError):
    """Answers that cannot be saved: ``faults`` maps each slot to what is wrong with it."""

    def __init__(self, faults: dict[Any, Any]) -> None:
        super().__init__("bad_answer")
        self.faults = faults


class TimeUp(LearningError):
    """The attempt's time ran out: it has been submitted with what was saved by then
    (flushed; the caller commits, so the submission stands)."""

    def __init__(self, attempt: Attempt) -> None:
        super().__init__("time_up")
        self.attempt = attempt


def _require_person(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied()


def start_attempt(user, quiz_id: int, *, now: datetime | None = None) -> Attempt:
    """Start ``user``'s next attempt at the quiz, on its module's newest version.

    Refuses: ``not_found`` (no such published quiz), ``attempt_open`` (``AttemptOpen``:
    one is open; an open one whose time is up is submitted first), ``closed`` (not open
    yet, or closed), ``no_attempts_left``. The questions are drawn and their options
    shuffled once, from a seed kept on the attempt; each becomes an ``Answer`` row, all
    inserted in one batch."""
    _require_person(user)
    now = now or utcnow()
    version, entry = published_quiz(quiz_id)
    # One person's starts are served one after the other (on SQLite this takes the write
    # lock, so the savepoint below runs inside a real transaction).
    lock_row(User.__table__, user.id)
    current = open_attempt_of(user.id, quiz_id)
    if current is not None and is_past_deadline(current, now):
        finish(current, current.deadline_at)
        current = None
    if current is not None:
        raise AttemptOpen(current.id)
    if not window_open(entry, now):
        raise LearningError("closed")
    used = db.session.scalar(
        select(func.coalesce(func.max(Attempt.number), 0)).where(
            Attempt.quiz_id == quiz_id, Attempt.user_id == user.id
        )
    )
    if entry["attempts_allowed"] and used >= entry["attempts_allowed"]:
        raise LearningError("no_attempts_left")
    seed = random.SystemRandom().randrange(2**31)
    attempt = Attempt(
        quiz_id=quiz_id,
        module_version_id=version.id,
        user_id=user.id,
        number=used + 1,
        purpose=entry["purpose"],
        state="open",
        started_at=now,
        deadline_at=deadline_for(entry, now, accommodation_of(user.id, quiz_id)),
        revision=0,
        seed=seed,
    )
    rows = asked_questions(entry, seed)
    try:
        # The partial unique index ux_lms_attempts_one_open is the last word on a race.
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
            if rows:  # one batch (an executemany), not an INSERT per question
                db.session.execute(
                    insert(Answer), [dict(row, attempt_id=attempt.id) for row in rows]
                )
    except IntegrityError:
        current = open_attempt_of(user.id, quiz_id)
        raise AttemptOpen(current.id if current else None) from None
    return attempt


def drawn_versions(entry: dict[str, Any], rng: random.Random) -> list[int]:
    """The question versions an attempt asks, in order: each fixed one, and ``count``
    drawn from each pool (never one asked elsewhere in the quiz); shuffled if the quiz
    says so."""
    fixed = {d["question_version_id"] for d in entry["draws"] if "question_version_id" in d}
    chosen: list[int] = []
    for draw in entry["draws"]:
        if "question_version_id" in draw:
            if draw["question_version_id"] not in chosen:
                chosen.append(draw["question_version_id"])
            continue
        pool = [v for v in draw["pool"] if v not in chosen and v not in fixed]
        chosen.extend(rng.sample(pool, min(draw["count"], len(pool))))
    if entry.get("shuffle_questions"):
        rng.shuffle(chosen)
    return chosen


def asked_questions(entry: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    """The values of one unanswered ``Answer`` row per question drawn with ``seed``: its
    slot, version, the question's tags as they are now, its options' order, its marks and
    whether it counts."""
    rng = random.Random(seed)
    ids = drawn_versions(entry, rng)
    versions = {
        v.id: v
        for v in db.session.scalars(
            select(QuestionVersion)
            .where(QuestionVersion.id.in_(ids))
            .options(selectinload(QuestionVersion.question))
        )
    }
    answers = []
    for slot, version_id in enumerate(ids, start=1):
        version = versions[version_id]
        order: list[str] = []
        if entry.get("shuffle_options") and qt.shuffles(version.kind):
            order = qt.option_ids(version.kind, version.spec)
            rng.shuffle(order)
        answers.append(
            {
                "slot": slot,
                "question_version_id": version_id,
                "tags": list(version.question.tags or []),
                "option_order": order,
                "max_score": version.points,
                "scored": qt.grade(version.kind, version.spec, None).scored,
            }
        )
    return answers


def locked_attempt(user, attempt_id: int) -> Attempt:
    """``user``'s attempt, read fresh under its write lock; anyone else's is ``not_found``."""
    _require_person(user)
    lock_row(Attempt.__table__, attempt_id)
    attempt = require_owner(user, db.session.get(Attempt, attempt_id, populate_existing=True))
    db.session.scalars(
        select(Answer)
        .where(Answer.attempt_id == attempt_id)
        .execution_options(populate_existing=True)
    ).all()
    return attempt


def own_attempt(user, attempt_id: int) -> Attempt:
    """``user``'s attempt (no lock); anyone else's is ``not_found``."""
    _require_person(user)
    return require_owner(user, db.session.get(Attempt, attempt_id))


def _slot(key: Any) -> int | None:
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return int(key)
    return None


def save_answers(
    user,
    attempt_id: int,
    answers: dict[Any, Any],
    *,
    revision: int | None,
    seconds: dict[Any, Any] | None = None,
    now: datetime | None = None,
) -> Attempt:
    """Autosave ``answers`` (slot -> response; None clears one) and the seconds spent on
    each slot; the attempt's revision grows by one.

    Refuses, saving nothing: ``not_found``, ``submitted``, ``time_up`` (``TimeUp``: the
    attempt is submitted with what was saved before), ``stale`` (``StaleRevision``:
    ``revision`` is not the stored one), ``bad_answer`` (``BadAnswer``: unknown slots or
    responses of the wrong shape)."""
    now = now or utcnow()
    attempt = locked_attempt(user, attempt_id)
    if attempt.state == "submitted":
        raise LearningError("submitted")
    if is_past_deadline(attempt, now):
        finish(attempt, attempt.deadline_at)
        raise TimeUp(attempt)
    by_slot = {a.slot: a for a in attempt.answers}
    if revision is not None and revision != attempt.revision:
        raise StaleRevision(attempt.revision, {s: a.response for s, a in by_slot.items()})
    versions = versions_of(attempt.answers)
    faults, responses, spent = _checked(by_slot, versions, answers or {}, seconds or {})
    if faults:
        raise BadAnswer(faults)
    for slot, response in responses.items():
        by_slot[slot].response = response
        by_slot[slot].saved_at = now
    for slot, extra in spent.items():
        by_slot[slot].seconds_spent = (by_slot[slot].seconds_spent or 0) + extra
    attempt.revision += 1
    db.session.flush()
    return attempt


def _checked(by_slot: dict[int, Answer], versions: dict, answers: dict, seconds: dict):
    faults: dict[Any, Any] = {}
    responses: dict[int, Any] = {}
    spent: dict[int, int] = {}
    if not isinstance(answers, dict) or not isinstance(seconds, dict):
        return {"answers": BAD_SHAPE}, {}, {}
    for key, response in answers.items():
        slot = _slot(key)
        if slot not in by_slot:
            faults[key] = UNKNOWN_SLOT
            continue
        version = versions[by_slot[slot].question_version_id]
        fault = qt.response_fault(version.kind, version.spec, response)
        if fault is not None:
            faults[key] = fault
        responses[slot] = response
    for key, value in seconds.items():
        slot = _slot(key)
        if slot not in by_slot:
            faults[key] = UNKNOWN_SLOT
        elif (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_SECONDS_PER_SAVE
        ):
            faults[key] = BAD_SECONDS
        else:
            spent[slot] = value
    return faults, responses, spent


def submit_attempt(user, attempt_id: int, *, now: datetime | None = None) -> Attempt:
    """Submit ``user``'s attempt and grade it; submitting again returns the same attempt
    and changes nothing. An attempt past its deadline is submitted as of the deadline
    (answers saved by then count)."""
    now = now or utcnow()
    attempt = locked_attempt(user, attempt_id)
    if attempt.state == "open":
        deadline = attempt.deadline_at
        finish(attempt, deadline if deadline is not None and now > deadline else now)
    return attempt


def finish(attempt: Attempt, finished_at: datetime) -> None:
    """Grade every answer of ``attempt``, mark it submitted at ``finished_at`` and store
    its totals (``scoring.recompute_attempts``, which also issues the certificates a pass
    earns)."""
    versions = versions_of(attempt.answers)
    for answer in attempt.answers:
        version = versions[answer.question_version_id]
        result = qt.grade(version.kind, version.spec, answer.response)
        answer.scored = result.scored
        answer.right = result.right
        if result.fraction is None:
            answer.fraction = answer.score = None
        else:
            answer.fraction = float(result.fraction)
            answer.score = float(result.fraction * Fraction(answer.max_score))
    attempt.state = "submitted"
    attempt.finished_at = finished_at
    db.session.flush()
    recompute_attempts([attempt.id])


def close_expired_attempts(now: datetime | None = None) -> int:
    """Submit every open attempt whose deadline has passed, as of its deadline; returns
    how many. Each is locked and read again first (a learner may be submitting it)."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Attempt.id).where(Attempt.state == "open", Attempt.deadline_at < now)
    ).all()
    closed = 0
    for attempt_id in due:
        lock_row(Attempt.__table__, attempt_id)
        attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
        if attempt is not None and attempt.state == "open" and is_past_deadline(attempt, now):
            finish(attempt, attempt.deadline_at)
            closed += 1
    return closed


def _fair_factor(factor: Any) -> bool:
    if isinstance(factor, bool) or not isinstance(factor, (int, float)):
        return False
    return math.isfinite(factor) and 1 <= factor <= MAX_FACTOR


def grant_time(actor, quiz_id: int, user_id: int, factor: float | None) -> TimeAccommodation:
    """Give ``user_id`` ``factor`` times the quiz's time limit (1 to ``MAX_FACTOR``; None:
    no limit), without changing the quiz for anyone else; an attempt of theirs now open
    gets the new deadline. Only the module's instructors and organisers may
    (``Module.can_edit``); ``bad_factor`` for anything else."""
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        raise LearningError("not_found")
    require_editor(actor, quiz.module)
    if db.session.get(User, user_id) is None:
        raise LearningError("not_found")
    if factor is not None and not _fair_factor(factor):
        raise LearningError("bad_factor")
    accommodation = accommodation_of(user_id, quiz_id)
    if accommodation is None:
        accommodation = TimeAccommodation(quiz_id=quiz_id, user_id=user_id)
        db.session.add(accommodation)
    accommodation.factor = None if factor is None else float(factor)
    accommodation.granted_by_id = actor.id
    accommodation.granted_at = utcnow()
    current = open_attempt_of(user_id, quiz_id)
    if current is not None:
        entry = quiz_entry(current.module_version, quiz_id) or {}
        current.deadline_at = deadline_for(entry, current.started_at, accommodation)
    db.session.flush()
    return accommodation
