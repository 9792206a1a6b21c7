"""The demo conference's files, door and feeds, and its registration rushes (issue 12).

    .venv/bin/python -m bench.conference --db sqlite [--json]
    .venv/bin/python -m bench.conference --db postgresql [--json]

1. Builds a throwaway database (migrated with ``flask lms upgrade-db``) and loads the demo
   conference through its own loader (``lms.demo.conference``: about 80 items, 60
   speakers, 600 attendees registered through the engine, with agendas).
2. In one process, through the Flask test client (the app's cost, not the network's),
   measures each figure alternating with its baseline, ``--rounds`` rounds, and reports
   the median of the rounds' ratios:
   - ``schedule.ics`` built cold (its kept copy dropped before each request) against
     serialising the same events directly with the icalendar library (target <= 2);
   - ``schedule.ics`` served from its kept copy, and answered ``304`` to If-None-Match,
     against ``/healthz`` served the same way (target: at least half its rate);
   - the door: every attendee checked in, one POST after another (the check-in page's
     form), and every attendee's personal feed fetched one after another, each against
     ``/healthz``;
   - issuing the attendee code inside the registration's lock: registering people for
     the conference with the code's receiver connected, against the same without it.
3. Runs the registration rushes on real gunicorn servers (``bench/conference_rush.py``):
   a seminar, the conference and a round table's seats, each ratio to the seminar rush.

Every server is stopped and every bench database dropped on every way out.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import conference_rush, icalendar_baseline  # noqa: E402
from bench.rush_common import (  # noqa: E402
    RESULTS_DIR,
    analyze,
    run_main,
    save_report,
    stop_on_sigterm,
    throwaway_database,
)
from bench.servers import lms_env, migrate  # noqa: E402

ORGANISER = "organiser@bench.lms"
DEMO_DOMAIN = "demo.lms"  # the demo's attendees' addresses
# Targets of issue 12 §8: cold file within twice icalendar's own time; a kept file and a
# 304 at least half as fast as the hello-world page.
COLD_TARGET, KEPT_TARGET = 2.0, 0.5


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--pg-database", default="lms_bench_conference")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cold", type=int, default=10, help="cold builds per round")
    parser.add_argument("--repeats", type=int, default=300, help="kept / 304 requests per round")
    parser.add_argument("--people", type=int, default=40, help="registrations per round and side")
    parser.add_argument("--no-rush", action="store_true", help="only the in-process figures")
    conference_rush.add_arguments(parser)
    parser.add_argument(
        "--json", action="store_true", help=f"write {RESULTS_DIR}/conference-<db>.json"
    )
    return parser.parse_args(argv)


def clock(work, times: int) -> float:
    """Seconds per call of ``work()`` over ``times`` calls."""
    began = time.perf_counter()
    for _ in range(times):
        work()
    return (time.perf_counter() - began) / times


def alternating(rounds: int, target, baseline) -> dict:
    """``target()`` and ``baseline()`` (each: seconds per operation) in turns, the order
    swapped every round so neither always runs warm; the median of the rounds' ratios."""
    pairs = []
    for n in range(rounds):
        if n % 2:
            base, mine = baseline(), target()
        else:
            mine, base = target(), baseline()
        pairs.append((mine, base))
    return {
        "ms": statistics.median(mine for mine, _ in pairs) * 1000,
        "baseline_ms": statistics.median(base for _, base in pairs) * 1000,
        "ratio": statistics.median(mine / base for mine, base in pairs),
    }


def expect(response, status: int = 200) -> None:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.path} answered {response.status_code}")


# --- the database ----------------------------------------------------------------------


def load_demo(app, password_hash: str):
    """The organiser and the demo conference; the conference."""
    from lms.accounts import services
    from lms.demo.conference import load_conference_demo
    from lms.extensions import db

    with app.app_context():
        organiser = services.create_user(
            ORGANISER, "bench-organiser-password", "Bench Organiser",
            roles=("organiser",), verified=True,
        )  # fmt: skip
        load_conference_demo(date.today(), organiser, password_hash)
        db.session.commit()


