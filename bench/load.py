"""The load generator of ``bench/rush.py``: ``concurrency`` threads with urllib.

Every request of a rush is a different person (their own bearer token), which a wrk
script could not rotate easily; the baseline is loaded by the same generator, so its
own cost is the same on both sides of a ratio. ``measured`` adds the CPU each request
cost the server, the database server and this process.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

from bench.servers import Server, database_cpu_seconds
from bench.targets import USER_AGENT


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def load(requests: list[urllib.request.Request], concurrency: int) -> dict:
    """Send every request, ``concurrency`` at a time; latency, throughput and status codes,
    and a timeline: (ms since the start, latency in ms) for each request, in sending order."""
    lock = threading.Lock()
    queue = list(reversed(requests))
    latencies: list[float] = []
    codes: dict[int, int] = {}
    bodies: list[dict] = []
    timeline: list[tuple[float, float]] = []  # (sent, latency in ms), to see the waves
    start_line = threading.Barrier(concurrency + 1)

    def worker() -> None:
        start_line.wait()
        while True:
            with lock:
                if not queue:
                    return
                request = queue.pop()
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    code, body = response.status, response.read()
            except urllib.error.HTTPError as error:
                code, body = error.code, error.read()
            except OSError:
                code, body = 0, b""
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed * 1000)
                timeline.append((began, elapsed * 1000))
                codes[code] = codes.get(code, 0) + 1
                if request.get_method() == "POST":
                    try:
                        bodies.append(json.loads(body))
                    except ValueError:
                        bodies.append({})

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "requests_per_second": len(latencies) / seconds,
        "latency_p50_ms": percentile(latencies, 0.5),
        "latency_p99_ms": percentile(latencies, 0.99),
        "latency_max_ms": max(latencies),
        "codes": codes,
        "bodies": bodies,
        "timeline": sorted((round((b - began) * 1000, 1), round(e, 1)) for b, e in timeline),
    }


def measured(server: Server, requests, concurrency: int) -> dict:
    """``load``, with the CPU each request cost the server, the database server (PostgreSQL's
    processes; the baseline and SQLite use none) and this load generator."""
    cpu_before, db_before, client_before = (
        server.cpu_seconds(),
        database_cpu_seconds(),
        time.process_time(),
    )
    result = load(requests, concurrency)
    cpu_after, db_after, client_after = (
        server.cpu_seconds(),
        database_cpu_seconds(),
        time.process_time(),
    )
    n = result["requests"]
    result["client_cpu_ms_per_request"] = (client_after - client_before) * 1000 / n
    if cpu_before is not None and cpu_after is not None:
        result["server_cpu_ms_per_request"] = (cpu_after - cpu_before) * 1000 / n
        result["database_cpu_ms_per_request"] = (db_after - db_before) * 1000 / n
    return result


def get(url: str) -> urllib.request.Request:
    return urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
