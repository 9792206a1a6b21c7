"""An attempt's totals from its answer rows: the one place they are computed again after
an essay is graded or a question regraded.

An attempt's score is the sum of its scored answers' scores, its maximum the sum of their
maxima, and it is passed when the score reaches the pass mark of the quiz *as the attempt
saw it* (the module version it started on). While a scored answer waits for a person's
grading, the score and ``passed`` stay None. Done in bulk (a few statements per 2,000
attempts, summed by the database), so regrading thousands of attempts is a handful of
round trips.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, case, func, or_, select, update

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


def _pass_marks(pairs) -> dict[tuple[int, int], float]:
    """The pass mark of each (module version, quiz) pair, read from the snapshots (the
    quiz's live setting for a snapshot without it)."""
    version_ids = {version_id for version_id, _quiz in pairs}
    marks: dict[tuple[int, int], float] = {}
    for version_id, content in db.session.execute(
        select(ModuleVersion.id, ModuleVersion.content).where(ModuleVersion.id.in_(version_ids))
    ):
        for quiz in (content or {}).get("quizzes", []):
            marks[(version_id, quiz["id"])] = float(quiz.get("pass_percent", 0))
    missing = {quiz_id for version_id, quiz_id in pairs if (version_id, quiz_id) not in marks}
    if missing:
        live = dict(
            db.session.execute(select(Quiz.id, Quiz.pass_percent).where(Quiz.id.in_(missing)))
        )
        for pair in pairs:
            marks.setdefault(pair, float(live.get(pair[1], 100)))
    return marks


def recompute_attempts(attempt_ids: Iterable[int]) -> int:
    """Store again the score, maximum and ``passed`` of these submitted attempts from
    their answers (``passes``' rule, written in SQL); returns how many were updated.

    One ``UPDATE … FROM`` per chunk of ids and pass mark, from one aggregate of the
    chunk's answers: the database adds the answers up where they are."""
    ids = sorted(set(attempt_ids))
    updated = 0
    scored = Answer.scored.is_(True)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        submitted = and_(Attempt.id.in_(chunk), Attempt.state == "submitted")
        pairs = db.session.execute(
            select(Attempt.module_version_id, Attempt.quiz_id).where(submitted).distinct()
        ).all()
        totals = (
            select(
                Answer.attempt_id.label("attempt_id"),
                func.sum(case((scored, Answer.score), else_=0.0)).label("score"),
                func.sum(case((scored, Answer.max_score), else_=0.0)).label("maximum"),
                func.sum(case((and_(scored, Answer.fraction.is_(None)), 1), else_=0)).label(
                    "waiting"
                ),
            )
            .where(Answer.attempt_id.in_(chunk))
            .group_by(Answer.attempt_id)
            .subquery()
        )
        waits = totals.c.waiting > 0
        for (version_id, quiz_id), mark in _pass_marks([tuple(p) for p in pairs]).items():
            reached = 100 * totals.c.score + EPSILON >= mark * totals.c.maximum
            result = db.session.execute(
                update(Attempt)
                .where(
                    submitted,
                    Attempt.id == totals.c.attempt_id,
                    Attempt.module_version_id == version_id,
                    Attempt.quiz_id == quiz_id,
                )
                .values(
                    score=case((waits, None), else_=totals.c.score),
                    max_score=totals.c.maximum,
                    passed=case((or_(waits, totals.c.maximum == 0), None), else_=reached),
                )
                .execution_options(synchronize_session=False)
            )
            updated += result.rowcount
    return updated
