"""What ``bench/rush.py`` prints: the runs, the correctness check, and the targets.

Every ratio is given against each baseline of the run: the bare one-query page on
SQLite (``baseline``, the yardstick of every run) and, for ``--db postgresql``, the same
page on the same PostgreSQL (``baseline on the same database``), which pays the database
server's share of each request as the LMS does.
"""

from __future__ import annotations

from bench.load import percentile

SAME_DB = "baseline-same-db"
LABELS = {"baseline": "baseline (SQLite)", SAME_DB: "baseline (same database)"}
RUSH_RATIO, RUSH_P99_MS, CATALOGUE_RATIO = 0.25, 300, 0.40


def _ms(value) -> str:
    return f"{value:.2f}" if value is not None else "n/a"


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _runs_table(report: dict) -> None:
    print(f"{'run':<26} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
          f"{'cpu ms':>7} {'db cpu':>7} {'client':>7}  codes")  # fmt: skip
    baselines = report["baselines"]
    rows = [(LABELS[name], runs["before"]) for name, runs in baselines.items()]
    rows.append(("rush (POST)", report["rush"]))
    rows += [(LABELS[name], baselines[name]["after"]) for name in reversed(list(baselines))]
    for label, r in rows:
        print(
            f"{label:<26} {r['requests']:>8} {r['requests_per_second']:>7.0f} "
            f"{r['latency_p50_ms']:>7.1f} {r['latency_p99_ms']:>7.1f} {r['latency_max_ms']:>7.1f} "
            f"{_ms(r.get('server_cpu_ms_per_request')):>7} "
            f"{_ms(r.get('database_cpu_ms_per_request')):>7} "
            f"{_ms(r.get('client_cpu_ms_per_request')):>7}  {r['codes']}"
        )
    print("(cpu ms: gunicorn; db cpu: PostgreSQL's processes; client: this load generator)")


def _waves(rush: dict, concurrency: int) -> None:
    """The requests sent together at the start wait for one another; the rest are the
    steady state. Shown apart, because the p99 of a short rush is mostly the first wave."""
    latencies = [latency for _start, latency in rush.get("timeline", [])]
    first, rest = latencies[:concurrency], latencies[concurrency:]
    if first and rest:
        print(
            f"latency of the first {len(first)} (sent at once): p50 {percentile(first, 0.5):.0f} "
            f"ms, max {max(first):.0f} ms; of the {len(rest)} after them: p50 "
            f"{percentile(rest, 0.5):.0f} ms, p99 {percentile(rest, 0.99):.0f} ms"
        )


def print_report(args, report: dict) -> bool:
    """Print the run; True when every request and the database came out right."""
    rush, db_check = report["rush"], report["database"]
    statuses = db_check["statuses"]
    waitlisted = args.people - args.seats
    failures = sum(n for code, n in rush["codes"].items() if code != 201)
    ok_counts = statuses == {"confirmed": args.seats, "waitlisted": waitlisted}
    ranks_ok = db_check["distinct_waitlist_ranks"] == waitlisted
    print(f"\n{args.db}: gunicorn -w {args.workers} (sync), {args.concurrency} in flight, "
          f"{args.people} people for {args.seats} seats\n")  # fmt: skip
    _runs_table(report)
    print(f"\nanswered {report['answered']}")
    print(
        f"database: {statuses}, {db_check['distinct_waitlist_ranks']} distinct waiting-list "
        f"ranks, {db_check['outbox']} mails in the outbox"
    )
    worker = report.get("worker")
    if worker:
        print(
            f"worker: rendered {worker['rendered']} mails afterwards, "
            f"{worker['worker_cpu_ms_per_mail']:.2f} ms CPU each (not in the rush's cpu ms)"
        )
    rendered_ok = worker is None or worker["rendered"] == db_check["outbox"]
    verdict = failures == 0 and ok_counts and ranks_ok and rendered_ok
    print(f"correctness: {'OK' if verdict else 'FAILED'} ({failures} failed requests)")
    _waves(rush, args.concurrency)
    p99 = rush["latency_p99_ms"]
    print(f"target p99 {p99:.0f} ms (<= {RUSH_P99_MS}: {_met(p99 <= RUSH_P99_MS)})")
    for name, against in report["rush_ratios"].items():
        print(
            f"target rush ratio against the {LABELS[name]}: {against['ratio']:.2f} "
            f"(cpu ratio {_ms(against['cpu_ratio'])}; >= {RUSH_RATIO}: "
            f"{_met(against['ratio'] >= RUSH_RATIO)})"
        )
    for name, row in report.get("catalogue", {}).items():
        r = row["result"]
        print(
            f"{name:<15} {row['path']:<15} {r['requests_per_second']:>6.0f} req/s, "
            f"p50 {r['latency_p50_ms']:.1f} ms, p99 {r['latency_p99_ms']:.1f} ms, "
            f"cpu {r.get('server_cpu_ms_per_request', 0):.2f} ms + db "
            f"{r.get('database_cpu_ms_per_request', 0):.2f} ms, "
            f"{r['non_2xx_3xx'] + r['socket_errors']} failures"
        )
        for base, against in row["ratios"].items():
            print(
                f"    against the {LABELS[base]} around {against['baseline_around']:.0f} req/s: "
                f"ratio {against['ratio']:.2f} (cpu ratio {_ms(against['cpu_ratio'])}; "
                f">= {CATALOGUE_RATIO}: {_met(against['ratio'] >= CATALOGUE_RATIO)})"
            )
    return verdict
