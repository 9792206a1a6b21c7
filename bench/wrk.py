"""Run wrk and read its summary (``--latency`` gives the percentiles)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

INSTALL_HINT = "wrk is not installed. On Debian/Ubuntu: apt-get install wrk"

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = r"([\d.]+)(us|ms|s|m|h)"


@dataclass
class WrkResult:
    """One wrk run: throughput, latency percentiles in milliseconds, and failures."""

    requests: int
    seconds: float
    requests_per_second: float
    latency_avg_ms: float
    latency_p50_ms: float
    latency_p75_ms: float
    latency_p90_ms: float
    latency_p99_ms: float
    latency_max_ms: float
    non_2xx_3xx: int
    socket_errors: int
    server_cpu_ms_per_request: float | None = None

    @property
    def failures(self) -> int:
        return self.non_2xx_3xx + self.socket_errors

    def as_dict(self) -> dict:
        return asdict(self)


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(INSTALL_HINT)
    return path


def run_wrk(
    url: str,
    *,
    threads: int,
    connections: int,
    duration: str,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    timeout: str = "10s",
) -> WrkResult:
    """Load ``url`` and return the parsed summary. Raises if wrk fails or prints nothing usable.

    ``script`` is a wrk Lua script (``-s``), for requests other than a plain GET:
    e.g. ``wrk.method = "POST"; wrk.body = "..."`` for a form.
    """
    args = [
        require_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}",
        f"--timeout={timeout}",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script is not None:
        args += ["-s", str(script)]
    args.append(url)
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def _ms(value: str, unit: str) -> float:
    return round(float(value) * _UNITS_MS[unit], 3)


def parse_wrk(output: str) -> WrkResult:
    """Parse wrk 4's text summary, e.g.::

    Thread Stats   Avg      Stdev     Max   +/- Stdev
      Latency     5.12ms    1.23ms  20.00ms   80.00%
    ...
    Latency Distribution
       50%    4.90ms
       99%    9.00ms
    10000 requests in 5.00s, 10.00MB read
    Non-2xx or 3xx responses: 5
    Requests/sec:   2000.00
    """
    latency = re.search(rf"^\s*Latency\s+{_DURATION}\s+\S+\s+{_DURATION}", output, re.M)
    percentiles = {
        int(p): _ms(v, u) for p, v, u in re.findall(rf"^\s*(\d+)%\s+{_DURATION}", output, re.M)
    }
    total = re.search(rf"^\s*(\d+) requests in {_DURATION}", output, re.M)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not (latency and total and rate and {50, 75, 90, 99} <= percentiles.keys()):
        raise ValueError(f"could not read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests=int(total.group(1)),
        seconds=_ms(total.group(2), total.group(3)) / 1000,
        requests_per_second=float(rate.group(1)),
        latency_avg_ms=_ms(latency.group(1), latency.group(2)),
        latency_p50_ms=percentiles[50],
        latency_p75_ms=percentiles[75],
        latency_p90_ms=percentiles[90],
        latency_p99_ms=percentiles[99],
        latency_max_ms=_ms(latency.group(3), latency.group(4)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(map(int, sockets.groups())) if sockets else 0,
    )
