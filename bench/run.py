"""Benchmark our pages against a bare Flask + Flask-SQLAlchemy page, in the same run.

    .venv/bin/python bench/run.py [-w 2] [-t 2] [-c 10] [-d 5s] [--rounds 1] [--json]

It builds a throwaway SQLite database (migrations + demo users), serves the LMS
(``wsgi:app``) and the baseline (``bench/baseline_app.py``) with identical gunicorn
settings, loads each target with wrk, and prints throughput as a ratio to the
baseline measured in the same round: on a noisy 2-core machine only the ratio
means anything. Servers are stopped (whole process groups) on every exit path.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` and ``lms`` importable
    sys.path.insert(0, str(ROOT))

from bench.servers import (  # noqa: E402
    Server,
    baseline_env,
    lms_env,
    prepare_baseline_database,
    prepare_lms_database,
)
from bench.targets import TARGETS, USER_AGENT, Context, Target  # noqa: E402
from bench.wrk import WrkResult, require_wrk, run_wrk  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-w", "--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("-t", "--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("-c", "--connections", type=int, default=10, help="wrk connections")
    parser.add_argument("-d", "--duration", default="5s", help="wrk duration per target")
    parser.add_argument(
        "--warmup", default="1s", help="unmeasured wrk run per target first ('0' to skip)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="repeat every target this often; the table shows medians",
    )
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run only these targets (repeatable)"
    )
    parser.add_argument("--json", action="store_true", help=f"write {RESULTS_DIR}/latest.json")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    return parser.parse_args(argv)


def select_targets(names: list[str] | None) -> list[Target]:
    """The baseline always runs: every ratio needs it."""
    if not names:
        return list(TARGETS)
    known = {t.name for t in TARGETS}
    unknown = set(names) - known
    if unknown:
        raise SystemExit(f"unknown target(s) {sorted(unknown)}; known: {sorted(known)}")
    return [t for t in TARGETS if t.name == "baseline" or t.name in names]


def probe(url: str, headers: dict[str, str], expect: str | None) -> None:
    """Fetch once and check status and content, so we never benchmark an error page."""
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode(errors="replace")
        final = response.url
    if final != url:
        raise RuntimeError(f"{url} redirected to {final}")
    if expect is not None and expect not in body:
        raise RuntimeError(f"{url} does not contain {expect!r}")


def machine_notes() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": commit,
        "load_average_before": os.getloadavg(),
    }


def run_rounds(args, targets: list[Target], servers: dict[str, Server]) -> dict[str, list]:
    """Load every target ``args.rounds`` times, interleaved, so drift hits all alike."""
    runs: dict[str, list[WrkResult]] = {t.name: [] for t in targets}
    for round_no in range(1, args.rounds + 1):
        for target in targets:
            url = servers[target.server].base_url + target.path
            if args.warmup not in ("0", "0s", ""):
                run_wrk(
                    url,
                    threads=args.threads,
                    connections=args.connections,
                    duration=args.warmup,
                    headers=target.headers,
                )
            result = run_wrk(
                url,
                threads=args.threads,
                connections=args.connections,
                duration=args.duration,
                headers=target.headers,
            )
            runs[target.name].append(result)
            print(
                f"  round {round_no}/{args.rounds}  {target.name:<18} "
                f"{result.requests_per_second:8.0f} req/s",
                file=sys.stderr,
            )
    return runs


def summarise(targets: list[Target], runs: dict[str, list[WrkResult]]) -> list[dict]:
    """Per target: median req/s and latencies, and the median of per-round ratios."""
    baseline = runs["baseline"]
    rows = []
    for target in targets:
        results = runs[target.name]
        ratios = [
            r.requests_per_second / b.requests_per_second
            for r, b in zip(results, baseline, strict=True)
        ]
        rows.append(
            {
                "name": target.name,
                "server": target.server,
                "path": target.path,
                "description": target.description,
                "requests_per_second": statistics.median(r.requests_per_second for r in results),
                "ratio_to_baseline": statistics.median(ratios),
                "latency_p50_ms": statistics.median(r.latency_p50_ms for r in results),
                "latency_p99_ms": statistics.median(r.latency_p99_ms for r in results),
                "failures": sum(r.failures for r in results),
                "rounds": [r.as_dict() for r in results],
            }
        )
    return rows


def print_table(rows: list[dict], args) -> None:
    print(
        f"\ngunicorn -w {args.workers} (sync)  |  wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}  |  {args.rounds} round(s), medians\n"
    )
    header = f"{'target':<18} {'path':<8} {'req/s':>8} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8}"
    print(header + f" {'fails':>6}")
    print("-" * (len(header) + 7))
    for row in rows:
        print(
            f"{row['name']:<18} {row['path']:<8} {row['requests_per_second']:>8.0f} "
            f"{row['ratio_to_baseline']:>7.2f} {row['latency_p50_ms']:>8.2f} "
            f"{row['latency_p99_ms']:>8.2f} {row['failures']:>6}"
        )
    print("\nratio = req/s of the target / req/s of the baseline in the same round")


def write_json(rows: list[dict], args, notes: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / "latest.json"
    payload = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {
            "gunicorn_workers": args.workers,
            "wrk_threads": args.threads,
            "wrk_connections": args.connections,
            "wrk_duration": args.duration,
            "warmup": args.warmup,
            "rounds": args.rounds,
        },
        "machine": notes,
        "targets": rows,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


def _stop_on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for t in TARGETS:
            print(f"{t.name:<18} {t.server:<9} {t.path:<8} {t.description}")
        return 0
    require_wrk()
    targets = select_targets(args.only)
    notes = machine_notes()
    signal.signal(signal.SIGTERM, _stop_on_signal)

    from lms.demo import DEMO_PASSWORD

    servers: dict[str, Server] = {}
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        workdir = Path(tmp)
        try:
            print(f"preparing databases in {workdir}", file=sys.stderr)
            env_lms = lms_env(workdir, secrets.token_hex(32))
            env_base = baseline_env(workdir)
            prepare_lms_database(env_lms)
            prepare_baseline_database(env_base)
            servers = {
                "baseline": Server(
                    "baseline",
                    "bench.baseline_app:app",
                    env_base,
                    args.workers,
                    workdir / "baseline.log",
                ),
                "lms": Server("lms", "wsgi:app", env_lms, args.workers, workdir / "lms.log"),
            }
            for server in servers.values():
                server.start()
            for server in servers.values():
                server.wait_healthy()
            ctx = Context({n: s.base_url for n, s in servers.items()}, DEMO_PASSWORD)
            for target in targets:
                target.headers = {"User-Agent": USER_AGENT}
                if target.setup is not None:
                    target.headers.update(target.setup(ctx))
                probe(ctx.url(target.server, target.path), target.headers, target.expect)
            started = time.monotonic()
            runs = run_rounds(args, targets, servers)
            print(f"  loaded for {time.monotonic() - started:.0f}s", file=sys.stderr)
            for server in servers.values():
                if server.process is None or server.process.poll() is not None:
                    raise RuntimeError(f"{server.name} died during the run:\n{server.log()}")
        finally:
            for server in servers.values():
                server.stop()
    rows = summarise(targets, runs)
    print_table(rows, args)
    if any(row["failures"] for row in rows):
        print("\nWARNING: some requests failed (non-2xx/3xx or socket errors); see --json")
    if args.json:
        print(f"\nwrote {write_json(rows, args, notes).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
