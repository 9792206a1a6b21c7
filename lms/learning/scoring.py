"""An attempt's totals from its answer rows: the one place they are computed again after
an essay is graded or a question regraded.

An attempt's score is the sum of its scored answers' scores, its maximum the sum of their
maxima, and it is passed when the score reaches the pass mark of the quiz *as the attempt
saw it* (the module version it started on). While a scored answer waits for a person's
grading, the score and ``passed`` stay None. Done in bulk (a few statements per 2,000
attempts), so regrading thousands of attempts is a handful of round trips.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, case, func, select, update

from lms.extensions import db
from lms.learning.attempt_models import Answer, Attempt
from lms.learning.models import ModuleVersion, Quiz

CHUNK = 2000  # ids per IN list: well under SQLite's and PostgreSQL's parameter limits
EPSILON = 1e-9  # 79.99999999 % is 80 %: float sums of exact fractions drift a little


def passes(score: float | None, max_score: float | None, pass_percent: float) -> bool | None:
    """Whether ``score`` of ``max_score`` reaches ``pass_percent``; None while the score
    waits for grading or when nothing is scored (a self-assessment)."""
    if score is None or not max_score:
        return None
    return 100 * score / max_score + EPSILON >= pass_percent


def _pass_marks(rows) -> dict[tuple[int, int], float]:
    """The pass mark of each (module version, quiz) pair, read from the snapshots."""
    version_ids = {version_id for _id, version_id, _quiz in rows}
    marks: dict[tuple[int, int], float] = {}
    for version_id, content in db.session.execute(
        select(ModuleVersion.id, ModuleVersion.content).where(ModuleVersion.id.in_(version_ids))
    ):
        for quiz in (content or {}).get("quizzes", []):
            marks[(version_id, quiz["id"])] = float(quiz.get("pass_percent", 0))
    missing = {quiz_id for _id, version_id, quiz_id in rows if (version_id, quiz_id) not in marks}
    if missing:  # a snapshot without the quiz: its live setting
        live = dict(
            db.session.execute(select(Quiz.id, Quiz.pass_percent).where(Quiz.id.in_(missing))).all()
        )
        for _id, version_id, quiz_id in rows:
            marks.setdefault((version_id, quiz_id), float(live.get(quiz_id, 100)))
    return marks


def recompute_attempts(attempt_ids: Iterable[int]) -> int:
    """Store again the score, maximum and ``passed`` of these submitted attempts from
    their answers; returns how many attempts were updated."""
    ids = sorted(set(attempt_ids))
    updated = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        scored = Answer.scored.is_(True)
        totals = db.session.execute(
            select(
                Answer.attempt_id,
                func.sum(case((scored, Answer.score), else_=0)),
                func.sum(case((scored, Answer.max_score), else_=0)),
                func.sum(case((and_(scored, Answer.fraction.is_(None)), 1), else_=0)),
            )
            .where(Answer.attempt_id.in_(chunk))
            .group_by(Answer.attempt_id)
        ).all()
        rows = db.session.execute(
            select(Attempt.id, Attempt.module_version_id, Attempt.quiz_id).where(
                Attempt.id.in_(chunk), Attempt.state == "submitted"
            )
        ).all()
        marks = _pass_marks(rows)
        by_attempt = {a: (s or 0.0, m or 0.0, w or 0) for a, s, m, w in totals}
        values = []
        for attempt_id, version_id, quiz_id in rows:
            score, max_score, waiting = by_attempt.get(attempt_id, (0.0, 0.0, 0))
            score = None if waiting else round(score, 6)
            values.append(
                {
                    "id": attempt_id,
                    "score": score,
                    "max_score": round(max_score, 6),
                    "passed": passes(score, max_score, marks[(version_id, quiz_id)]),
                }
            )
        if values:
            db.session.execute(update(Attempt), values)
        updated += len(values)
    return updated