def open_the_door(conference) -> None:
    """Move the conference's registration days so that the first is today (check-in opens
    on the conference's first day; the demo's is the day it is loaded, which a run past
    midnight has left). Only the door reads these rows; the release keeps its own days."""
    from lms.core.dates import to_local
    from lms.timeutil import utcnow

    offering = conference.offering
    shift = to_local(offering.starts_at).date() - to_local(utcnow()).date()
    for session in offering.sessions:
        session.starts_at -= shift
        session.ends_at -= shift
    for day in conference.days:
        day.day -= shift


def close_the_door(offering_id: int) -> None:
    """Undo every check-in of the conference, so the next round checks everyone in again."""
    from sqlalchemy import delete, select, update

    from lms.conference.release_models import Attendee
    from lms.events.models import OfferingSession
    from lms.extensions import db
    from lms.registrations.models import Registration, SessionAttendance

    sessions = select(OfferingSession.id).where(OfferingSession.offering_id == offering_id)
    db.session.execute(delete(SessionAttendance).where(SessionAttendance.session_id.in_(sessions)))
    db.session.execute(
        update(Registration)
        .where(Registration.offering_id == offering_id, Registration.status == "attended")
        .values(status="confirmed")
    )
    db.session.execute(update(Attendee).values(checked_in_at=None, checked_in_by_id=None))
    db.session.commit()


# --- the figures -----------------------------------------------------------------------


def files(app, args, slug: str) -> dict:
    """Cold, kept and 304 ``schedule.ics`` against their baselines."""
    from lms.conference.published import conference_by_slug, release_of

    client = app.test_client()
    path = f"/conferences/{slug}/schedule.ics"
    with app.app_context():
        snapshot = release_of(conference_by_slug(slug)).snapshot

    def cold_once():
        app.extensions.get("lms_fragments", {}).pop("conference_files", None)
        expect(client.get(path))

    first = client.get(path)
    expect(first)
    etag = first.headers["ETag"]
    events = icalendar_baseline.calendar_bytes(snapshot)
    if events.count(b"BEGIN:VEVENT") != first.data.count(b"BEGIN:VEVENT"):
        raise RuntimeError("the icalendar baseline does not hold the same events")

    def healthz():
        expect(client.get("/healthz"))

    hello = lambda: clock(healthz, args.repeats)  # noqa: E731
    return {
        "events": first.data.count(b"BEGIN:VEVENT"),
        "bytes": len(first.data),
        "cold": alternating(
            args.rounds,
            lambda: clock(cold_once, args.cold),
            lambda: clock(lambda: icalendar_baseline.calendar_bytes(snapshot), args.cold),
        ),
        "kept": alternating(
            args.rounds, lambda: clock(lambda: expect(client.get(path)), args.repeats), hello
        ),
        "not_modified": alternating(
            args.rounds,
            lambda: clock(
                lambda: expect(client.get(path, headers={"If-None-Match": etag}), 304),
                args.repeats,
            ),
            hello,
        ),
    }


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def door(app, args, slug: str) -> dict:
    """Every attendee checked in (the check-in form, one POST after another) and every
    attendee's personal feed, each against ``/healthz``."""
    from sqlalchemy import func, select

    from lms.accounts.models import User
    from lms.calendar.feeds import feed_token
    from lms.conference.published import conference_by_slug
    from lms.conference.release_models import Attendee
    from lms.extensions import db
    from lms.registrations.models import Registration

    with app.app_context():
        conference = conference_by_slug(slug)
        offering_id = conference.offering_id
        attendees = db.session.scalars(
            select(Attendee)
            .join(Registration, Registration.id == Attendee.registration_id)
            .join(User, User.id == Registration.user_id)
            .where(User.email.like(f"%@{DEMO_DOMAIN}"))
            .order_by(Attendee.id)
        ).all()
        codes = [attendee.code for attendee in attendees]
        feeds = [f"/calendar/{feed_token(a.registration.user)}.ics" for a in attendees]
        open_the_door(conference)
        db.session.commit()
        close_the_door(offering_id)  # the demo checks some in already
    organiser = app.test_client()
    login = _csrf(organiser, "/login")
    answer = organiser.post(
        "/login",
        data={"csrf_token": login, "email": ORGANISER, "password": "bench-organiser-password"},
    )
    expect(answer, 302)
    page = f"/manage/conferences/{slug}/check-in"
    token = _csrf(organiser, page)
    public = app.test_client()

    def check_everyone() -> float:
        began = time.perf_counter()
        for code in codes:
            expect(organiser.post(page, data={"csrf_token": token, "code": code}))
        seconds = (time.perf_counter() - began) / len(codes)
        with app.app_context():
            came = db.session.scalar(
                select(func.count()).where(
                    Attendee.checked_in_at.is_not(None), Attendee.code.in_(codes)
                )
            )
            if came != len(codes):
                raise RuntimeError(f"{came} of {len(codes)} attendees checked in")
            close_the_door(offering_id)
        return seconds

    def feed(path: str) -> None:
        response = public.get(path)
        expect(response)
        if b"conference-item-" not in response.data:
            raise RuntimeError("a personal feed holds no agenda item")

    def every_feed() -> float:
        began = time.perf_counter()
        for path in feeds:
            feed(path)
        return (time.perf_counter() - began) / len(feeds)

    hello = lambda: clock(lambda: expect(public.get("/healthz")), len(codes))  # noqa: E731
    return {
        "attendees": len(codes),
        "check_in": alternating(args.rounds, check_everyone, hello),
        "feeds": alternating(
            args.rounds,
            lambda: sum(clock(lambda p=p: feed(p), 1) for p in feeds) / len(feeds),
            hello,
        ),
    }


