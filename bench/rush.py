"""The registration rush and the 200-offering catalogue, against the baseline, in one run.

    .venv/bin/python bench/rush.py --db sqlite
    .venv/bin/python bench/rush.py --db postgresql [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432]

1. Builds a throwaway database: SQLite in a temporary folder, or a dedicated PostgreSQL
   database (``lms_bench`` by default; created here and dropped afterwards), migrated
   with ``flask lms upgrade-db``.
2. Seeds it directly (no HTTP, one precomputed password hash): ``--people`` verified
   participants with one API token each, and ``--offerings`` published offerings, one of
   which (the rush) has ``--seats`` seats.
3. Starts the LMS and the baseline under the same gunicorn settings (``-w`` sync workers);
   on PostgreSQL also the baseline on the same database (``bench/rush_report.py``).
4. Warms each server on what it is measured on (the LMS: ``--warmup`` other people register
   for another offering), then loads the baselines, the rush, and the baselines again, with
   the same Python load generator (``bench/load.py``, ``--concurrency`` threads): the rush is one
   ``POST /api/v1/events/<id>/registrations`` per participant, each with its own bearer
   token. The rush's throughput is reported as a ratio to the mean of the baseline runs
   around it, with p50/p99 latency and the CPU per request of the server, the database
   server and the load generator.
5. Checks the database afterwards: exactly ``--seats`` confirmed, the rest waitlisted,
   every waiting-list rank distinct, and no failed request. Then renders the rush's mail
   as the huey worker would (``lms.mail.rendering.materialize``, in its own process) and
   reports the worker's CPU per mail: the request only queues the outbox row, so that
   work has moved out of the figures above, not away.
6. Loads the catalogue with wrk, bracketed by the baselines as ``bench/run.py`` does:
   ``GET /events`` (the HTML catalogue, anonymous) and ``GET /api/v1/events`` (JSON, bearer).

Servers are stopped (whole process groups) and the bench database dropped on every exit path.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import get, load, measured  # noqa: E402
from bench.rush_common import (  # noqa: E402
    RESULTS_DIR,
    analyze,
    ratios,
    run_main,
    save_report,
    stop_on_sigterm,
    throwaway_database,
)
from bench.rush_report import SAME_DB, print_report  # noqa: E402
from bench.servers import (  # noqa: E402
    Server,
    baseline_env,
    database_cpu_seconds,
    lms_env,
    migrate,
    prepare_baseline_database,
    serving,
)
from bench.targets import USER_AGENT  # noqa: E402
from bench.wrk import require_wrk, run_wrk  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432"),
        help="server URL without a database name",
    )
    parser.add_argument("--pg-database", default="lms_bench", help="created and dropped here")
    parser.add_argument("-w", "--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--people", type=int, default=600)
    parser.add_argument(
        "--warmup",
        type=int,
        default=100,
        help="other people who register for another offering first, to warm the workers",
    )
    parser.add_argument("--seats", type=int, default=300)
    parser.add_argument("--offerings", type=int, default=200, help="published, for the catalogue")
    parser.add_argument("--concurrency", type=int, default=50, help="requests in flight")
    parser.add_argument("--baseline-requests", type=int, default=2000)
    parser.add_argument("-d", "--duration", default="5s", help="wrk duration (catalogue)")
    parser.add_argument("-c", "--connections", type=int, default=10, help="wrk connections")
    parser.add_argument("--no-catalogue", action="store_true")
    parser.add_argument("--json", action="store_true", help=f"write {RESULTS_DIR}/rush-<db>.json")
    return parser.parse_args(argv)


# --- the database ----------------------------------------------------------------------


def seed(env: dict[str, str], args) -> tuple[int, list[str], int, list[str]]:
    """Participants with tokens and published offerings, inserted in bulk; returns the rush
    offering's id and its people's raw tokens, then the same for the warm-up: bench offering
    1, with room for half of ``--warmup`` other people."""
    os.environ.update(env)
    from lms import create_app
    from lms.accounts.models import ApiToken, User, hash_token
    from lms.accounts.passwords import hash_password
    from lms.events.models import Offering, OfferingSession
    from lms.extensions import db
    from lms.timeutil import utcnow

    app = create_app()
    with app.app_context():
        now = utcnow()
        password_hash = hash_password(secrets.token_urlsafe(12))  # once for everyone
        users = [
            User(
                email=f"rush{n}@bench.lms",
                password_hash=password_hash,
                name=f"Rush Participant {n}",
                organisation="Benchkommune",
                email_verified_at=now,
            )
            for n in range(args.people + args.warmup)
        ]
        db.session.add_all(users)
        db.session.flush()
        raws = ["lms_" + secrets.token_urlsafe(32) for _ in users]
        db.session.add_all(
            ApiToken(user_id=u.id, name="bench", token_hash=hash_token(raw), prefix=raw[:10])
            for u, raw in zip(users, raws, strict=True)
        )
        offerings = []
        for n in range(max(args.offerings, 1)):
            start = now + timedelta(days=7 + n % 90, hours=n % 8)
            offering = Offering(
                kind=("seminar", "course", "network_meeting")[n % 3] if n else "seminar",
                status="published",
                title="Registration rush" if n == 0 else f"Bench offering {n}",
                summary="A seminar about responsible public procurement.",
                themes=[("human_rights", "climate_environment", "anti_corruption")[n % 3]],
                venue="Anskaffelseshuset",
                address="Oslo",
                capacity=args.seats if n == 0 else max(args.warmup // 2, 1) if n == 1 else 30,
            )
            offering.sessions.append(
                OfferingSession(starts_at=start, ends_at=start + timedelta(hours=3))
            )
            offerings.append(offering)
        db.session.add_all(offerings)
        db.session.commit()
        rush_id, warmup_id = offerings[0].id, offerings[1].id
        db.engine.dispose()
    return rush_id, raws[: args.people], warmup_id, raws[args.people :]


def outbox_mark(env: dict[str, str]) -> int:
    """The outbox's last id: the rush's mails are the ones after it."""
    import sqlalchemy as sa

    engine = sa.create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        mark = connection.execute(sa.text("SELECT coalesce(max(id), 0) FROM lms_outbox")).scalar()
    engine.dispose()
    return mark


def check_database(env: dict[str, str], offering_id: int, outbox_after: int) -> dict:
    import sqlalchemy as sa

    engine = sa.create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT status, count(*), count(DISTINCT waitlist_rank) FROM lms_registrations"
                " WHERE offering_id = :id GROUP BY status"
            ),
            {"id": offering_id},
        ).all()
        outbox = connection.execute(
            sa.text("SELECT count(*) FROM lms_outbox WHERE id > :mark"), {"mark": outbox_after}
        ).scalar()
    engine.dispose()
    counts = {status: n for status, n, _ranks in rows}
    ranks = {status: r for status, _n, r in rows}
    return {
        "statuses": counts,
        "distinct_waitlist_ranks": ranks.get("waitlisted", 0),
        "outbox": outbox,
    }


_RENDER_OUTBOX = """
import json, os, time
from sqlalchemy import select
from lms import create_app
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.rendering import materialize

