"""An attempt's totals from its answer rows, and the pass rule: the one place both are
computed, when an attempt is submitted, an essay graded or a question regraded.

An attempt's score is the sum of its scored answers' scores, its maximum the sum of their
maxima, and it is passed when the score reaches the pass mark of the quiz *as the attempt
saw it* (the module version it started on). While a scored answer waits for a person's
grading, the score and ``passed`` stay None. The sums and the comparison are exact
(``Fraction``), so 7 of 10 reaches a pass mark of 70 % however the scores were added up.

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

from sqlalchemy import bindparam, select

from lms.accounts.models import User
from lms.extensions import db
from lms.learning.attempt_models import Answer, Attempt
from lms.learning.certificates import issue_certificates_if_complete
from lms.learning.models import ModuleVersion, Quiz

CHUNK = 2000  # ids per IN list: well under SQLite's and PostgreSQL's parameter limits

Number = int | float | Decimal | Fraction


def exact(value: Number) -> Fraction:
    """``value`` as an exact fraction; a float is read as the decimal it prints as
    (0.1 is one tenth), which is what was stored: scores are decimals of the points."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def passes(score: Number | None, max_score: Number | None, pass_percent: Number) -> bool | None:
    """Whether ``score`` of ``max_score`` reaches ``pass_percent``, exactly; None while
    the score waits for grading or when nothing is scored (a self-assessment). A grade
    that is already a fraction of 1 is ``passes(grade, 1, pass_percent)``."""
    if score is None or not max_score:
        return None
    return 100 * exact(score) >= exact(pass_percent) * exact(max_score)


def totals(answers: Iterable[tuple[bool, float | None, float]]) -> tuple[float | None, float]:
    """(score, maximum) of an attempt from its answers' (scored, score, max_score): the
    score is None while a scored answer waits for grading."""
    score, maximum, waiting = Fraction(0), Fraction(0), False
    for scored, answer_score, answer_max in answers:
        if not scored:
            continue
        maximum += exact(answer_max or 0)
        if answer_score is None:
            waiting = True
        else:
            score += exact(answer_score)
    return (None if waiting else float(score)), float(maximum)


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
    their answers (``totals`` and ``passes``), then issue the certificates of the
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
        for attempt_id, scored, score, max_score in db.session.execute(
            select(Answer.attempt_id, Answer.scored, Answer.score, Answer.max_score).where(
                Answer.attempt_id.in_([a.id for a in attempts])
            )
        ):
            answers[attempt_id].append((scored, score, max_score))
        marks = _pass_marks({(a.module_version_id, a.quiz_id) for a in attempts})
        rows = []
        for a in attempts:
            score, maximum = totals(answers[a.id])
            passed = passes(score, maximum, marks[(a.module_version_id, a.quiz_id)])
            rows.append({"key": a.id, "score": score, "max_score": maximum, "passed": passed})
            if passed and not a.passed:
                newly_passed.add((a.user_id, a.module_id))
        table = Attempt.__table__
        db.session.execute(
            table.update()
            .where(table.c.id == bindparam("key"))
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
