"""The conference's registration rushes, as ``bench/rush.py`` runs the seminar's: real
gunicorn servers, one POST per person with their own token, ``--concurrency`` in flight.

Seeds (as ``bench/rush.py`` does) ``--rush-people`` participants, two seminars of
``--rush-seats`` seats, and a conference whose registration has ``--rush-seats`` places
and whose round table has ``--table-seats`` seats. Every person then registers, in one
rush each, for the first seminar, the conference, the round table and the second
seminar, each rush between two runs of the baseline page. Each rush is reported as a
ratio to the mean of the two seminar rushes around it, and the database is checked
afterwards: exactly the capacity confirmed, the rest waitlisted with distinct ranks, and
(the conference) one distinct attendee code per place.
"""

from __future__ import annotations

import argparse
import os
import secrets
from datetime import UTC, datetime, time, timedelta

from bench import rush
from bench.load import get, load, measured
from bench.rush_common import analyze, ratios
from bench.servers import (
    Server,
    baseline_env,
    lms_env,
    migrate,
    prepare_baseline_database,
    serving,
)

RUSHES = ("seminar", "conference", "round_table", "seminar_again")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-w", "--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--rush-people", type=int, default=600)
    parser.add_argument("--rush-seats", type=int, default=300)
    parser.add_argument("--table-seats", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--baseline-requests", type=int, default=2000)


def seed_conference(env: dict[str, str], args) -> dict[str, int]:
    """A conference (two days a month ahead) with its registration and one round table's
    seats, and a second seminar; the offering id of each."""
    os.environ.update(env)
    from lms import create_app
    from lms.accounts import services
    from lms.conference.models import Conference, ConferenceDay, Item, Room
    from lms.conference.registration import ensure_item_seats, ensure_offering
    from lms.events.models import Offering, OfferingSession
    from lms.extensions import db

    app = create_app()
    with app.app_context():
        organiser = services.create_user(
            "organiser@bench.lms", secrets.token_urlsafe(12), "Bench Organiser",
            roles=("organiser",), verified=True,
        )  # fmt: skip
        opening = (datetime.now(UTC) + timedelta(days=30)).date()
        conference = Conference(slug="bench-conference", title="Bench conference",
                                timezone="Europe/Oslo", venue="Oslo", address="Oslo",
                                day_starts=time(9), day_ends=time(17))  # fmt: skip
        conference.days = [ConferenceDay(day=opening + timedelta(days=n)) for n in range(2)]
        room = Room(name="Sal A", capacity=100, position=0)
        conference.rooms = [room]
        db.session.add(conference)
        db.session.flush()
        starts = datetime.combine(opening, time(12), tzinfo=UTC)
        table = Item(conference_id=conference.id, title="Round table", kind="round_table",
                     room=room, starts_at=starts, ends_at=starts + timedelta(hours=1))  # fmt: skip
        db.session.add(table)
        db.session.flush()
        offerings = {
            "conference": ensure_offering(organiser, conference, capacity=args.seats).id,
            "round_table": ensure_item_seats(organiser, table, args.table_seats).id,
        }
        again = Offering(kind="seminar", status="published", title="Second rush",
                         capacity=args.seats, venue="Oslo")  # fmt: skip
        again.sessions.append(
            OfferingSession(starts_at=starts, ends_at=starts + timedelta(hours=3))
        )
        db.session.add(again)
        db.session.commit()
        offerings["seminar_again"] = again.id
        db.engine.dispose()
    return offerings


def check_codes(env: dict[str, str], offering_id: int) -> dict:
    """Attendee codes of the conference's registrations: how many, how many distinct."""
    import sqlalchemy as sa

    engine = sa.create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        codes, distinct = connection.execute(
            sa.text(
                "SELECT count(a.code), count(DISTINCT a.code) FROM lms_conference_attendees a"
                " JOIN lms_registrations r ON r.id = a.registration_id WHERE r.offering_id = :id"
            ),
            {"id": offering_id},
        ).one()
    engine.dispose()
    return {"codes": codes, "distinct_codes": distinct}


def run(args, workdir, database_url: str) -> dict:
    """Seed, serve, warm, then every rush between baseline runs; the figures and checks."""
    env_lms = lms_env(workdir, secrets.token_hex(32))
    env_lms["DATABASE_URL"] = database_url
    env_base = baseline_env(workdir)
    migrate(env_lms)
    prepare_baseline_database(env_base)
    shape = argparse.Namespace(people=args.rush_people, warmup=args.warmup, seats=args.rush_seats,
                               offerings=2, table_seats=args.table_seats)  # fmt: skip
    seminar_id, tokens, warmup_id, warmup_tokens = rush.seed(env_lms, shape)
    offerings = {"seminar": seminar_id, **seed_conference(env_lms, shape)}
    analyze(env_lms)
    servers = {
        "baseline": Server("baseline", "bench.baseline_app:app", env_base, args.workers,
                           workdir / "b.log"),
        "lms": Server("lms", "wsgi:app", env_lms, args.workers, workdir / "lms.log"),
    }  # fmt: skip
    with serving(servers):
        base_url, lms_url = servers["baseline"].base_url, servers["lms"].base_url
        load([get(base_url + "/") for _ in range(200)], args.concurrency)
        warm = load([rush.registration(lms_url, warmup_id, t) for t in warmup_tokens],
                    args.concurrency)["codes"]  # fmt: skip
        if warm != {201: len(warmup_tokens)}:
            raise RuntimeError(f"the warm-up registrations answered {warm}")

        def baseline_run() -> dict:
            requests = [get(base_url + "/") for _ in range(args.baseline_requests)]
            result = measured(servers["baseline"], requests, args.concurrency)
            result.pop("bodies"), result.pop("timeline")
            return result

        runs, before = {}, baseline_run()
        for name in RUSHES:
            mark = rush.outbox_mark(env_lms)
            requests = [rush.registration(lms_url, offerings[name], t) for t in tokens]
            result = measured(servers["lms"], requests, args.concurrency)
            result.pop("bodies"), result.pop("timeline")
            after = baseline_run()
            check = rush.check_database(env_lms, offerings[name], mark)
            if name == "conference":
                check.update(check_codes(env_lms, offerings[name]))
            runs[name] = {**result, **ratios(result, before, after), "database": check}
            before = after
    seminar = (runs["seminar"]["ratio"] + runs["seminar_again"]["ratio"]) / 2
    for name in RUSHES:
        runs[name]["to_seminar"] = runs[name]["ratio"] / seminar
    return {"runs": runs, "seats": {"seminar": args.rush_seats, "conference": args.rush_seats,
                                    "round_table": args.table_seats}}  # fmt: skip


def _correct(args, name: str, row: dict) -> bool:
    seats = args.table_seats if name == "round_table" else args.rush_seats
    check = row["database"]
    waitlisted = args.rush_people - seats
    ok = (
        row["codes"] == {201: args.rush_people}
        and check["statuses"] == {"confirmed": seats, "waitlisted": waitlisted}
        and check["distinct_waitlist_ranks"] == waitlisted
    )
    if name == "conference":
        ok = ok and check["codes"] == check["distinct_codes"] == seats
    return ok


def print_report(args, report: dict) -> bool:
    """The rushes, their ratios and checks; True when every one came out right."""
    print(f"\nregistration rushes: gunicorn -w {args.workers}, {args.concurrency} in flight, "
          f"{args.rush_people} people each")  # fmt: skip
    print(f"{'rush':<14} {'seats':>5} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} {'cpu ms':>7} "
          f"{'to base':>7} {'to seminar':>10}  check")  # fmt: skip
    verdict = True
    for name, row in report["runs"].items():
        ok = _correct(args, name, row)
        verdict = verdict and ok
        seats = args.table_seats if name == "round_table" else args.rush_seats
        cpu = row.get("server_cpu_ms_per_request") or 0
        extra = row["database"].get("distinct_codes")
        print(f"{name:<14} {seats:>5} {row['requests_per_second']:>6.0f} "
              f"{row['latency_p50_ms']:>7.1f} {row['latency_p99_ms']:>7.1f} {cpu:>7.2f} "
              f"{row['ratio']:>7.2f} {row['to_seminar']:>10.2f}  {'OK' if ok else 'WRONG'} "
              f"{row['database']['statuses']}"
              + (f", {extra} distinct codes" if extra is not None else ""))  # fmt: skip
    return verdict