def code_in_the_lock(app, args, password_hash: str, slug: str) -> dict:
    """Registering for the conference with the attendee code issued in the registration's
    transaction (under its lock), against the same with the code's receiver disconnected."""
    from sqlalchemy import func, select

    from lms.accounts.models import User
    from lms.conference import attendees
    from lms.conference.published import conference_by_slug
    from lms.conference.release_models import Attendee
    from lms.extensions import db
    from lms.registrations import services as registrations
    from lms.registrations import signals
    from lms.registrations.models import Registration
    from lms.timeutil import utcnow

    with app.app_context():
        conference = conference_by_slug(slug)
        offering_id = conference.offering_id
        conference.offering.capacity += 2 * args.rounds * args.people  # a place for everyone
        people = [
            User(email=f"lock{n}@bench.lms", password_hash=password_hash, name=f"Lock {n}",
                 email_verified_at=utcnow())
            for n in range(2 * args.rounds * args.people)
        ]  # fmt: skip
        db.session.add_all(people)
        db.session.commit()
        ids = iter([person.id for person in people])
        # As of two weeks before: the demo's conference opens (and closes its registration)
        # on the day it is loaded.
        before = utcnow() - timedelta(days=14)

    def register_batch() -> float:
        with app.test_request_context():
            batch = [db.session.get(User, next(ids)) for _ in range(args.people)]
            began = time.perf_counter()
            for person in batch:
                registered = registrations.register(person, offering_id, now=before)
                db.session.commit()
                if registered.status != "confirmed":
                    raise RuntimeError(f"registered as {registered.status}")
            return (time.perf_counter() - began) / len(batch)

    def without_code() -> float:
        signals.status_written.disconnect(attendees.give_code, sender="conference")
        try:
            return register_batch()
        finally:
            signals.status_written.connect(attendees.give_code, sender="conference")

    figure = alternating(args.rounds, register_batch, without_code)
    with app.app_context():
        coded = db.session.scalar(
            select(func.count(Attendee.id))
            .join(Registration, Registration.id == Attendee.registration_id)
            .join(User, User.id == Registration.user_id)
            .where(User.email.like("lock%@bench.lms"))
        )
    if coded != args.rounds * args.people:
        raise RuntimeError(f"{coded} codes issued, {args.rounds * args.people} expected")
    return figure


