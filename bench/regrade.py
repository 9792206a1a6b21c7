"""Regrading a question's stored answers in a batch, against a plain read of the same rows.

    .venv/bin/python bench/regrade.py --db sqlite [--attempts 10000] [--rounds 3]
    .venv/bin/python bench/regrade.py --db postgresql [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432]

1. Builds a throwaway database (``bench/learning_seed.py``): one quiz of five questions and
   ``--attempts`` submitted attempts, every answer graded; half of the first question's
   answers chose the option its key calls right, half the other.
2. Each round "fixes" the first question's key (a new version through
   ``set_question_content``, the right option swapped), then times, in this order:
   the baseline, a plain ``SELECT`` of the rows the regrade reads (the question's answers
   in submitted attempts); ``plan_regrade`` (the read-only count the confirmation page
   shows); and ``regrade_question`` with its commit (every answer graded again, a Regrade
   row per changed answer, the changed attempts' totals stored again). Half the
   learners chose each option, so every round changes every one of the question's
   answers (each attempt's score goes up or down by one), the worst case.
3. Prints the medians and their ratios to the baseline, and checks the database: one
   Regrade row per changed answer, every attempt's score the sum of its answers' scores.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.learning_seed import (  # noqa: E402
    QUESTIONS,
    bench_app,
    counting_queries,
    parse_db_args,
    seed,
)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parse_db_args(parser)
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args(argv)


def _swap_key(question, round_number: int) -> None:
    from lms.learning.publishing import set_question_content

    kind, text, spec, _ = QUESTIONS[0]
    right = "b" if round_number % 2 == 0 else "a"
    options = [dict(o, fraction=1 if o["id"] == right else 0) for o in spec["options"]]
    set_question_content(question, kind=kind, text_md=text, spec={"options": options})


def main(argv=None) -> int:
    args = parse_args(argv)
    from lms.accounts.models import User
    from lms.extensions import db
    from lms.learning import regrade
    from lms.learning.attempt_models import Answer, Attempt, Regrade
    from lms.learning.models import Question

    with bench_app(args):
        ids = seed(args.attempts)
        print(
            f"{platform.python_version()} on {db.engine.dialect.name}: {args.attempts} attempts, "
            f"{ids['answers']} answers"
        )
        actor = db.session.get(User, ids["organiser_id"])
        baseline, planned, regraded, changed, queries = [], [], [], [], []
        db.session.execute(sa.select(Answer.id, Answer.response)).all()  # warm the cache
        db.session.rollback()
        for number in range(args.rounds):
            question = db.session.get(Question, ids["question_id"])
            _swap_key(question, number)
            db.session.commit()
            earlier = [v.id for v in question.versions[:-1]]
            began = time.perf_counter()
            rows = db.session.execute(
                sa.select(
                    Answer.id, Answer.attempt_id, Answer.response, Answer.fraction, Answer.max_score
                )
                .join(Attempt, Attempt.id == Answer.attempt_id)
                .where(Answer.question_version_id.in_(earlier), Attempt.state == "submitted")
            ).all()
            baseline.append(time.perf_counter() - began)
            db.session.rollback()

            began = time.perf_counter()
            plan = regrade.plan_regrade(actor, question.id)
            planned.append(time.perf_counter() - began)
            db.session.rollback()

            with counting_queries(db.engine) as statements:
                began = time.perf_counter()
                plan = regrade.regrade_question(actor, question.id)
                db.session.commit()
                regraded.append(time.perf_counter() - began)
            queries.append(len(statements))
            changed.append(len(plan.changes))
            assert len(rows) == plan.considered, (len(rows), plan.considered)

        regrades = db.session.scalar(sa.select(sa.func.count(Regrade.id)))
        assert regrades == sum(changed), (regrades, changed)
        sums = (
            sa.select(Answer.attempt_id, sa.func.sum(Answer.score).label("total"))
            .group_by(Answer.attempt_id)
            .subquery()
        )
        wrong = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Attempt)
            .join(sums, sums.c.attempt_id == Attempt.id)
            .where(sa.func.abs(Attempt.score - sums.c.total) > 1e-6)
        )
        assert wrong == 0, f"{wrong} attempts' scores are not the sum of their answers"

    def median(values):
        return sorted(values)[len(values) // 2]

    base = median(baseline)
    print(f"rows read per round: {plan.considered}; answers changed per round: {changed}")
    print(f"baseline SELECT of the rows : {base * 1000:8.1f} ms")
    print(
        f"plan_regrade (read-only)    : {median(planned) * 1000:8.1f} ms  "
        f"({median(planned) / base:5.1f}x baseline)"
    )
    print(
        f"regrade_question + commit   : {median(regraded) * 1000:8.1f} ms  "
        f"({median(regraded) / base:5.1f}x baseline, {median(queries)} statements)"
    )
    print(f"per attempt                 : {median(regraded) / args.attempts * 1e6:8.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
