"""A quiz's results page and its exports with 5,000 attempts: time and queries, against
baselines measured in the same run.

    .venv/bin/python bench/results_page.py --db sqlite [--attempts 5000] [--rounds 5]
    .venv/bin/python bench/results_page.py --db postgresql [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432]

1. Builds a throwaway database (``bench/learning_seed.py``): one quiz of five questions and
   ``--attempts`` submitted attempts (two per learner), every answer graded.
2. Logs an organiser in through the real form, in this process's test client (no server:
   the figures are the app's own work, not HTTP's).
3. Times ``--rounds`` requests of each, and counts the SQL statements of one:
   the baselines, ``GET /healthz`` (a request that does nothing) and a plain ``SELECT`` of
   the quiz's attempts with their learners (the rows the page cannot do without); the
   results page (first page of learners, the per-question summary); the CSV and the XLSX
   export (one row per answer). Prints medians and ratios to the SELECT baseline.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.learning_seed import (  # noqa: E402
    bench_app,
    counting_queries,
    median_seconds,
    parse_db_args,
    seed,
)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parse_db_args(parser)
    parser.add_argument("--attempts", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args(argv)


def _login(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": "organiser@bench.lms", "password": "bench-password"},
    )
    assert response.status_code == 302, response.status_code


def main(argv=None) -> int:
    args = parse_args(argv)
    from lms.accounts.models import User
    from lms.extensions import db
    from lms.learning.attempt_models import Attempt

    with bench_app(args) as app:
        ids = seed(args.attempts)
        db.session.remove()
        client = app.test_client()
        _login(client)
        quiz = ids["quiz_id"]

        def get(path: str):
            def action():
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                return response

            return action

        def plain_select():
            db.session.execute(
                sa.select(
                    Attempt.user_id,
                    User.name,
                    User.email,
                    Attempt.score,
                    Attempt.max_score,
                    Attempt.finished_at,
                )
                .join(User, User.id == Attempt.user_id)
                .where(Attempt.quiz_id == quiz, Attempt.state == "submitted")
            ).all()
            db.session.rollback()

        targets = [
            ("GET /healthz (baseline)", get("/healthz")),
            ("SELECT of the attempts (baseline)", plain_select),
            ("results page", get(f"/manage/learning/quizzes/{quiz}/results")),
            ("results.csv", get(f"/manage/learning/quizzes/{quiz}/results.csv")),
            ("results.xlsx", get(f"/manage/learning/quizzes/{quiz}/results.xlsx")),
        ]
        print(
            f"{platform.python_version()} on {db.engine.dialect.name}: {args.attempts} "
            f"attempts, {ids['answers']} answers; median of {args.rounds}"
        )
        figures = {}
        for name, action in targets:
            action()  # warm: templates compiled, caches filled
            with counting_queries(db.engine) as statements:
                action()
            seconds, _times = median_seconds(action, args.rounds)
            figures[name] = (seconds, len(statements))
        base = figures["SELECT of the attempts (baseline)"][0]
        for name, (seconds, queries) in figures.items():
            print(
                f"{name:36} {seconds * 1000:9.1f} ms  {seconds / base:6.1f}x SELECT  "
                f"{queries:3} queries"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
