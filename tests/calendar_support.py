"""Helpers for the calendar tests: reading .ics bytes back through ical.js (Mozilla's
parser, as in Thunderbird), and the wire-format rules no parser checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from icalendar import Calendar

ROOT = Path(__file__).resolve().parents[1]
PARSE = ROOT / "tests" / "calendar_tools" / "parse.mjs"
ICAL_JS = ROOT / "node_modules" / "ical.js" / "package.json"
IN_CI = os.environ.get("CI", "").lower() == "true"


def need_ical_js() -> None:
    """Fail in CI when node or ical.js is missing; skip (saying why) elsewhere."""
    reason = None
    if shutil.which("node") is None:
        reason = "node is not installed"
    elif not ICAL_JS.exists():
        reason = "ical.js is missing: run npm ci"
    if reason:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: calendar parser tests may not be skipped)")
        pytest.skip(reason)


def parse_ics(*files: bytes) -> list[dict]:
    """Each file as ical.js reads it: {version, prodid, method, timezones, events}."""
    need_ical_js()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for index, data in enumerate(files):
            path = Path(tmp) / f"{index}.ics"
            path.write_bytes(data)
            paths.append(str(path))
        result = subprocess.run(
            ["node", str(PARSE), *paths],
            capture_output=True,
            cwd=ROOT,
            timeout=60,
            check=False,
        )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def parse_one(data: bytes) -> dict:
    return parse_ics(data)[0]


def check_wire_format(data: bytes) -> None:
    """What no parser checks: CRLF endings, 75-octet folding, a VTIMEZONE per TZID."""
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), "bare CR"
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines), "a line longer than 75 octets"
    for line in lines:
        line.decode("utf-8")  # folding never splits a multi-octet character
    unfolded = data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode("utf-8")
    tzids = {
        part.split(":", 1)[0].split(";", 1)[0]
        for line in unfolded.split("\r\n")
        for part in line.split(";TZID=")[1:]
    }
    zones = {line[len("TZID:") :] for line in unfolded.split("\r\n") if line.startswith("TZID:")}
    assert tzids <= zones, f"TZID without VTIMEZONE: {tzids - zones}"
    assert "TZID:GMT" not in unfolded
    parsed = Calendar.from_ical(data)  # icalendar stores bad values and lists them
    problems = [(c.name, c.errors) for c in parsed.walk() if c.errors]
    assert problems == [], problems
