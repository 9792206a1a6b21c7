"""Prepare the databases and run gunicorn servers in their own process groups.

Every server starts in a new session (``start_new_session``), so stopping it
signals the whole group: the gunicorn arbiter and every worker, nothing left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A port nothing listens on right now (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lms_env(workdir: Path, secret_key: str) -> dict[str, str]:
    """The environment for every LMS process: a throwaway instance folder and SQLite file."""
    env = dict(os.environ)
    env.update(
        LMS_ENV="development",
        SECRET_KEY=secret_key,
        LMS_INSTANCE_PATH=str(workdir / "instance"),
        DATABASE_URL=f"sqlite:///{workdir / 'lms.sqlite3'}",
        LMS_HUEY_PATH=str(workdir / "huey.sqlite3"),
        LMS_SMTP_HOST="",  # never mail anyone from a benchmark
        REDIS_URL="",  # in-memory rate limits, like a one-machine install
        LMS_REDIS_URL="",
        # wrk sends everything from one address: keep the public API's limit in the path
        # (its cost is part of a request) but far above what a run sends in a second.
        LMS_API_PUBLIC_RATE_LIMIT="1000000 per second",
    )
    return env


def baseline_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["BENCH_BASELINE_DB"] = str(workdir / "baseline.sqlite3")
    return env


LMS_COMMAND = [sys.executable, "-m", "flask", "--app", "wsgi", "lms"]


def run_or_exit(args: list[str], env: dict[str, str]) -> None:
    """Run a setup command; on failure show its output and stop the benchmark."""
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")


def prepare_lms_database(env: dict[str, str]) -> None:
    """Migrate an empty SQLite database and load the demo users, as ``make run`` does."""
    migrate(env)
    run_or_exit([*LMS_COMMAND, "load-demo"], env)


def migrate(env: dict[str, str]) -> None:
    """Bring the database ``env`` names up to the newest migration."""
    run_or_exit([*LMS_COMMAND, "upgrade-db"], env)


def prepare_baseline_database(env: dict[str, str]) -> None:
    run_or_exit([sys.executable, "-m", "bench.baseline_app", "init"], env)


@dataclass
class Server:
    """One gunicorn serving ``app`` (a ``module:variable``) on a free local port."""

    name: str
    app: str
    env: dict[str, str]
    workers: int
    log_path: Path
    health_path: str = "/healthz"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    _log: BinaryIO | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            "sync",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
            self.app,
        ]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float = 30.0) -> None:
        """Poll the health URL until it answers 200; fail with the server's log if it dies."""
        deadline = time.monotonic() + timeout
        url = self.base_url + self.health_path
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} server exited:\n{self.log()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} server not healthy after {timeout:.0f}s:\n{self.log()}")

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) used so far by the arbiter and its live workers.

        Read from ``/proc`` for every process in the server's group. Throughput on a
        shared machine depends on what else runs; CPU per request mostly does not.
        ``None`` where there is no ``/proc``.
        """
        if self.process is None:
            return None
        pgrp = self.process.pid
        return processes_cpu_seconds(lambda _comm, fields: int(fields[2]) == pgrp)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the process group (graceful), then SIGKILL whatever is still there."""
        process, self.process = self.process, None
        if process is None:
            return
        pgid = process.pid  # start_new_session made the arbiter its group's leader
        _signal_group(pgid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
        deadline = time.monotonic() + 2.0  # workers may outlive the arbiter by a moment
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _group_alive(pgid):
            _signal_group(pgid, signal.SIGKILL)
            process.wait(timeout=5)
        if self._log is not None:
            self._log.close()


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def processes_cpu_seconds(wanted) -> float | None:
    """CPU time (user + system) of the live processes ``wanted(comm, fields)`` picks,
    from ``/proc`` (``fields``: what ``/proc/<pid>/stat`` says after the name).
    ``None`` where there is no ``/proc``."""
    if not Path("/proc").is_dir():
        return None
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        if wanted(comm, fields):
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds() -> float | None:
    """CPU time used so far by the local PostgreSQL server's live processes."""
    return processes_cpu_seconds(lambda comm, _fields: comm == "postgres")


@contextlib.contextmanager
def serving(servers: dict[str, Server]) -> Iterator[dict[str, Server]]:
    """Start every server and wait until each answers; after the block, refuse a run that
    a server did not survive. Every server is stopped on every exit path."""
    try:
        for server in servers.values():
            server.start()
        for server in servers.values():
            server.wait_healthy()
        yield servers
        for server in servers.values():
            if server.process is None or server.process.poll() is not None:
                raise RuntimeError(f"{server.name} died during the run:\n{server.log()}")
    finally:
        for server in servers.values():
            server.stop()
