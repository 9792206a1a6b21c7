"""The neutral calendar builder: plain ``CalendarEntry`` values in, bytes out, read back
with ical.js and icalendar. No database and no app: the builder needs neither."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from calendar_support import check_wire_format, parse_one

from lms.calendar import ical
from lms.calendar.ical import CalendarEntry, build_calendar

pytestmark = pytest.mark.pure  # reads source files and builds bytes: no database

OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")
STAMP = datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
ICAL_PY = Path(ical.__file__)


def entry(**fields) -> CalendarEntry:
    values = {
        "uid": "talk-17@konferanse.example.no",
        "start": datetime(2027, 2, 3, 10, 0, tzinfo=OSLO),
        "end": datetime(2027, 2, 3, 10, 45, tzinfo=OSLO),
        "summary": "Innkjøp og menneskerettigheter",
        "last_modified": STAMP,
    }
    return CalendarEntry(**{**values, **fields})


def test_entry_fields_as_a_client_reads_them():
    talk = entry(
        description="Sal A, etter lunsj.",
        location="Sal A, Konferansesenteret",
        url="https://konferanse.example.no/talks/17",
        sequence=3,
        status="TENTATIVE",
    )
    data = build_calendar("Konferansen", [talk], zone="Europe/Oslo")
    check_wire_format(data)
    parsed = parse_one(data)
    (event,) = parsed["events"]

    assert (parsed["name"], parsed["method"], parsed["timezones"]) == (
        "Konferansen",
        None,
        ["Europe/Oslo"],
    )
    assert event["uid"] == "talk-17@konferanse.example.no", "the UID as given, no prefix"
    assert (event["summary"], event["location"], event["description"], event["url"]) == (
        "Innkjøp og menneskerettigheter",
        "Sal A, Konferansesenteret",
        "Sal A, etter lunsj.",
        "https://konferanse.example.no/talks/17",
    )
    assert (event["status"], event["sequence"], event["organizer"]) == ("TENTATIVE", 3, None)
    assert event["tzidParam"] == "Europe/Oslo"
    assert (event["start"]["local"], event["end"]["utc"]) == (
        "2027-02-03T10:00:00",
        "2027-02-03T09:45:00.000Z",
    )
    assert event["dtstamp"] == event["lastModified"] == "2026-09-01T08:30:00.000Z"
    assert event["recurring"] is False and event["occurrences"] is None
    assert b"TRANSP:OPAQUE" in data


def test_empty_texts_are_left_out_and_cancelled_entries_free_the_time():
    data = build_calendar("Agenda", [entry(status="CANCELLED")])
    check_wire_format(data)
    vevent = data.split(b"BEGIN:VEVENT")[1]
    for name in (b"LOCATION", b"URL", b"DESCRIPTION", b"RRULE", b"EXDATE"):
        assert b"\r\n" + name not in vevent
    assert b"TRANSP:TRANSPARENT" in data
    (event,) = parse_one(data)["events"]
    assert (event["status"], event["location"], event["url"]) == ("CANCELLED", None, None)


def test_a_recurrence_rule_and_its_exceptions_across_the_spring_change():
    """Weekly at 09:00 Oslo time across the last Sunday of March: the wall time stays,
    the UTC instant moves an hour; the excepted week is not shown."""
    first = datetime(2027, 3, 16, 9, 0, tzinfo=OSLO)
    series = entry(
        start=first,
        end=first + timedelta(hours=1),
        rrule="FREQ=WEEKLY;COUNT=4",
        exdates=(datetime(2027, 3, 23, 8, 0, tzinfo=UTC),),  # 09:00 in Oslo, given in UTC
    )
    data = build_calendar("Kurs", [series])
    check_wire_format(data)
    assert b"EXDATE;TZID=Europe/Oslo:20270323T090000\r\n" in data
    (event,) = parse_one(data)["events"]
    assert event["recurring"] is True
    assert event["occurrences"] == [
        "2027-03-16T08:00:00.000Z",
        "2027-03-30T07:00:00.000Z",
        "2027-04-06T07:00:00.000Z",
    ]


def test_entries_in_several_zones_each_get_their_vtimezone():
    oslo_talk = entry(uid="a@x")
    new_york = datetime(2027, 6, 1, 9, 0, tzinfo=NEW_YORK)
    remote = entry(uid="b@x", start=new_york, end=new_york + timedelta(hours=1))
    remote = replace(remote, timezone="America/New_York")
    data = build_calendar("Begge", [oslo_talk, remote], zone="Europe/Oslo")
    check_wire_format(data)
    parsed = parse_one(data)
    assert parsed["timezones"] == ["America/New_York", "Europe/Oslo"]
    assert [(e["uid"], e["start"]["zone"], e["start"]["utc"]) for e in parsed["events"]] == [
        ("a@x", "Europe/Oslo", "2027-02-03T09:00:00.000Z"),
        ("b@x", "America/New_York", "2027-06-01T13:00:00.000Z"),
    ], "in the order given, each in its own zone"
    assert b"X-WR-TIMEZONE:Europe/Oslo\r\n" in data


def test_utc_entries_need_no_vtimezone():
    data = build_calendar("UTC", [entry(timezone="UTC")], zone="UTC")
    check_wire_format(data)
    parsed = parse_one(data)
    assert parsed["timezones"] == []
    assert parsed["events"][0]["start"]["utc"] == "2027-02-03T09:00:00.000Z"
    assert b"DTSTART:20270203T090000Z\r\n" in data


def test_the_same_entries_give_the_same_bytes_and_no_entries_a_valid_file():
    entries = [entry(uid="a@x"), entry(uid="b@x", sequence=1)]
    assert build_calendar("A", entries) == build_calendar("A", list(entries))
    empty = build_calendar("Tom", [])
    check_wire_format(empty)
    assert parse_one(empty)["events"] == [] and b"VTIMEZONE" not in empty


@pytest.mark.parametrize(
    "fields",
    [
        {"start": datetime(2027, 2, 3, 10), "end": datetime(2027, 2, 3, 11)},  # floating
        {"last_modified": datetime(2026, 9, 1)},
        {"exdates": (datetime(2027, 2, 10, 10),)},
        {"end": datetime(2027, 2, 3, 10, 0, tzinfo=OSLO)},  # ends as it starts
        {"uid": ""},
        {"status": "confirmed"},
        {"sequence": -1},
        {"timezone": "Europe/Atlantis"},
        {"rrule": "FREQ=SOMETIMES"},
    ],
)
def test_an_entry_that_would_be_written_wrong_is_refused(fields):
    with pytest.raises(ValueError):
        entry(**fields)


def test_the_builder_knows_no_area():
    """ical.py is the neutral builder: it imports nothing of the LMS or Flask and
    holds no route or UID shape of any area (those belong to the mappings)."""
    source = ICAL_PY.read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported, words = set(), []
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
        elif isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
        elif isinstance(node, ast.arg):
            words.append(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            words.append(node.name)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            words.append(node.value)
    assert imported <= {
        "__future__",
        "collections",
        "dataclasses",
        "datetime",
        "functools",
        "zoneinfo",
        "icalendar",
    }, imported
    code = " ".join(words).lower()
    for word in ("url_for", "session", "/events/", "offering", "registration", "network"):
        assert word not in code, word
