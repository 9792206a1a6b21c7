"""An attempt's totals from its answer rows, and the pass rule: the one place both are
computed, when an attempt is submitted, an essay graded or a question regraded.

An attempt's score is the sum of its scored answers' scores, its maximum the sum of their
maxima, and it is passed when the score reaches the pass mark of the quiz *as the attempt
saw it* (the module version it started on). While a scored answer waits for a person's
grading, the score and ``passed`` stay None. The sums and the comparison are exact
(each stored score read as the decimal it prints as), so 7 of 10 reaches a pass mark of
70 % and 0.1 + 0.7 of 1 reaches 80 %, however the scores were added up.

An attempt that passes by a change here may complete its module (or a course), so the
certificates it earns are issued here too: one path for submitting, grading and
regrading. Done in bulk (a few statements per 2,000 attempts), so regrading thousands of
attempts is a handful of round trips.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from sqlalchemy import bindparam, select

from lms.accounts.models import User
from lms.extensions import db
from lms.learning.attempt_models import Answer, Attempt
from lms.learning.certificates import issue_certificates_if_complete
from lms.learning.models import ModuleVersion, Quiz

CHUNK = 2000  # ids per IN list: well under SQLite's and PostgreSQL's parameter limits

Number = int | float | Decimal | Fraction


@lru_cache(maxsize=4096)  # an attempt's scores and maxima are a few distinct values
def _decimal_of(value: float) -> Decimal:
    return Decimal(repr(value))


def exact(value: Number) -> Decimal | Fraction:
    """``value`` as an exact number: a float is read as the decimal it prints as (0.1 is
    one tenth), which is what was stored, since scores are decimals of the points; a
    ``Fraction`` stays one (a grade of 2/3)."""
    if isinstance(value, float):
        return _decimal_of(value)
    return value if isinstance(value, Fraction) else Decimal(value)


def passes(score: Number | None, max_score: Number | None, pass_percent: Number) -> bool | None:
    """Whether ``score`` of ``max_score`` reaches ``pass_percent``, exactly; None while
    the score waits for grading or when nothing is scored (a self-assessment). A grade
    that is already a fraction of 1 is ``passes(grade, 1, pass_percent)``."""
    if score is None or not max_score:
        return None
    values = [exact(v) for v in (score, max_score, pass_percent)]
    if any(isinstance(v, Fraction) for v in values):
        values = [Fraction(v) for v in values]
    return _reaches(*values)


def _reaches(score, max_score, pass_percent) -> bool:
    """The pass rule on exact numbers: score / maximum ≥ pass mark / 100."""
    return 100 * score >= pass_percent * max_score


def totals(answers: Iterable[tuple[float | None, float]]) -> tuple[Decimal | None, Decimal]:
    """(score, maximum) of an attempt, exact, from its scored answers' (score, maximum):
    the score is None while one of them waits for grading."""
    score, maximum, waiting = Decimal(0), Decimal(0), False
    for answer_score, answer_max in answers:
        maximum += _decimal_of(float(answer_max or 0))
        if answer_score is None:
            waiting = True
        else:
            score += _decimal_of(float(answer_score))
    return (None if waiting else score), maximum


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
    their answers (``totals`` and the rule of ``passes``), then issue the certificates of the
    modules an attempt now passes; returns how many attempts were updated.

    Per chunk of ids: one read of the attempts, one of their answers, one
    ``executemany`` UPDATE of the totals. The session's copies of the attempts are
    expired, since the UPDATE went round them."""
    ids = sorted(set(attempt_ids))
    updated = 0
    newly_passed: set[tuple[int, int]] = set()  # (user, module)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        attempts = db.session.execute(
            select(
                Attempt.id,
                Attempt.user_id,
                Attempt.module_version_id,
                Attempt.quiz_id,
                Attempt.passed,
                Quiz.module_id,
            )
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.id.in_(chunk), Attempt.state == "submitted")
        ).all()
        if not attempts:
            continue
        answers: dict[int, list] = defaultdict(list)
        table = Answer.__table__  # plain rows: no ORM loading for thousands of answers
        for attempt_id, score, max_score in db.session.execute(
            select(table.c.attempt_id, table.c.score, table.c.max_score).where(
                table.c.attempt_id.in_([a.id for a in attempts]), table.c.scored.is_(True)
            )
        ):
            answers[attempt_id].append((score, max_score))
        marks = {
            pair: exact(mark)
            for pair, mark in _pass_marks(
                {(a.module_version_id, a.quiz_id) for a in attempts}
            ).items()
        }
        rows = []
        for a in attempts:
            score, maximum = totals(answers[a.id])
            passed = None
            if score is not None and maximum:
                passed = _reaches(score, maximum, marks[(a.module_version_id, a.quiz_id)])
            rows.append({"key": a.id, "score": None if score is None else float(score),
                         "max_score": float(maximum), "passed": passed})  # fmt: skip
            if passed and not a.passed:
                newly_passed.add((a.user_id, a.module_id))
        attempts_table = Attempt.__table__
        db.session.execute(
            attempts_table.update()
            .where(attempts_table.c.id == bindparam("key"))
            .values(
                score=bindparam("score"),
                max_score=bindparam("max_score"),
                passed=bindparam("passed"),
            ),
            rows,
        )
        updated += len(rows)
    done = set(ids)
    for attempt in list(db.session.identity_map.values()):
        if isinstance(attempt, Attempt) and attempt.id in done:
            db.session.expire(attempt, ["score", "max_score", "passed"])
    for user_id, module_id in sorted(newly_passed):
        # Passing may be the module's last step (or a course's).
        issue_certificates_if_complete(db.session.get(User, user_id), module_id)
    return updated
