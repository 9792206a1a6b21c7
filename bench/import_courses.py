"""Importing the shipped ``courses/`` into an empty database, then again unchanged.

    .venv/bin/python bench/import_courses.py [--db sqlite|postgresql|both] [--rounds 3]
        [--tree courses] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432]

For each database and round it builds a throwaway database (SQLite in a temporary
folder, or a PostgreSQL database ``--pg-database``, created here and dropped afterwards),
migrated as production does, and times, in this process:

- the baseline: reading and checking the tree without a database (``read_tree``), the
  median of ``--parse-runs`` runs;
- the first import into the empty database (``import_courses`` and the commit);
- the same import again, the tree unchanged, counting the SQL writes it sends (an
  unchanged tree must send none).

It prints the medians over the rounds in milliseconds and as ratios to the baseline of
the same run: on a shared, noisy machine only the ratios mean much.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``lms`` importable
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from lms import create_app  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.learning.course_files import read_tree  # noqa: E402
from lms.learning.course_import import import_courses  # noqa: E402
from lms.migrations_runner import upgrade  # noqa: E402

WRITES = ("INSERT", "UPDATE", "DELETE")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=3, help="fresh databases per engine")
    parser.add_argument("--parse-runs", type=int, default=5, help="baseline runs per round")
    parser.add_argument("--tree", type=Path, default=ROOT / "courses")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432",
                        help="server URL without a database name")  # fmt: skip
    parser.add_argument("--pg-database", default="lms_bench_import", help="created and dropped")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.parse_runs < 1:
        parser.error("--rounds and --parse-runs must be at least 1")
    return args


def _pg(server_url: str, statement: str) -> None:
    engine = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()


def _config(url: str, workdir: Path) -> dict:
    return {
        "SECRET_KEY": secrets.token_hex(32),
        "SQLALCHEMY_DATABASE_URI": url,
        "LMS_HUEY_PATH": str(workdir / "huey.sqlite3"),
        "LMS_SMTP_HOST": "",
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def _timed(action) -> tuple[float, object]:
    began = time.perf_counter()
    result = action()
    return (time.perf_counter() - began) * 1000, result


def one_round(url: str, workdir: Path, tree: Path, parse_runs: int) -> dict:
    """One fresh database: the baseline, the first import, the import again."""
    app = create_app(_config(url, workdir))
    with app.app_context():
        upgrade()
        parse = statistics.median(_timed(lambda: read_tree(tree))[0] for _ in range(parse_runs))

        def run():
            report = import_courses(tree)
            db.session.commit()
            return report

        first, report = _timed(run)
        db.session.remove()  # the second import starts as a new command would
        statements: list[str] = []
        sa.event.listen(db.engine, "before_cursor_execute",
                        lambda c, cur, statement, *a: statements.append(statement))  # fmt: skip
        again, _ = _timed(run)
        writes = sum(s.lstrip().upper().startswith(WRITES) for s in statements)
        db.session.remove()
        db.engine.dispose()
    return {
        "parse": parse,
        "first": first,
        "again": again,
        "writes_again": writes,
        "statements_again": len(statements),
        "modules": len(report.modules),
    }


def bench(engine: str, args: argparse.Namespace) -> list[dict]:
    rounds = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="lms-bench-import-") as folder:
            workdir = Path(folder)
            if engine == "sqlite":
                rounds.append(one_round(f"sqlite:///{workdir / 'lms.sqlite3'}", workdir,
                                        args.tree, args.parse_runs))  # fmt: skip
                continue
            name = args.pg_database
            _pg(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _pg(args.pg_url, f'CREATE DATABASE "{name}"')
            try:
                rounds.append(one_round(f"{args.pg_url}/{name}", workdir, args.tree,
                                        args.parse_runs))  # fmt: skip
            finally:
                _pg(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return rounds


def report(engine: str, rounds: list[dict]) -> None:
    def median(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    parse = median("parse")
    print(f"\n{engine}: {rounds[0]['modules']} modules, {len(rounds)} round(s), medians")
    print(f"  {'what':<34} {'ms':>9} {'× baseline':>11}")
    for label, key in (
        ("read and check the tree (baseline)", "parse"),
        ("import into an empty database", "first"),
        ("import again, unchanged", "again"),
    ):
        print(f"  {label:<34} {median(key):>9.1f} {median(key) / parse:>11.2f}")
    print(f"  unchanged import: {max(r['statements_again'] for r in rounds)} statements, "
          f"{max(r['writes_again'] for r in rounds)} INSERT/UPDATE/DELETE")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    modules = read_tree(args.tree)
    lessons = sum(len(m.lessons) for m in modules)
    questions = sum(len(q.questions) for m in modules for q in m.quizzes)
    shown = args.tree.relative_to(ROOT) if args.tree.is_relative_to(ROOT) else args.tree
    print(f"tree {shown}: {len(modules)} modules, {lessons} lessons, {questions} questions")
    engines = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for engine in engines:
        report(engine, bench(engine, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
