"""What the rush benchmarks share (``bench/rush.py``, ``bench/quiz_rush.py``,
``bench/conference.py``): a throwaway PostgreSQL database, the planner's statistics,
the ratio of a run to the baselines around it, stopping cleanly on SIGTERM, and the
report's JSON file and the entry point.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def create_pg_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the server (dropping an old one of that name first);
    its URL."""
    import sqlalchemy as sa

    engine = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{server_url}/{name}"


def drop_pg_database(server_url: str, name: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@contextlib.contextmanager
def throwaway_database(db: str, workdir: Path, pg_url: str, pg_database: str) -> Iterator[str]:
    """The URL of an empty database for one run: a SQLite file in ``workdir``, or a
    PostgreSQL database created here and dropped on every way out."""
    if db != "postgresql":
        yield f"sqlite:///{workdir / 'lms.sqlite3'}"
        return
    url = create_pg_database(pg_url, pg_database)
    try:
        yield url
    finally:
        drop_pg_database(pg_url, pg_database)


def analyze(env: dict[str, str]) -> None:
    """Give PostgreSQL's planner statistics, as autovacuum would have within a minute of a
    bulk load: without them it plans the catalogue for empty tables."""
    import sqlalchemy as sa

    if not env["DATABASE_URL"].startswith("postgresql"):
        return
    engine = sa.create_engine(env["DATABASE_URL"], isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()


def ratios(result: dict, before: dict, after: dict) -> dict:
    """Throughput against the mean of the baseline runs around it, and the CPU ratio."""
    around = (before["requests_per_second"] + after["requests_per_second"]) / 2
    cpu = [r.get("server_cpu_ms_per_request") for r in (before, result, after)]
    return {
        "baseline_around": around,
        "ratio": result["requests_per_second"] / around,
        "cpu_ratio": (cpu[0] + cpu[2]) / 2 / cpu[1] if None not in cpu and cpu[1] else None,
    }


def _stop_on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def stop_on_sigterm() -> None:
    """Turn SIGTERM into KeyboardInterrupt, so the ``finally`` blocks stop the servers and
    drop the database."""
    signal.signal(signal.SIGTERM, _stop_on_signal)


def save_report(report: dict, args, name: str) -> Path:
    """Write ``report`` with the run's date and settings to ``bench/results/<name>.json``."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    report["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    report["settings"] = vars(args)
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


def run_main(main) -> None:
    """A benchmark's entry point: its exit code, or a line when interrupted (the servers
    and the database are gone by then: ``finally`` blocks)."""
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted; servers stopped")
