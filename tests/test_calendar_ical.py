"""Calendar files as real clients read them: every file parsed with ical.js
(Mozilla's parser), plus the wire-format rules no parser checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from calendar_support import check_wire_format, parse_one
from factories import make, oslo, year_like

from lms.calendar import entries
from lms.calendar.files import base_url, offering_ics_bytes
from lms.events import manage
from lms.events.models import Network, Offering
from lms.extensions import db
from lms.registrations.models import Registration

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2027 = year_like(2027)

BASE = "https://kurs.example.no/learning"
LINKS = entries.Links(
    uid_host="kurs.example.no", offering_url=lambda offering_id: f"{BASE}/events/{offering_id}"
)


def events_of(parsed):
    return parsed["events"]


def test_sessions_keep_oslo_wall_time_across_dst(app):
    """09:00 in Oslo is 08:00 UTC in January and 07:00 UTC in July; nothing floats."""
    offering = make.offering(starts=[oslo(Y2027, 1, 14, 9), oslo(Y2027, 7, 15, 9)])
    data = entries.offering_calendar(offering, LINKS)
    check_wire_format(data)
    parsed = parse_one(data)

    assert parsed["version"] == "2.0" and parsed["prodid"]
    assert parsed["timezones"] == ["Europe/Oslo"]
    starts = [
        (e["start"]["zone"], e["start"]["local"], e["start"]["utc"]) for e in parsed["events"]
    ]
    assert starts == [
        ("Europe/Oslo", f"{Y2027}-01-14T09:00:00", f"{Y2027}-01-14T08:00:00.000Z"),
        ("Europe/Oslo", f"{Y2027}-07-15T09:00:00", f"{Y2027}-07-15T07:00:00.000Z"),
    ]
    for event in parsed["events"]:
        for edge in ("start", "end"):
            assert event[edge]["zone"] not in (None, "floating")
            assert not event[edge]["isDate"]
        assert event["tzidParam"] == "Europe/Oslo"
    ends = [e["end"]["utc"] for e in parsed["events"]]
    assert ends == [f"{Y2027}-01-14T11:00:00.000Z", f"{Y2027}-07-15T10:00:00.000Z"]


def test_event_fields(app):
    offering = make.offering(
        starts=[oslo(Y2027, 3, 2, 10)],
        summary="Hvordan stille krav om lønns- og arbeidsvilkår.",
        online_url="https://meet.example.no/abc",
        room="Sal 2",
        address="Postboks 1, 0150 Oslo",
    )
    session = offering.sessions[0]
    parsed = parse_one(entries.offering_calendar(offering, LINKS))
    (event,) = parsed["events"]

    assert event["uid"] == f"session-{session.uid}@kurs.example.no"
    assert event["sequence"] == 0
    assert event["status"] == "CONFIRMED"
    assert event["summary"] == "Klima og miljø i anskaffelser"
    assert event["location"] == "Sal 2, Anskaffelseshuset, Postboks 1, 0150 Oslo"
    assert event["url"] == f"{BASE}/events/{offering.id}"
    assert "lønns- og arbeidsvilkår" in event["description"]
    assert "https://meet.example.no/abc" in event["description"]
    assert event["organizer"] is None and parsed["method"] is None
    stamp = session.updated_at.strftime("%Y-%m-%dT%H:%M:%S")
    assert event["dtstamp"].startswith(stamp) and event["lastModified"].startswith(stamp)


def test_url_matches_the_detail_route(app):
    offering = make.offering(starts=[oslo(Y2027, 3, 2, 10)])
    with app.test_request_context("/"):
        from flask import url_for

        data = offering_ics_bytes(offering)
        expected = "http://lms.test" + url_for("lms_events.detail", offering_id=offering.id)
        assert base_url() == "http://lms.test"
    assert parse_one(data)["events"][0]["url"] == expected


def test_same_data_gives_same_bytes(app):
    offering = make.offering(starts=[oslo(Y2027, 1, 14, 9), oslo(Y2027, 1, 15, 9)])
    first = entries.offering_calendar(offering, LINKS)
    db.session.expire_all()
    again = entries.offering_calendar(db.session.get(Offering, offering.id), LINKS)
    assert first == again


def test_uids_are_unique_and_stable_per_session(app):
    """Two sessions at the same time and title still get distinct UIDs, and a UID
    never changes when its session moves."""
    same = oslo(Y2027, 2, 1, 9)
    offering = make.offering(starts=[same, same, oslo(Y2027, 2, 8, 9)])
    before = [e["uid"] for e in parse_one(entries.offering_calendar(offering, LINKS))["events"]]
    assert len(set(before)) == 3

    offering.sessions[2].starts_at += timedelta(days=1)
    offering.sessions[2].ends_at += timedelta(days=1)
    db.session.commit()
    after = [e["uid"] for e in parse_one(entries.offering_calendar(offering, LINKS))["events"]]
    assert sorted(after) == sorted(before)


def test_sequence_and_last_modified_rise_when_time_or_place_changes(app, factory):
    organiser = factory.user("organiser@example.no", roles=("organiser",))
    offering = make.offering(starts=[oslo(Y2027, 4, 6, 9)], status="draft")
    session = offering.sessions[0]
    first = parse_one(entries.offering_calendar(offering, LINKS))["events"][0]

    moved = manage.SessionData(
        id=session.id,
        starts_at=oslo(Y2027, 4, 13, 9),
        ends_at=oslo(Y2027, 4, 13, 12),
        venue=session.venue,
        room=session.room,
    )
    manage.update_offering(organiser, offering, {}, [moved])
    db.session.commit()
    second = parse_one(entries.offering_calendar(offering, LINKS))["events"][0]
    assert second["uid"] == first["uid"]
    assert second["sequence"] == 1
    assert second["start"]["utc"] == f"{Y2027}-04-13T07:00:00.000Z"
    assert second["lastModified"] >= first["lastModified"]

    same_time = manage.SessionData(
        id=session.id,
        starts_at=moved.starts_at,
        ends_at=moved.ends_at,
        venue=session.venue,
        room="Sal 9",
    )
    manage.update_offering(organiser, offering, {}, [same_time])
    db.session.commit()
    third = parse_one(entries.offering_calendar(offering, LINKS))["events"][0]
    assert third["sequence"] == 2
    assert third["location"].startswith("Sal 9, ")


def test_cancelled_session_and_cancelled_offering_stay_marked_cancelled(app, factory):
    organiser = factory.user("organiser@example.no", roles=("organiser",))
    offering = make.offering(starts=[oslo(Y2027, 5, 3, 9), oslo(Y2027, 5, 4, 9)])
    offering.sessions[0].status = "cancelled"
    offering.sessions[0].sequence += 1
    db.session.commit()
    statuses = [
        (e["status"], e["sequence"])
        for e in parse_one(entries.offering_calendar(offering, LINKS))["events"]
    ]
    assert statuses == [("CANCELLED", 1), ("CONFIRMED", 0)]

    manage.cancel_offering(organiser, offering)
    db.session.commit()
    statuses = [
        (e["status"], e["sequence"])
        for e in parse_one(entries.offering_calendar(offering, LINKS))["events"]
    ]
    assert statuses == [("CANCELLED", 1), ("CANCELLED", 1)]


def test_long_and_non_ascii_text_is_folded_at_75_octets(app):
    offering = make.offering(
        starts=[oslo(Y2027, 6, 1, 9)],
        title="Ærlige, økologiske og åpne anskaffelser " * 4,
        summary="Menneskerettigheter og ILOs kjernekonvensjoner i leverandørkjeder. " * 7,
    )
    data = entries.offering_calendar(offering, LINKS)
    check_wire_format(data)
    assert b"\r\n " in data  # long lines were folded, not left long
    event = parse_one(data)["events"][0]
    assert event["summary"] == offering.title
    assert offering.summary.strip() in event["description"]


def test_network_meetings_are_separate_events_with_their_own_uids(app):
    """Each meeting is its own offering: N events with N UIDs, no RRULE; a moved
    meeting keeps its UID with a raised SEQUENCE, a skipped one is CANCELLED."""
    network = Network(
        name="Nettverk for CSR-koordinatorer", recurrence_rule="FREQ=MONTHLY;BYDAY=2TU"
    )
    db.session.add(network)
    db.session.commit()
    days = [oslo(Y2027, 1, 12, 13), oslo(Y2027, 2, 9, 13), oslo(Y2027, 3, 9, 13)]
    meetings = [
        make.offering(starts=[day], kind="network_meeting", network_id=network.id, hours=2)
        for day in days
    ]
    draft = make.offering(
        starts=[oslo(Y2027, 4, 13, 13)],
        kind="network_meeting",
        network_id=network.id,
        status="draft",
    )
    moved = meetings[1].sessions[0]
    moved.starts_at += timedelta(days=7)
    moved.ends_at += timedelta(days=7)
    moved.sequence += 1
    meetings[2].status = "cancelled"
    db.session.commit()

    data = entries.network_calendar(network, [*meetings, draft], LINKS)
    check_wire_format(data)
    parsed = parse_one(data)
    assert parsed["name"] == "Nettverk for CSR-koordinatorer"
    got = [
        (e["start"]["utc"], e["sequence"], e["status"], e["recurring"]) for e in parsed["events"]
    ]
    assert got == [
        (f"{Y2027}-01-12T12:00:00.000Z", 0, "CONFIRMED", False),
        (f"{Y2027}-02-16T12:00:00.000Z", 1, "CONFIRMED", False),
        (f"{Y2027}-03-09T12:00:00.000Z", 1, "CANCELLED", False),
    ]
    uids = [e["uid"] for e in parsed["events"]]
    assert len(set(uids)) == 3
    assert b"RRULE" not in data.split(b"END:VTIMEZONE")[-1]


def _registration(user, offering, status):
    registration = Registration(offering_id=offering.id, user_id=user.id, status=status)
    db.session.add(registration)
    db.session.commit()
    return registration


def test_personal_calendar_holds_only_the_owners_sessions(app, factory):
    me = factory.user("me@example.no")
    other = factory.user("other@example.no")
    confirmed = make.offering(starts=[oslo(Y2027, 1, 14, 9), oslo(Y2027, 1, 21, 9)], title="Kurs A")
    cancelled = make.offering(starts=[oslo(Y2027, 2, 1, 9)], title="Seminar B")
    waitlisted = make.offering(starts=[oslo(Y2027, 3, 1, 9)], title="Seminar C")
    theirs = make.offering(starts=[oslo(Y2027, 4, 1, 9)], title="Seminar D")
    _registration(me, confirmed, "confirmed")
    _registration(me, cancelled, "cancelled")
    _registration(me, waitlisted, "waitlisted")
    foreign = _registration(other, theirs, "confirmed")

    mine = list(db.session.scalars(db.select(Registration).where(Registration.user_id == me.id)))
    data = entries.personal_calendar(me, [*mine, foreign], LINKS)
    check_wire_format(data)
    events_seen = [(e["summary"], e["status"], e["sequence"]) for e in parse_one(data)["events"]]
    assert events_seen == [
        ("Kurs A", "CONFIRMED", 0),
        ("Kurs A", "CONFIRMED", 0),
        ("Seminar B", "CANCELLED", 1),
    ]


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("confirmed", "CONFIRMED"),
        ("offered", "TENTATIVE"),  # held for them until the offer is taken or expires
        ("attended", "CONFIRMED"),
        ("no_show", "CONFIRMED"),
    ],
)
def test_personal_calendar_lists_active_registrations(app, factory, status, shown):
    me = factory.user("me@example.no")
    offering = make.offering(starts=[oslo(Y2027, 1, 14, 9)])
    registration = _registration(me, offering, status)
    parsed = parse_one(entries.personal_calendar(me, [registration], LINKS))
    assert [e["status"] for e in parsed["events"]] == [shown]


@pytest.mark.parametrize("status", ["pending", "waitlisted"])
def test_personal_calendar_leaves_out_seats_not_held(app, factory, status):
    me = factory.user("me@example.no")
    registration = _registration(me, make.offering(starts=[oslo(Y2027, 1, 14, 9)]), status)
    assert parse_one(entries.personal_calendar(me, [registration], LINKS))["events"] == []


def test_empty_personal_calendar_is_still_a_valid_file(app, factory):
    me = factory.user("me@example.no")
    data = entries.personal_calendar(me, [], LINKS)
    check_wire_format(data)
    parsed = parse_one(data)
    assert parsed["version"] == "2.0" and parsed["events"] == []


def test_times_next_to_the_dst_changes_are_right(app):
    """The VTIMEZONE's change instants themselves: 03:30 on the spring night is 01:30
    UTC, and the zone's rule keeps working beyond the first year."""
    offering = make.offering(
        starts=[oslo(Y2027, 3, 28, 3, 30), oslo(Y2027, 10, 31, 3, 30), oslo(Y2027 + 3, 6, 3, 9)],
        hours=1,
    )
    parsed = parse_one(entries.offering_calendar(offering, LINKS))
    assert [e["start"]["utc"] for e in parsed["events"]] == [
        f"{Y2027}-03-28T01:30:00.000Z",
        f"{Y2027}-10-31T02:30:00.000Z",
        f"{Y2027 + 3}-06-03T07:00:00.000Z",
    ]
