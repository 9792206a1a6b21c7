"""A throwaway database with one quiz and thousands of submitted attempts, for the
learning results benchmarks (``bench/regrade.py``, ``bench/results_page.py``).

The app runs in this process (no server: what is measured is the services and the page
rendering, not HTTP). The database is SQLite in a temporary folder or a PostgreSQL
database made here and dropped afterwards, migrated with the Alembic revisions. Learners,
attempts and answers are inserted in bulk (executemany), graded by the real
``question_types.grade``; the module and its questions go through the area's own
services, so versions and the snapshot are as in use.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

# One question of each machine-graded type; the first one's key is "fixed" by the regrade.
QUESTIONS = [
    (
        "single",
        "Which act requires due diligence?",
        {
            "options": [
                {"id": "a", "text": "Åpenhetsloven", "fraction": 1},
                {"id": "b", "text": "Plan- og bygningsloven", "fraction": 0},
            ]
        },
        ["a", "b"],
    ),
    (
        "multiple",
        "Which are ILO core conventions?",
        {
            "options": [
                {"id": "a", "text": "C29", "weight": "0.5"},
                {"id": "b", "text": "C138", "weight": "0.5"},
                {"id": "c", "text": "C999", "weight": "-1"},
            ]
        },
        [["a", "b"], ["a"], ["c"]],
    ),
    ("truefalse", "Bribing a foreign official is corruption.", {"answer": True}, [True, False]),
    (
        "short",
        "Name the act (one word).",
        {"answers": [{"text": "åpenhetsloven", "fraction": 1}]},
        ["Åpenhetsloven", "plan"],
    ),
    (
        "numeric",
        "Minimum climate weight (%)?",
        {"answers": [{"value": "30", "tolerance": "0"}], "unit": "%"},
        ["30 %", "10"],
    ),
]


def parse_db_args(parser) -> None:
    """The database options both benchmarks take."""
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432",
        help="server URL without a database name",
    )
    parser.add_argument("--pg-database", default="lms_bench_learning", help="made and dropped")


def _admin_engine(server_url: str):
    return sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")


@contextmanager
def bench_app(args) -> Iterator:
    """An app on a fresh migrated database (removed on every exit path), in its context."""
    from lms import create_app
    from lms.extensions import db
    from lms.migrations_runner import upgrade

    folder = tempfile.TemporaryDirectory(prefix="lms-bench-")
    if args.db == "postgresql":
        with _admin_engine(args.pg_url).connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{args.pg_database}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{args.pg_database}"'))
        url = f"{args.pg_url}/{args.pg_database}"
    else:
        url = f"sqlite:///{Path(folder.name) / 'lms.sqlite3'}"
    app = create_app(
        {
            "SECRET_KEY": secrets.token_urlsafe(32),
            "SQLALCHEMY_DATABASE_URI": url,
            "LMS_BASE_URL": "http://lms.bench",
            "LMS_ARGON2_TIME_COST": 1,
            "LMS_ARGON2_MEMORY_COST": 1024,
            "LMS_ARGON2_PARALLELISM": 1,
            "LMS_HUEY_IMMEDIATE": True,
            "LMS_SMTP_HOST": "",
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    try:
        with app.app_context():
            upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if args.db == "postgresql":
            with _admin_engine(args.pg_url).connect() as connection:
                connection.execute(
                    sa.text(f'DROP DATABASE IF EXISTS "{args.pg_database}" WITH (FORCE)')
                )
        folder.cleanup()


def seed(attempts: int, per_learner: int = 2) -> dict:
    """An organiser (password ``bench-password``), a published module whose quiz asks
    ``QUESTIONS``, and ``attempts`` submitted attempts (``per_learner`` each), every answer
    graded. Returns the ids the benchmarks need."""
    from lms.accounts import services
    from lms.accounts.models import User
    from lms.extensions import db
    from lms.learning.attempt_models import Answer, Attempt
    from lms.learning.models import Module, Question, Quiz
    from lms.learning.publishing import publish, quiz_tag, set_question_content
    from lms.learning.question_types import grade
    from lms.learning.scoring import passes
    from lms.timeutil import utcnow

    organiser = services.create_user(
        "organiser@bench.lms",
        "bench-password",
        "Bench Organiser",
        roles=("organiser",),
        verified=True,
    )
    module = Module(slug="bench-module", title="Ansvarlige leverandørkjeder", language="nb")
    quiz = Quiz(key="quiz", title="Sluttprøve", purpose="graded", pass_percent=80, position=0)
    module.quizzes.append(quiz)
    db.session.add(module)
    for number, (kind, text, spec, _responses) in enumerate(QUESTIONS):
        question = Question(key=f"q{number + 1}", tags=[quiz_tag(quiz), "objective:MR1"])
        module.questions.append(question)
        set_question_content(question, kind=kind, text_md=text, spec=spec)
    db.session.flush()
    version = publish(None, module, check_permission=False)
    db.session.commit()
    versions = [q.current for q in module.questions]

    learners = -(-attempts // per_learner)
    db.session.execute(
        sa.insert(User),
        [
            {
                "email": f"learner{n}@bench.lms",
                "password_hash": "!",
                "name": f"Deltaker Ødegård {n:05}",
                "organisation": "Benchkommune",
                "email_verified_at": utcnow(),
            }
            for n in range(learners)
        ],
    )
    user_ids = db.session.scalars(
        sa.select(User.id).where(User.email.like("learner%@bench.lms")).order_by(User.id)
    ).all()
    graded = {}
    now = utcnow()
    first_attempt = (db.session.scalar(sa.select(sa.func.max(Attempt.id))) or 0) + 1
    attempt_rows, answer_rows = [], []
    for n in range(attempts):
        attempt_id = first_attempt + n
        finished = now - timedelta(minutes=attempts - n)
        score = 0.0
        for slot, (question, (kind, _t, spec, responses)) in enumerate(
            zip(versions, QUESTIONS, strict=True)
        ):
            response = responses[(n + slot) % len(responses)]
            key = (slot, json.dumps(response))
            if key not in graded:
                result = grade(kind, spec, response)
                graded[key] = (float(result.fraction), result.right)
            fraction, right = graded[key]
            score += fraction
            answer_rows.append(
                {
                    "attempt_id": attempt_id,
                    "slot": slot,
                    "question_version_id": question.id,
                    "tags": list(question.question.tags),
                    "option_order": [],
                    "response": response,
                    "saved_at": finished,
                    "seconds_spent": 20 + n % 40,
                    "fraction": fraction,
                    "score": fraction,
                    "max_score": 1.0,
                    "right": right,
                    "scored": True,
                    "grader_comment": "",
                }
            )
        attempt_rows.append(
            {
                "id": attempt_id,
                "quiz_id": quiz.id,
                "module_version_id": version.id,
                "user_id": user_ids[n // per_learner],
                "number": 1 + n % per_learner,
                "purpose": "graded",
                "state": "submitted",
                "started_at": finished - timedelta(minutes=9),
                "finished_at": finished,
                "score": score,
                "max_score": float(len(QUESTIONS)),
                "passed": passes(score, len(QUESTIONS), 80),
                "revision": 1,
                "seed": n,
            }
        )
    db.session.execute(sa.insert(Attempt), attempt_rows)
    db.session.execute(sa.insert(Answer), answer_rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:  # the ids were given: move the sequence on
            connection.exec_driver_sql(
                "SELECT setval('lms_attempts_id_seq', (SELECT max(id) FROM lms_attempts))"
            )
            connection.commit()
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    return {
        "organiser_id": organiser.id,
        "quiz_id": quiz.id,
        "question_id": module.questions[0].id,
        "answers": len(answer_rows),
    }


def median_seconds(action, rounds: int) -> tuple[float, list[float]]:
    """The median wall time of ``rounds`` calls of ``action`` and every time measured."""
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    ordered = sorted(times)
    return ordered[len(ordered) // 2], times


@contextmanager
def counting_queries(engine) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
