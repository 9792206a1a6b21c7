"""Benchmark our pages against a bare Flask + Flask-SQLAlchemy page, in the same run.

    .venv/bin/python bench/run.py [-w 2] [-t 2] [-c 10] [-d 5s] [--rounds 1] [--json]

It builds a throwaway SQLite database (migrations + demo users), serves the LMS
(``wsgi:app``) and the baseline (``bench/baseline_app.py``) with identical gunicorn
settings, loads each target with wrk between two baseline runs (B T1 B T2 B …) and
prints its throughput as a ratio to the baseline around it: on a noisy 2-core machine
only ratios mean anything. It also reads the servers' CPU time from ``/proc``, so
each page gets a CPU cost per request, which the neighbours disturb far less.
Servers are stopped (whole process groups) on every exit path.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
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

from bench.rush_common import stop_on_sigterm  # noqa: E402
from bench.servers import (  # noqa: E402
    Server,
    baseline_env,
    lms_env,
    prepare_baseline_database,
    prepare_lms_database,
    serving,
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
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.workers < 1:
        parser.error("--rounds and --workers must be at least 1")
    return args


def select_targets(names: list[str] | None) -> list[Target]:
    """The baseline always runs: every ratio needs it."""
    if not names:
        return list(TARGETS)
    known = {t.name for t in TARGETS}
    unknown = set(names) - known
    if unknown:
        raise SystemExit(f"unknown target(s) {sorted(unknown)}; known: {sorted(known)}")
    return [t for t in TARGETS if t.name == "baseline" or t.name in names]


def probe(url: str, headers: dict[str, str], expect: str | None) -> bool:
    """Fetch once and check status and content, so we never benchmark an error page.

    Returns whether the response sets a cookie: a page that re-signs the session on
    every request pays for it, and the table shows it.
    """
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode(errors="replace")
        final = response.url
        sets_cookie = response.headers.get("Set-Cookie") is not None
    if final != url:
        raise RuntimeError(f"{url} redirected to {final}")
    if expect is not None and expect not in body:
        raise RuntimeError(f"{url} does not contain {expect!r}")
    return sets_cookie


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


def run_rounds(args, targets: list[Target], servers: dict[str, Server]) -> list[dict]:
    """Load the baseline before and after every target (B T1 B T2 B …), ``args.rounds`` times.

    A target's ratio is its req/s over the mean of the two baseline runs around it,
    so drift on a shared machine (another job starting, thermal limits) hits both
    sides of the ratio alike. Every target is warmed up once, unmeasured, first.
    """
    by_name = {t.name: t for t in targets}
    baseline = by_name["baseline"]
    others = [t for t in targets if t is not baseline]

    def load(target: Target, duration: str) -> WrkResult:
        server = servers[target.server]
        cpu_before = server.cpu_seconds()
        result = run_wrk(
            server.base_url + target.path,
            threads=args.threads,
            connections=args.connections,
            duration=duration,
            headers=target.headers,
            script=target.wrk_script,
        )
        cpu_after = server.cpu_seconds()
        if cpu_before is not None and cpu_after is not None and result.requests:
            result.server_cpu_ms_per_request = (cpu_after - cpu_before) * 1000 / result.requests
        return result

    if args.warmup not in ("0", "0s", ""):
        for target in targets:
            load(target, args.warmup)
    runs: dict[str, list[WrkResult]] = {t.name: [] for t in targets}
    ratios: dict[str, list[float]] = {t.name: [] for t in targets}
    cpu_ratios: dict[str, list[float]] = {t.name: [] for t in targets}
    for round_no in range(1, args.rounds + 1):
        before = load(baseline, args.duration)
        runs["baseline"].append(before)
        for target in others:
            result = load(target, args.duration)
            after = load(baseline, args.duration)
            runs[target.name].append(result)
            runs["baseline"].append(after)
            around = (before.requests_per_second + after.requests_per_second) / 2
            ratios[target.name].append(result.requests_per_second / around)
            cpu = [r.server_cpu_ms_per_request for r in (before, result, after)]
            if None not in cpu and cpu[1] > 0:
                cpu_ratios[target.name].append((cpu[0] + cpu[2]) / 2 / cpu[1])
            print(
                f"  round {round_no}/{args.rounds}  {target.name:<18} "
                f"{result.requests_per_second:7.0f} req/s  (baseline around it {around:.0f})",
                file=sys.stderr,
            )
            before = after
    ratios["baseline"] = cpu_ratios["baseline"] = [1.0]
    return [summarise(by_name[name], runs[name], ratios[name], cpu_ratios[name]) for name in runs]


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarise(
    target: Target, results: list[WrkResult], ratios: list[float], cpu_ratios: list[float]
) -> dict:
    """Medians over the runs of one target, and the medians of its bracketed ratios."""
    rates = [r.requests_per_second for r in results]
    return {
        "name": target.name,
        "server": target.server,
        "path": target.path,
        "description": target.description,
        "requests_per_second": statistics.median(rates),
        "ratio_to_baseline": statistics.median(ratios),
        "ratios": ratios,
        "spread": (max(rates) - min(rates)) / statistics.median(rates) if len(rates) > 1 else None,
        "server_cpu_ms_per_request": _median([r.server_cpu_ms_per_request for r in results]),
        "cpu_ratio_to_baseline": _median(cpu_ratios),
        "cpu_ratios": cpu_ratios,
        "latency_p50_ms": statistics.median(r.latency_p50_ms for r in results),
        "latency_p99_ms": statistics.median(r.latency_p99_ms for r in results),
        "failures": sum(r.failures for r in results),
        "sets_cookie": target.sets_cookie,
        "runs": [r.as_dict() for r in results],
    }


def print_table(rows: list[dict], args, notes: dict) -> None:
    print(
        f"\ngunicorn -w {args.workers} (sync)  |  wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}  |  {args.rounds} round(s), medians  |  {notes['cpus']} CPUs, "
        f"load before {notes['load_average_before'][0]:.1f}\n"
    )
    header = (
        f"{'target':<18} {'path':<8} {'req/s':>7} {'ratio':>6} {'spread':>7} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'cpu ms':>7} {'cpu ratio':>9} {'cookie':>6} {'fails':>5}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        cpu, cpu_ratio = row["server_cpu_ms_per_request"], row["cpu_ratio_to_baseline"]
        print(
            f"{row['name']:<18} {row['path']:<8} {row['requests_per_second']:>7.0f} "
            f"{row['ratio_to_baseline']:>6.2f} {_fmt(row['spread'], '.0%'):>7} "
            f"{row['latency_p50_ms']:>7.1f} {row['latency_p99_ms']:>7.1f} "
            f"{_fmt(cpu, '.2f'):>7} {_fmt(cpu_ratio, '.2f'):>9} "
            f"{'set' if row['sets_cookie'] else '-':>6} {row['failures']:>5}"
        )
    print(
        "\nratio     = target req/s / mean req/s of the baseline runs just before and after it"
        "\nspread    = (max - min) / median req/s over this target's runs (baseline: run noise)"
        "\ncpu ms    = server CPU (gunicorn arbiter + workers, user + system) per request"
        "\ncpu ratio = baseline cpu ms / target cpu ms (≈ the req/s ratio on cores not shared)"
        "\ncookie    = the response sets a cookie (the session is signed anew)"
    )
    busy = notes["load_average_before"][0]
    if notes["cpus"] and busy > notes["cpus"] / 2:
        print(
            f"\nWARNING: load average was {busy:.1f} on {notes['cpus']} CPUs before the run: "
            "something else is busy, so even the ratios are unreliable."
        )


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for t in TARGETS:
            print(f"{t.name:<18} {t.server:<9} {t.path:<8} {t.description}")
        return 0
    require_wrk()
    targets = select_targets(args.only)
    notes = machine_notes()
    stop_on_sigterm()

    from lms.demo import DEMO_PASSWORD

    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        workdir = Path(tmp)
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
        with serving(servers):
            ctx = Context({n: s.base_url for n, s in servers.items()}, DEMO_PASSWORD)
            for target in targets:
                target.headers = {"User-Agent": USER_AGENT}
                if target.setup is not None:
                    target.headers.update(target.setup(ctx))
                target.sets_cookie = probe(
                    ctx.url(target.server, target.path), target.headers, target.expect
                )
            started = time.monotonic()
            rows = run_rounds(args, targets, servers)
            print(f"  loaded for {time.monotonic() - started:.0f}s", file=sys.stderr)
    notes["load_average_after"] = os.getloadavg()
    print_table(rows, args, notes)
    if any(row["failures"] for row in rows):
        print("\nWARNING: some requests failed (non-2xx/3xx or socket errors); see --json")
    if args.json:
        print(f"\nwrote {write_json(rows, args, notes).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted; servers stopped")
