"""What a learner may see of their attempts: the sheet of an open one (its questions as
they are answered, with what was saved), the review of a submitted one (each question as
the quiz's review options allow at this moment), the history per quiz, and where they stand
(attempts left, an open attempt to continue, the grade by the quiz's grading method).

Plain data for the pages and the API alike, so both show exactly the same: a right
answer, a score or a feedback text is only in it when ``review.visible_parts`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.learning import question_types as qt
from lms.learning.attempt_models import Attempt
from lms.learning.attempt_rules import (
    is_past_deadline,
    published_quiz,
    quiz_entry,
    require_owner,
    versions_of,
    when,
    window_open,
)
from lms.learning.review import overall_feedback_for, quiz_grade, visible_parts
from lms.learning.scoring import passes
from lms.timeutil import utcnow


@dataclass(frozen=True)
class ReviewItem:
    """One question of a reviewed attempt. ``response`` is None unless the learner's
    answers are shown; ``score``/``right`` unless scores are; ``right_answer`` unless
    right answers are; ``feedback`` (Markdown texts) unless feedback is."""

    slot: int
    kind: str
    text_md: str
    points: float
    learner_view: dict[str, Any]
    response: Any = None
    score: float | None = None
    right: bool | None = None
    awaiting_grading: bool = False
    right_answer: Any = None
    feedback: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttemptReview:
    """A submitted attempt as its learner may see it now (``parts``: what is shown)."""

    attempt_id: int
    quiz_id: int
    quiz_title: str
    number: int
    purpose: str
    started_at: datetime
    finished_at: datetime | None
    parts: frozenset[str]
    score: float | None
    max_score: float | None
    percent: float | None
    passed: bool | None
    overall_feedback_md: str | None
    items: tuple[ReviewItem, ...]


@dataclass(frozen=True)
class SheetItem:
    """One question of an open attempt as its learner answers it: the text, what to
    choose from (``learner_view``, in the attempt's order) and what was saved."""

    slot: int
    kind: str
    text_md: str
    points: float
    learner_view: dict[str, Any]
    response: Any
    saved_at: datetime | None
    seconds_spent: int


@dataclass(frozen=True)
class AnswerSheet:
    """An open attempt to answer or resume (on any device: the same order, the answers
    saved so far). ``revision`` goes back with the next save."""

    attempt_id: int
    quiz_id: int
    quiz_title: str
    number: int
    purpose: str
    started_at: datetime
    deadline_at: datetime | None
    revision: int
    items: tuple[SheetItem, ...]


def answer_sheet(user, attempt: Attempt) -> AnswerSheet:
    """``user``'s attempt as a sheet to answer (anyone else's: ``not_found``). Nothing of
    a key is in it; a submitted attempt is shown by ``review`` instead."""
    require_owner(user, attempt)
    entry = quiz_entry(attempt.module_version, attempt.quiz_id) or {}
    versions = versions_of(attempt.answers)
    items = []
    for answer in attempt.answers:
        version = versions[answer.question_version_id]
        items.append(
            SheetItem(
                slot=answer.slot,
                kind=version.kind,
                text_md=version.text_md,
                points=answer.max_score,
                learner_view=qt.learner_view(version.kind, version.spec, answer.option_order),
                response=answer.response,
                saved_at=answer.saved_at,
                seconds_spent=answer.seconds_spent or 0,
            )
        )
    return AnswerSheet(
        attempt_id=attempt.id,
        quiz_id=attempt.quiz_id,
        quiz_title=entry.get("title", ""),
        number=attempt.number,
        purpose=attempt.purpose,
        started_at=attempt.started_at,
        deadline_at=attempt.deadline_at,
        revision=attempt.revision,
        items=tuple(items),
    )


def parts_now(attempt: Attempt, entry: dict[str, Any], now: datetime) -> frozenset[str]:
    """What the review of ``attempt`` shows at ``now`` (nothing while it is open)."""
    if attempt.state != "submitted":
        return frozenset()
    return visible_parts(
        entry.get("review"),
        finished_at=attempt.finished_at,
        closes_at=when(entry.get("closes_at")),
        now=now,
    )


def percent_of(attempt: Attempt) -> float | None:
    if attempt.score is None or not attempt.max_score:
        return None
    return attempt.score * 100 / attempt.max_score


def review(user, attempt: Attempt, now: datetime | None = None) -> AttemptReview:
    """The review of ``user``'s own attempt (anyone else's: ``not_found``) at ``now``."""
    require_owner(user, attempt)
    now = now or utcnow()
    entry = quiz_entry(attempt.module_version, attempt.quiz_id) or {}
    parts = parts_now(attempt, entry, now)
    versions = versions_of(attempt.answers)
    items = []
    for answer in attempt.answers:
        version = versions[answer.question_version_id]
        kind, spec = version.kind, version.spec
        shown: dict[str, Any] = {}
        if "answers" in parts:
            shown["response"] = answer.response
        if "score" in parts and answer.scored:
            shown.update(score=answer.score, right=answer.right)
            shown["awaiting_grading"] = answer.score is None
        if "right_answers" in parts:
            shown["right_answer"] = qt.right_answer(kind, spec)
        if "feedback" in parts:
            texts = qt.option_feedback(kind, spec, answer.response)
            general = [version.feedback_md] if (version.feedback_md or "").strip() else []
            shown["feedback"] = tuple(texts + general)
        items.append(
            ReviewItem(
                slot=answer.slot,
                kind=kind,
                text_md=version.text_md,
                points=answer.max_score,
                learner_view=qt.learner_view(kind, spec, answer.option_order),
                **shown,
            )
        )
    score_shown = "score" in parts
    percent = percent_of(attempt) if score_shown else None
    feedback = None
    if "feedback" in parts:
        feedback = overall_feedback_for(entry.get("overall_feedback"), percent_of(attempt))
    return AttemptReview(
        attempt_id=attempt.id,
        quiz_id=attempt.quiz_id,
        quiz_title=entry.get("title", ""),
        number=attempt.number,
        purpose=attempt.purpose,
        started_at=attempt.started_at,
        finished_at=attempt.finished_at,
        parts=parts,
        score=attempt.score if score_shown else None,
        max_score=attempt.max_score if score_shown else None,
        percent=percent,
        passed=attempt.passed if score_shown else None,
        overall_feedback_md=feedback,
        items=tuple(items),
    )


@dataclass(frozen=True)
class AttemptSummary:
    """One line of a learner's history of a quiz; the score only when it may be shown."""

    attempt_id: int
    number: int
    state: str
    started_at: datetime
    finished_at: datetime | None
    deadline_at: datetime | None
    score_shown: bool
    score: float | None
    max_score: float | None
    percent: float | None
    passed: bool | None


def _attempts(user_id: int, quiz_id: int) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id)
            .options(selectinload(Attempt.module_version))
            .order_by(Attempt.number)
        )
    )


