"""Regrading a question's stored answers after its key was fixed.

An instructor who corrects a question that already has answers makes a new version
(``publishing.set_question_content``); past answers keep the version they answered. A
regrade grades every stored answer of the earlier versions again with the newest
version's spec (``question_types.grade``), records a ``Regrade`` row for each answer whose
fraction changed (old, new, the version used, who, when), and stores those attempts'
totals again (``scoring.recompute_attempts``).

What is regraded: answers in submitted attempts, of versions of the same type as the
newest (a response to another type cannot be read by it), that a machine grades (an
essay's grade is a person's and stays). ``plan_regrade`` counts what would change
without writing, for the confirmation; both work on plain rows in bulk (one grading per
distinct response, set-based statements), so 10,000 attempts take a few dozen statements.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Float, Integer, literal, select

from lms.extensions import db
from lms.learning.attempt_models import Answer, Attempt, Regrade
from lms.learning.models import Module, Question, QuestionVersion
from lms.learning.publishing import LearningError, require_editor
from lms.learning.question_types import grade
from lms.learning.scoring import CHUNK, recompute_attempts
from lms.timeutil import UTCDateTime, utcnow

EPSILON = 1e-9


@dataclass
class RegradePlan:
    """What a regrade would do: ``changes`` are (answer id, attempt id, old fraction, new
    fraction, score, right) for the answers whose fraction changes."""

    question: Question
    newest: QuestionVersion
    considered: int = 0
    changes: list[tuple] = field(default_factory=list)

    @property
    def attempts(self) -> int:
        return len({change[1] for change in self.changes})


def editable_question(user, question_id: int) -> Question:
    """The question ``question_id`` if ``user`` may edit its module."""
    question = db.session.get(Question, question_id)
    if question is None:
        raise LearningError("not_found")
    module = db.session.get(Module, question.module_id)
    require_editor(user, module)
    return question


def plan_regrade(user, question_id: int) -> RegradePlan:
    """Grade the question's earlier answers again with its newest version, in memory."""
    question = editable_question(user, question_id)
    newest = question.versions[-1]
    plan = RegradePlan(question, newest)
    if newest.kind in ("essay", "likert"):
        return plan
    earlier = [v.id for v in question.versions if v.id != newest.id and v.kind == newest.kind]
    if not earlier:
        return plan
    rows = db.session.execute(
        select(Answer.id, Answer.attempt_id, Answer.response, Answer.fraction, Answer.max_score)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(
            Answer.question_version_id.in_(earlier),
            Answer.scored.is_(True),
            Attempt.state == "submitted",
        )
    ).all()
    plan.considered = len(rows)
    graded: dict[str, tuple] = {}  # many answers share a response: grade each once
    for answer_id, attempt_id, response, old, max_score in rows:
        key = json.dumps(response, sort_keys=True)
        if key not in graded:
            result = grade(newest.kind, newest.spec, response)
            fraction = None if result.fraction is None else float(result.fraction)
            graded[key] = (fraction, result.right)
        fraction, right = graded[key]
        if fraction is None or (old is not None and abs(old - fraction) < EPSILON):
            continue
        plan.changes.append(
            (answer_id, attempt_id, old, fraction, round(fraction * max_score, 6), right)
        )
    return plan


def regrade_question(user, question_id: int) -> RegradePlan:
    """Regrade the question's earlier answers and store what changed (see the module's
    docstring); returns the plan that was carried out.

    Set-based: the changes are grouped by their new (fraction, right), few however many
    answers there are, and each group is two statements per ``CHUNK`` answers: an
    ``INSERT … SELECT`` of the Regrade rows (the old fraction read from the row itself)
    and an ``UPDATE`` of the answers (score = fraction × the answer's maximum)."""
    plan = plan_regrade(user, question_id)
    if not plan.changes:
        return plan
    db.session.flush()
    now, actor = utcnow(), getattr(user, "id", None)
    groups: dict[tuple, list[int]] = defaultdict(list)
    for answer_id, _attempt, _old, new, _score, right in plan.changes:
        groups[(new, right)].append(answer_id)
    regrades = Regrade.__table__
    answers = Answer.__table__
    for (new, right), ids in groups.items():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            rows = select(
                answers.c.id,
                literal(plan.newest.id),
                answers.c.fraction,
                literal(new, Float),
                literal(now, UTCDateTime()),
                literal(actor, Integer),
            ).where(answers.c.id.in_(chunk))
            columns = ["answer_id", "graded_with_id", "old_fraction", "new_fraction"]
            db.session.execute(
                regrades.insert().from_select([*columns, "done_at", "done_by_id"], rows)
            )
            db.session.execute(
                answers.update()
                .where(answers.c.id.in_(chunk))
                .values(fraction=new, score=answers.c.max_score * new, right=right)
            )
    recompute_attempts(change[1] for change in plan.changes)
    # The updates went round the session's objects: those it holds are stale.
    db.session.expire_all()
    return plan
