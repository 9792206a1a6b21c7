"""The registration race, fought for real: a multi-worker gunicorn on the suite's
database (SQLite, or PostgreSQL when ``LMS_TEST_DATABASE_URL`` is set), 40 people
posting at the same instant for 10 seats; and 20 at once for a conference's 8 places,
each place getting its own attendee code.

With the lock (the default) exactly 10 get a seat and 30 a place in line. The
control test switches the lock off and widens the window between counting seats
and writing (``LMS_DEBUG_RACE_DELAY``): then the same rush oversells, which shows
this test would catch a missing or broken lock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import conference_door_support as door
import pytest
from conftest import database_url, free_port
from factories import make
from sqlalchemy import func, select

from lms.accounts import services
from lms.conference.release_models import Attendee
from lms.extensions import db
from lms.registrations.models import Registration
from lms.timeutil import utcnow

# A live gunicorn with four workers per test.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
PEOPLE, SEATS = 40, 10


class LiveServer:
    """``gunicorn wsgi:app`` in its own process group, configured through the environment."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        instance = tmp_path / "instance"
        instance.mkdir()
        self.log = tmp_path / "gunicorn.log"
        self.env = {
            **os.environ,
            "LMS_ENV": "development",
            "SECRET_KEY": "concurrency-test-secret-key-long-enough-0123456789",
            "DATABASE_URL": database_url(),
            "LMS_INSTANCE_PATH": str(instance),
            "LMS_BASE_URL": self.url,
            "REDIS_URL": "",
            "LMS_REDIS_URL": "",
            "LMS_CONCURRENCY_TESTING": "true",
            "LMS_SMTP_HOST": "",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # 4 workers x 12 threads: every one of the 40 requests can be in flight at once.
        # A gthread worker accepts connections faster than its threads take them, so one
        # worker may hold most of the rush; with 3 threads a worker, the first wave was
        # sometimes 7 and the next 3, which lands exactly on 10 and hides the race. With
        # more threads than seats in each worker, the control's first wave alone oversells.
        # --preload loads the app before forking, so all four workers answer from the
        # first request on.
        command = [
            str(GUNICORN),
            "--workers", "4",
            "--threads", "12",
            "--preload",
            "--bind", f"127.0.0.1:{self.port}",
            "--graceful-timeout", "2",
            "wsgi:app",
        ]  # fmt: skip
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited at start:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"gunicorn did not answer /healthz in 20 s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


@pytest.fixture
def live_server(tmp_path):
    servers: list[LiveServer] = []

    def start(**env: str) -> LiveServer:
        server = LiveServer(tmp_path, **env)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()
    db.engine.dispose()


def rush(factory):
    """An open offering with 10 seats, and 40 verified people with API tokens."""
    offering = make.offering(capacity=SEATS, title="Rushed seminar")
    tokens = []
    for n in range(PEOPLE):
        user = factory.user(f"racer{n}@example.no")
        token, raw = services.create_api_token(user, "race")
        # Marked as just used, so the first call does not write last_used_at: that write
        # would queue the requests behind SQLite's one writer and hide the race.
        token.last_used_at = utcnow()
        tokens.append(raw)
    db.session.commit()
    return offering, tokens


def fire(url: str, tokens: list[str]) -> list[tuple[int, dict]]:
    """POST one registration per token, all threads released by one barrier."""
    barrier = threading.Barrier(len(tokens))
    results: list[tuple[int, dict] | None] = [None] * len(tokens)

    def post(index: int, raw: str) -> None:
        request = urllib.request.Request(
            url, data=b"", method="POST", headers={"Authorization": f"Bearer {raw}"}
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                results[index] = (response.status, json.loads(response.read() or b"{}"))
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                results[index] = (error.code, json.loads(body))
            except ValueError:
                results[index] = (error.code, {"raw": body[:300].decode(errors="replace")})
        except OSError as error:
            results[index] = (0, {"raw": repr(error)})

    threads = [threading.Thread(target=post, args=(i, raw)) for i, raw in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results  # type: ignore[return-value]


def statuses_in_database(offering) -> Counter:
    db.session.expire_all()
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.offering_id == offering.id)
        .group_by(Registration.status)
    )
    return Counter(dict(rows.all()))


def test_forty_people_ten_seats_exactly_ten_confirmed(app, factory, live_server):
    offering, tokens = rush(factory)
    server = live_server()
    started = time.monotonic()
    results = fire(f"{server.url}/api/v1/events/{offering.id}/registrations", tokens)
    elapsed = time.monotonic() - started

    codes = Counter(code for code, _body in results)
    assert codes == {201: PEOPLE}, (codes, server.log.read_text()[-3000:])
    answered = Counter(body["status"] for _code, body in results)
    assert answered == {"confirmed": SEATS, "waitlisted": PEOPLE - SEATS}
    positions = sorted(b["waitlist_position"] for _c, b in results if b["status"] == "waitlisted")
    assert positions == list(range(1, PEOPLE - SEATS + 1)), "each place in line given once"

    assert statuses_in_database(offering) == {"confirmed": SEATS, "waitlisted": PEOPLE - SEATS}
    ranks = db.session.scalars(
        select(Registration.waitlist_rank).where(
            Registration.offering_id == offering.id, Registration.status == "waitlisted"
        )
    ).all()
    assert len(set(ranks)) == PEOPLE - SEATS, "no two people share a rank"
    assert elapsed < 20


def test_control_without_the_lock_the_race_oversells(app, factory, live_server):
    """Proves the test above can fail: no lock, a 0.5 s window, and seats are sold twice."""
    offering, tokens = rush(factory)
    server = live_server(LMS_REGISTRATION_LOCKING="false", LMS_DEBUG_RACE_DELAY="0.5")
    results = fire(f"{server.url}/api/v1/events/{offering.id}/registrations", tokens)

    confirmed = statuses_in_database(offering)["confirmed"]
    assert confirmed > SEATS, (
        f"expected overbooking without the lock; got {confirmed} confirmed, "
        f"{Counter(code for code, _ in results)} {results[:3]}"
    )
    assert sum(1 for _c, body in results if body.get("status") == "confirmed") > SEATS


CONFERENCE_PEOPLE, CONFERENCE_PLACES = 20, 8


def test_conference_rush_gives_each_place_one_distinct_code(app, factory, live_server):
    """The conference's registration is the engine's: 20 people at once for 8 places,
    no overbooking, and each place's attendee code (issued under the same lock) distinct."""
    conference = door.conference(factory.user(roles=("organiser",)), capacity=CONFERENCE_PLACES)
    offering = conference.offering
    _seminar, tokens = rush(factory)
    server = live_server()
    results = fire(
        f"{server.url}/api/v1/events/{offering.id}/registrations", tokens[:CONFERENCE_PEOPLE]
    )

    codes = Counter(code for code, _body in results)
    assert codes == {201: CONFERENCE_PEOPLE}, (codes, server.log.read_text()[-3000:])
    assert statuses_in_database(offering) == {
        "confirmed": CONFERENCE_PLACES,
        "waitlisted": CONFERENCE_PEOPLE - CONFERENCE_PLACES,
    }
    issued = db.session.scalars(
        select(Attendee.code)
        .join(Registration, Registration.id == Attendee.registration_id)
        .where(Registration.offering_id == offering.id)
    ).all()
    assert len(issued) == CONFERENCE_PLACES, "a code for each place, none for the line"
    assert len(set(issued)) == CONFERENCE_PLACES, "no two attendees share a code"
