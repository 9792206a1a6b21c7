"""The programme's calendar files as real clients read them: ical.js (Thunderbird) and
libical (Evolution), from release snapshots built without a database (pure).

Each file is the whole programme, a track or one session; the checks: no floating
time, the right instants across a summer-time change in Europe/Oslo, the UID, LOCATION
and DESCRIPTION rules, and SEQUENCE / LAST-MODIFIED across releases.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from calendar_support import check_wire_format, parse_ics, parse_one
from conference_export_support import dst_days, move, plain_programme, release_snapshot

from lms.conference import ical_entries

pytestmark = pytest.mark.pure

LINKS = ical_entries.Links(
    uid_host="kurs.example.no",
    item_url=lambda item_id: f"https://kurs.example.no/conferences/k/items/{item_id}",
)
LIBICAL = Path(__file__).parent / "calendar_tools" / "libical_check.py"
SYSTEM_PYTHON = "/usr/bin/python3"


def files_of(snapshot: dict) -> list[bytes]:
    """Every file the programme has: the whole, each track, each session."""
    made = [ical_entries.calendar_bytes(snapshot, "Programme", LINKS)]
    for track in snapshot["tracks"]:
        items = ical_entries.track_items(snapshot, track["slug"])
        made.append(ical_entries.calendar_bytes(snapshot, track["name"], LINKS, items))
    for item in snapshot["items"]:
        made.append(ical_entries.calendar_bytes(snapshot, item["title"], LINKS, [item]))
    return made


def libical_errors(*files: bytes) -> list[list[str]]:
    """libical's X-LIC-ERRORs for each file (Debian's python3-gi with gir1.2-ical-3.0)."""
    has_it = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"],
        capture_output=True,
        check=False,
    )
    if has_it.returncode != 0:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("libical (gir1.2-ical-3.0) is missing: run make setup-test")
        pytest.skip("libical (gir1.2-ical-3.0) is missing: run make setup-test")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for index, data in enumerate(files):
            path = Path(tmp) / f"{index}.ics"
            path.write_bytes(data)
            paths.append(str(path))
        result = subprocess.run(
            [SYSTEM_PYTHON, str(LIBICAL), *paths], capture_output=True, timeout=60, check=False
        )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def test_every_file_parses_in_ical_js_with_no_floating_time():
    snapshot = release_snapshot(plain_programme())
    files = files_of(snapshot)
    assert len(files) == 1 + 2 + 5
    for data in files:
        check_wire_format(data)
    parsed = parse_ics(*files)
    for calendar in parsed:
        assert calendar["version"] == "2.0"
        assert calendar["timezones"] == ["Europe/Oslo"]
        for event in calendar["events"]:
            assert event["start"]["zone"] == "Europe/Oslo", event
            assert event["end"]["zone"] == "Europe/Oslo", event
            assert event["tzidParam"] == "Europe/Oslo"
    whole = parsed[0]["events"]
    assert [e["summary"] for e in whole] == [item["title"] for item in snapshot["items"]]
    # The track files hold exactly their track's items.
    assert [e["summary"] for e in parsed[1]["events"]] == [
        "Klima i kontraktene",
        "Leverandørdialog i praksis",
    ]
    assert [e["summary"] for e in parsed[2]["events"]] == ["Rundebord om antikorrupsjon"]


def test_every_file_passes_libicals_restriction_check():
    files = files_of(release_snapshot(plain_programme()))
    assert libical_errors(*files) == [[] for _ in files]


def test_libicals_check_does_report_a_broken_file():
    """A control: the same check finds a problem libical knows (a bad DTSTART value)."""
    data = ical_entries.calendar_bytes(release_snapshot(plain_programme()), "P", LINKS)
    broken = data.replace(b"DTSTART;TZID=Europe/Oslo:", b"DTSTART;TZID=Europe/Oslo:2027XX", 1)
    [errors] = libical_errors(broken)
    assert errors


def test_uid_location_description_and_url():
    programme = plain_programme()
    snapshot = release_snapshot(programme)
    [event, *_rest] = parse_one(ical_entries.calendar_bytes(snapshot, "P", LINKS))["events"]
    first = programme.items[0]
    assert event["uid"] == f"conference-item-{first.guid}@kurs.example.no"
    assert event["location"] == "Sal A (Oslo kongressenter)"
    assert event["url"] == f"https://kurs.example.no/conferences/k/items/{first.id}"
    assert event["description"] == (
        f"Om {first.title.lower()}.\n\nKari Nordmann (DFØ)\n\n{event['url']}"
    )
    assert event["status"] == "CONFIRMED"
    assert event["sequence"] == 0
    stamp = datetime.fromisoformat(snapshot["items"][0]["last_modified"])
    assert event["dtstamp"] == event["lastModified"] == stamp.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@pytest.mark.parametrize(
    ("month", "saturday_utc", "sunday_utc"),
    [
        # Spring: 09:00 is 08:00 UTC in winter time, 07:00 UTC in summer time.
        (3, "08:00", "07:00"),
        # Autumn: 07:00 UTC in summer time, 08:00 UTC in winter time.
        (10, "07:00", "08:00"),
    ],
)
def test_days_across_a_summer_time_change_have_the_right_instants(month, saturday_utc, sunday_utc):
    items = (
        ("Lørdag kl. 9", 0, "09:00", 60, 0, None, (), "talk"),
        ("Søndag kl. 9", 1, "09:00", 60, 0, None, (), "talk"),
        ("Natten til søndag", 0, "23:30", 240, 1, None, (), "networking"),
    )
    saturday, sunday = dst_days(month)
    snapshot = release_snapshot(plain_programme(days=(saturday, sunday), items=items))
    data = ical_entries.calendar_bytes(snapshot, "P", LINKS)
    events = {e["summary"]: e for e in parse_one(data)["events"]}
    assert (
        events["Lørdag kl. 9"]["start"]["utc"] == f"{saturday.isoformat()}T{saturday_utc}:00.000Z"
    )
    assert events["Søndag kl. 9"]["start"]["utc"] == f"{sunday.isoformat()}T{sunday_utc}:00.000Z"
    for event in events.values():
        assert event["start"]["local"].endswith("T09:00:00") or "Natten" in event["summary"]
    # Four hours across the night of the change: the wall clock says 3 or 5 hours.
    night = events["Natten til søndag"]
    assert night["start"]["local"] == f"{saturday.isoformat()}T23:30:00"
    assert night["end"]["local"] == f"{sunday.isoformat()}T0{'4' if month == 3 else '2'}:30:00"
    [libical] = libical_errors(data)
    assert libical == []


def _by_uid(data: bytes) -> dict:
    return {event["uid"]: event for event in parse_one(data)["events"]}


def _vevents(data: bytes) -> dict[str, bytes]:
    """Each VEVENT's raw bytes by its UID line."""
    blocks = data.split(b"BEGIN:VEVENT\r\n")[1:]
    found = {}
    for block in blocks:
        body = block.split(b"END:VEVENT\r\n")[0]
        uid = next(line for line in body.split(b"\r\n") if line.startswith(b"UID:"))
        found[uid.decode()] = body
    return found