def summary_of(attempt: Attempt, now: datetime) -> AttemptSummary:
    """``attempt`` as a line of its learner's history at ``now``."""
    entry = quiz_entry(attempt.module_version, attempt.quiz_id) or {}
    shown = "score" in parts_now(attempt, entry, now)
    return AttemptSummary(
        attempt_id=attempt.id,
        number=attempt.number,
        state=attempt.state,
        started_at=attempt.started_at,
        finished_at=attempt.finished_at,
        deadline_at=attempt.deadline_at,
        score_shown=shown,
        score=attempt.score if shown else None,
        max_score=attempt.max_score if shown else None,
        percent=percent_of(attempt) if shown else None,
        passed=attempt.passed if shown else None,
    )


def attempts_of(user, quiz_id: int, now: datetime | None = None) -> list[AttemptSummary]:
    """``user``'s attempts at the quiz, first to last."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or utcnow()
    return [summary_of(a, now) for a in _attempts(user.id, quiz_id)]


@dataclass(frozen=True)
class QuizState:
    """Where a learner stands with a quiz. ``next_action``: ``continue`` (an attempt is
    open), ``start``, ``closed`` (not open now) or ``none_left``. ``grade`` is the
    fraction by the grading method, shown only when every attempt's score may be."""

    quiz_id: int
    attempts_allowed: int
    attempts_used: int
    attempts_left: int | None
    open_attempt_id: int | None
    open_deadline_at: datetime | None
    grade: float | None
    passed: bool | None
    next_action: str
    history: tuple[AttemptSummary, ...]


def quiz_state(user, quiz_id: int, now: datetime | None = None) -> QuizState:
    """``user``'s state with the published quiz (``not_found`` when it is not published).
    An open attempt whose time is up counts as submitted here; it is closed on the next
    start, save or submit, or by the periodic task."""
    now = now or utcnow()
    _version, entry = published_quiz(quiz_id)
    attempts = _attempts(user.id, quiz_id) if getattr(user, "is_authenticated", False) else []
    history = tuple(summary_of(a, now) for a in attempts)
    current = next(
        (a for a in attempts if a.state == "open" and not is_past_deadline(a, now)), None
    )
    allowed = entry["attempts_allowed"]
    left = max(allowed - len(attempts), 0) if allowed else None
    submitted = [s for s in history if s.state == "submitted"]
    grade = passed = None
    if submitted and all(s.score_shown for s in submitted):
        fractions = [s.score / s.max_score if s.score is not None and s.max_score else None
                     for s in submitted]  # fmt: skip
        grade = quiz_grade(fractions, entry["grading_method"])
        if grade is not None:
            passed = passes(grade, 1, entry["pass_percent"])
    if current is not None:
        action = "continue"
    elif not window_open(entry, now):
        action = "closed"
    elif left == 0:
        action = "none_left"
    else:
        action = "start"
    return QuizState(
        quiz_id=quiz_id,
        attempts_allowed=allowed,
        attempts_used=len(attempts),
        attempts_left=left,
        open_attempt_id=current.id if current else None,
        open_deadline_at=current.deadline_at if current else None,
        grade=float(grade) if grade is not None else None,
        passed=passed,
        next_action=action,
        history=history,
    )