app = create_app()
with app.app_context():
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.id > int(os.environ["BENCH_OUTBOX_AFTER"]))
        .order_by(OutboxMessage.id)
    ).all()
    began = time.process_time()
    rendered = sum(materialize(message_id) for message_id in ids)
    cpu = time.process_time() - began
print(json.dumps({"rendered": rendered, "worker_cpu_ms_per_mail": cpu * 1000 / max(rendered, 1)}))
"""


def render_outbox(env: dict[str, str], outbox_after: int) -> dict:
    """What the worker spends on the rush's mail (rendering, the ``.ics``), sent nowhere."""
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", _RENDER_OUTBOX],
        cwd=ROOT,
        env={**env, "BENCH_OUTBOX_AFTER": str(outbox_after)},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"rendering the outbox failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the run ---------------------------------------------------------------------------


def run(args, workdir: Path, database_url: str) -> dict:
    env_lms = lms_env(workdir, secrets.token_hex(32))
    env_lms["DATABASE_URL"] = database_url
    env_base = baseline_env(workdir)
    migrate(env_lms)
    prepare_baseline_database(env_base)
    began = time.monotonic()
    rush_id, tokens, warmup_id, warmup_tokens = seed(env_lms, args)
    analyze(env_lms)
    print(f"  seeded {len(tokens)} people, {args.offerings} offerings in "
          f"{time.monotonic() - began:.1f}s", file=sys.stderr)  # fmt: skip

    servers = {
        "baseline": Server(
            "baseline", "bench.baseline_app:app", env_base, args.workers, workdir / "b.log"
        ),
        "lms": Server("lms", "wsgi:app", env_lms, args.workers, workdir / "lms.log"),
    }
    if database_url.startswith("postgresql"):
        # The same bare page on the same PostgreSQL: a yardstick that pays the database
        # server's share too, which the SQLite baseline never does.
        env_base_pg = {**env_base, "BENCH_BASELINE_URL": database_url}
        prepare_baseline_database(env_base_pg)
        servers[SAME_DB] = Server(
            SAME_DB, "bench.baseline_app:app", env_base_pg, args.workers, workdir / "bpg.log"
        )
    baselines = [name for name in servers if name != "lms"]
    with serving(servers):
        lms_url = servers["lms"].base_url
        # Warm up: every worker compiles templates and fills its pool.
        for name in baselines:
            load([get(servers[name].base_url + "/") for _ in range(200)], args.concurrency)
        load([get(lms_url + "/healthz") for _ in range(200)], args.concurrency)
        # The baselines are warmed on the page they are measured on; the LMS likewise, on
        # registrations for another offering by other people: a worker's first registration
        # compiles its statements, which a server that has been up for a while has done.
        if warmup_tokens:
            warm = [registration(lms_url, warmup_id, raw) for raw in warmup_tokens]
            codes = load(warm, args.concurrency)["codes"]
            if codes != {201: len(warm)}:
                raise RuntimeError(f"the warm-up registrations answered {codes}")
        outbox_after = outbox_mark(env_lms)

        def baseline_run(name: str) -> dict:
            requests = [get(servers[name].base_url + "/") for _ in range(args.baseline_requests)]
            result = measured(servers[name], requests, args.concurrency)
            result.pop("bodies")
            result.pop("timeline")
            return result

        before = {name: baseline_run(name) for name in baselines}
        rush_requests = [registration(lms_url, rush_id, raw) for raw in tokens]
        rush = measured(servers["lms"], rush_requests, args.concurrency)
        after = {name: baseline_run(name) for name in reversed(baselines)}
        analyze(env_lms)  # the rush added its rows
        answered: dict[str, int] = {}
        for body in rush.pop("bodies"):
            answered[body.get("status", "?")] = answered.get(body.get("status", "?"), 0) + 1
        report = {
            "baselines": {
                name: {"before": before[name], "after": after[name]} for name in baselines
            },
            "rush": rush,
            "rush_ratios": {name: ratios(rush, before[name], after[name]) for name in baselines},
            "answered": answered,
            "database": check_database(env_lms, rush_id, outbox_after),
            "worker": render_outbox(env_lms, outbox_after),
        }
        report["rush_ratio"] = report["rush_ratios"]["baseline"]["ratio"]
        if not args.no_catalogue:
            report["catalogue"] = catalogue(args, servers, baselines, tokens[0])
        return report