def test_release_n_plus_1_raises_only_the_moved_items_sequence():
    programme = plain_programme()
    first = ical_entries.calendar_bytes(release_snapshot(programme), "P", LINKS)
    moved, dropped = programme.items[1], programme.items[3]
    move(moved, 30)
    programme.items.remove(dropped)  # deleted from the draft: cancelled in the release
    second = ical_entries.calendar_bytes(release_snapshot(programme), "P", LINKS)
    before, after = _by_uid(first), _by_uid(second)
    assert set(before) == set(after)  # nothing vanishes from a feed
    moved_uid = f"conference-item-{moved.guid}@kurs.example.no"
    dropped_uid = f"conference-item-{dropped.guid}@kurs.example.no"
    assert after[moved_uid]["sequence"] == before[moved_uid]["sequence"] + 1
    assert after[moved_uid]["lastModified"] > before[moved_uid]["lastModified"]
    assert after[moved_uid]["start"]["local"].endswith("T10:30:00")
    assert after[dropped_uid]["status"] == "CANCELLED"
    assert after[dropped_uid]["sequence"] == before[dropped_uid]["sequence"] + 1
    untouched = set(before) - {moved_uid, dropped_uid}
    assert len(untouched) == 3
    raw_before, raw_after = _vevents(first), _vevents(second)
    for uid in untouched:
        assert after[uid]["sequence"] == before[uid]["sequence"]
        assert after[uid]["lastModified"] == before[uid]["lastModified"]
        assert raw_after[f"UID:{uid}"] == raw_before[f"UID:{uid}"]


def test_the_same_release_gives_the_same_bytes():
    snapshot = release_snapshot(plain_programme())
    copy = json.loads(json.dumps(snapshot))  # as it comes back from the JSON column
    assert ical_entries.calendar_bytes(snapshot, "P", LINKS) == ical_entries.calendar_bytes(
        copy, "P", LINKS
    )