# --- the run ---------------------------------------------------------------------------


def in_process(args, workdir: Path, database_url: str) -> dict:
    env = lms_env(workdir, secrets.token_hex(32))
    env["DATABASE_URL"] = database_url
    migrate(env)
    os.environ.update(env)
    from lms import create_app
    from lms.accounts.passwords import hash_password
    from lms.demo import conference_programme as demo

    app = create_app()
    with app.app_context():
        password_hash = hash_password(secrets.token_urlsafe(12))
    began = time.monotonic()
    load_demo(app, password_hash)
    analyze(env)
    print(f"  loaded the demo conference in {time.monotonic() - began:.0f} s", file=sys.stderr)
    report = {"files": files(app, args, demo.SLUG)}
    print("  files measured", file=sys.stderr)
    # Registration closes when the conference starts, and the door opens it: code first.
    report["code_in_the_lock"] = code_in_the_lock(app, args, password_hash, demo.SLUG)
    report["door"] = door(app, args, demo.SLUG)
    print("  door measured", file=sys.stderr)
    with app.app_context():
        from lms.extensions import db

        db.engine.dispose()
    return report


def _line(name: str, figure: dict, against: str, note: str = "") -> None:
    print(f"{name:<30} {figure['ms']:>8.2f} ms  {against:<22} {figure['baseline_ms']:>8.2f} ms"
          f"  ratio {figure['ratio']:.2f}{note}")  # fmt: skip


def print_report(args, report: dict) -> bool:
    files_, door_ = report["files"], report["door"]
    print(f"\n{args.db}: the demo conference, {files_['events']} events "
          f"({files_['bytes']} bytes), medians of {args.rounds} rounds\n")  # fmt: skip
    cold = files_["cold"]
    met = "met" if cold["ratio"] <= COLD_TARGET else "NOT met"
    _line("schedule.ics cold", cold, "icalendar directly", f" (<= {COLD_TARGET}: {met})")
    for key, name in (("kept", "schedule.ics kept"), ("not_modified", "schedule.ics 304")):
        share = 1 / files_[key]["ratio"]
        met = "met" if share >= KEPT_TARGET else "NOT met"
        _line(name, files_[key], "/healthz", f"; {share:.0%} of its rate (>= 50 %: {met})")
    _line(f"check-in ({door_['attendees']} in a row)", door_["check_in"], "/healthz")
    _line(f"personal feed ({door_['attendees']})", door_["feeds"], "/healthz")
    _line("register, code in the lock", report["code_in_the_lock"], "without the code")
    ok = True
    if "rush" in report:
        ok = conference_rush.print_report(args, report["rush"])
    return ok


def main(argv=None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    load_before = os.getloadavg()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lms-conference-") as tmp:
        workdir = Path(tmp)
        (workdir / "files").mkdir()
        with throwaway_database(args.db, workdir / "files", args.pg_url, args.pg_database) as url:
            report = in_process(args, workdir / "files", url)
        if not args.no_rush:
            (workdir / "rush").mkdir()
            rush_db = f"{args.pg_database}_rush"
            with throwaway_database(args.db, workdir / "rush", args.pg_url, rush_db) as url:
                report["rush"] = conference_rush.run(args, workdir / "rush", url)
    report["load"] = {"before": load_before[0], "after": os.getloadavg()[0]}
    print(f"\nran {time.monotonic() - began:.0f} s; load average before {load_before[0]:.1f}, "
          f"after {os.getloadavg()[0]:.1f}")  # fmt: skip
    ok = print_report(args, report)
    if args.json:
        save_report(report, args, f"conference-{args.db}")
    return 0 if ok else 1


if __name__ == "__main__":
    run_main(main)