def registration(lms_url: str, offering_id: int, raw_token: str) -> urllib.request.Request:
    return urllib.request.Request(
        f"{lms_url}/api/v1/events/{offering_id}/registrations",
        data=b"",
        method="POST",
        headers={"Authorization": f"Bearer {raw_token}", "User-Agent": USER_AGENT},
    )


def catalogue(args, servers: dict[str, Server], baselines: list[str], token: str) -> dict:
    """wrk on the catalogue pages, each between runs of every baseline (as bench/run.py)."""
    require_wrk()
    headers = {"User-Agent": USER_AGENT}
    targets = [
        ("catalogue-html", "/events", headers),
        ("catalogue-api", "/api/v1/events", {**headers, "Authorization": f"Bearer {token}"}),
        ("catalogue-api-public", "/api/v1/events", headers),  # anonymous, first 50
    ]
    lms_url = servers["lms"].base_url
    for _name, path, hdrs in targets:  # check once: no error page, no redirect
        with urllib.request.urlopen(urllib.request.Request(lms_url + path, headers=hdrs)) as r:
            body = r.read().decode()
            if r.url != lms_url + path or r.status != 200:
                raise RuntimeError(f"{path} answered {r.status} at {r.url}")
            if "Bench offering" not in body:
                raise RuntimeError(f"{path} does not list the bench offerings")

    def wrk(server: Server, url: str, hdrs: dict, duration: str = args.duration) -> dict:
        cpu_before, db_before = server.cpu_seconds(), database_cpu_seconds()
        result = run_wrk(
            url, threads=2, connections=args.connections, duration=duration, headers=hdrs
        ).as_dict()
        cpu_after, db_after = server.cpu_seconds(), database_cpu_seconds()
        if cpu_before is not None and cpu_after is not None and result["requests"]:
            n = result["requests"]
            result["server_cpu_ms_per_request"] = (cpu_after - cpu_before) * 1000 / n
            result["database_cpu_ms_per_request"] = (db_after - db_before) * 1000 / n
        return result

    def baseline_runs(names) -> dict:
        return {name: wrk(servers[name], servers[name].base_url + "/", headers) for name in names}

    for _name, path, hdrs in targets:  # warm-up
        wrk(servers["lms"], lms_url + path, hdrs, "1s")
    for name in baselines:
        wrk(servers[name], servers[name].base_url + "/", headers, "1s")
    out = {}
    before = baseline_runs(baselines)
    for name, path, hdrs in targets:
        result = wrk(servers["lms"], lms_url + path, hdrs)
        after = baseline_runs(reversed(baselines))
        against = {base: ratios(result, before[base], after[base]) for base in baselines}
        out[name] = {"path": path, "result": result, "ratios": against, **against["baseline"]}
        before = after
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="lms-rush-") as tmp:
        workdir = Path(tmp)
        with throwaway_database(args.db, workdir, args.pg_url, args.pg_database) as url:
            report = run(args, workdir, url)
    print(f"\nload average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}")
    ok = print_report(args, report)
    if args.json:
        path = save_report(report, args, f"rush-{args.db}")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    run_main(main)
