"""``schedule.xml`` and ``schedule.json`` against the c3voc schemas shared with the
project (never copied in), from release snapshots built without a database (pure):
ids and guids unique and stable across releases, slugs the schemas accept, day
boundaries and instants right across a summer-time change."""

from __future__ import annotations

import json
from datetime import datetime

import jsonschema
import pytest
from conference_export_support import SCHEMAS, dst_days, move, plain_programme, release_snapshot
from lxml import etree

from lms.conference import frab

pytestmark = pytest.mark.pure

LINKS = frab.Links(
    base_url="https://kurs.example.no",
    schedule_url="https://kurs.example.no/conferences/k/schedule.xml",
    item_url=lambda item_id: f"https://kurs.example.no/conferences/k/items/{item_id}",
)


@pytest.fixture(scope="module")
def json_validator():
    schema = json.loads((SCHEMAS / "schedule.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft6Validator.check_schema(schema)
    return jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def xml_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))


def json_errors(validator, data: bytes) -> list[str]:
    return [error.message for error in validator.iter_errors(json.loads(data))]


def xml_errors(schema, data: bytes) -> list[str]:
    document = etree.fromstring(data)
    if schema.validate(document):
        return []
    return [str(error) for error in schema.error_log]


def events_of(document: dict) -> list[dict]:
    return [
        event
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]


AWKWARD = (
    ("A", 0, "09:00", 30, 0, None, (), "talk"),  # too short for a slug of its own
    ("Ærlig talt: «åpenhet» & ølkjøp\x0b", 0, "10:00", 30, 0, 0, (0,), "panel"),
    ("Lunsj", 0, "12:00", 60, 1, None, (), "break"),
    ("Lunsj", 1, "12:00", 60, 1, None, (), "break"),  # the same title twice
    ("Leverandørdialog", 1, "09:30", 90, 0, 1, (1, 2), "round_table"),
)


@pytest.mark.parametrize("items", [None, AWKWARD], ids=["programme", "awkward-titles"])
def test_both_files_validate_against_the_shared_schemas(items, json_validator, xml_schema):
    programme = plain_programme() if items is None else plain_programme(items=items)
    snapshot = release_snapshot(programme)
    as_json = frab.schedule_json(snapshot, 1, LINKS)
    as_xml = frab.schedule_xml(snapshot, 1, LINKS)
    assert json_errors(json_validator, as_json) == []
    assert xml_errors(xml_schema, as_xml) == []
    events = events_of(json.loads(as_json))
    assert len(events) == len(programme.items)
    assert len({e["id"] for e in events}) == len({e["guid"] for e in events}) == len(events)
    assert len({e["slug"] for e in events}) == len(events)
    xml_ids = [int(e.get("id")) for e in etree.fromstring(as_xml).iter("event")]
    assert sorted(xml_ids) == sorted(e["id"] for e in events)


def test_the_schemas_do_refuse_a_broken_file(json_validator, xml_schema):
    """A control: a duplicate id and a bad duration are found by both validators."""
    snapshot = release_snapshot(plain_programme())
    document = json.loads(frab.schedule_json(snapshot, 1, LINKS))
    events = events_of(document)
    events[1]["duration"] = "90 minutes"
    events[2]["date"] = "2027-06-01 09:00"  # no offset: format date-time is checked
    events[3]["url"] = "no url"  # and format uri
    errors = json_errors(json_validator, json.dumps(document).encode())
    assert len(errors) == 3, errors
    as_xml = frab.schedule_xml(snapshot, 1, LINKS)
    first, second = list(etree.fromstring(as_xml).iter("event"))[:2]
    duplicated = as_xml.replace(
        f'id="{second.get("id")}"'.encode(), f'id="{first.get("id")}"'.encode()
    )
    assert xml_errors(xml_schema, duplicated)


def test_events_carry_the_items_fields():
    programme = plain_programme()
    document = json.loads(frab.schedule_json(release_snapshot(programme), 3, LINKS))
    schedule = document["schedule"]
    assert document["$schema"] == frab.SCHEMA_URL
    assert schedule["version"] == "3"
    conference = schedule["conference"]
    assert conference["acronym"] == "anskaffelseskonferansen_2027"
    assert conference["time_zone_name"] == "Europe/Oslo"
    assert conference["daysCount"] == 2
    workshop = next(e for e in events_of(document) if e["type"] == "workshop")
    item = programme.items[4]
    assert workshop["id"] == item.id and workshop["guid"] == item.guid
    assert workshop["slug"] == f"anskaffelseskonferansen_2027-{item.id}-leverandordialog-i-praksis"
    assert workshop["date"].endswith("T09:30:00+02:00")
    assert (workshop["start"], workshop["duration"]) == ("09:30", "01:30")
    assert workshop["room"] == "Rom 2" and workshop["track"] == "Bærekraft"
    assert [p["name"] for p in workshop["persons"]] == ["Kari Nordmann", "Ingrid Berg"]
    assert workshop["url"] == f"https://kurs.example.no/conferences/k/items/{item.id}"


def test_ids_and_guids_are_stable_across_releases_and_cancelled_items_leave():
    programme = plain_programme()
    first = events_of(json.loads(frab.schedule_json(release_snapshot(programme), 1, LINKS)))
    moved, dropped = programme.items[1], programme.items[3]
    move(moved, 30)
    programme.items.remove(dropped)
    second = events_of(json.loads(frab.schedule_json(release_snapshot(programme), 2, LINKS)))
    before = {e["guid"]: e["id"] for e in first}
    after = {e["guid"]: e["id"] for e in second}
    assert dropped.guid not in after
    assert after == {guid: id_ for guid, id_ in before.items() if guid != dropped.guid}
    assert next(e for e in second if e["guid"] == moved.guid)["start"] == "10:30"


@pytest.mark.parametrize(
    ("month", "saturday", "sunday"), [(3, "+01:00", "+02:00"), (10, "+02:00", "+01:00")]
)
def test_instants_and_day_boundaries_across_a_summer_time_change(
    month, saturday, sunday, xml_schema
):
    items = (
        ("Lørdag kl. 9", 0, "09:00", 60, 0, None, (), "talk"),
        ("Søndag kl. 9", 1, "09:00", 60, 0, None, (), "talk"),
    )
    days = dst_days(month)
    snapshot = release_snapshot(plain_programme(days=days, items=items))
    document = json.loads(frab.schedule_json(snapshot, 1, LINKS))
    [first, second] = document["schedule"]["conference"]["days"]
    assert (first["index"], second["index"]) == (1, 2)
    assert first["day_start"] == f"{days[0].isoformat()}T09:00:00{saturday}"
    assert second["day_start"] == f"{days[1].isoformat()}T09:00:00{sunday}"
    saturday_talk, sunday_talk = events_of(document)
    instants = [datetime.fromisoformat(e["date"]) for e in (saturday_talk, sunday_talk)]
    assert instants[1] - instants[0] == (
        datetime.fromisoformat(f"{days[1].isoformat()}T09:00:00{sunday}")
        - datetime.fromisoformat(f"{days[0].isoformat()}T09:00:00{saturday}")
    )
    assert {e["start"] for e in (saturday_talk, sunday_talk)} == {"09:00"}
    assert xml_errors(xml_schema, frab.schedule_xml(snapshot, 1, LINKS)) == []


def test_a_day_without_items_runs_midnight_to_midnight_across_the_change():
    days = dst_days(3)
    items = (("Lørdag kl. 9", 0, "09:00", 60, 0, None, (), "talk"),)
    document = frab.schedule(release_snapshot(plain_programme(days, items)), 1, LINKS)
    empty = document["schedule"]["conference"]["days"][1]
    start, end = (datetime.fromisoformat(empty[k]) for k in ("day_start", "day_end"))
    assert empty["day_start"] == f"{days[1].isoformat()}T00:00:00+01:00"
    assert (end - start).total_seconds() == 23 * 3600  # the spring night is an hour short


def test_the_same_release_gives_the_same_bytes():
    snapshot = release_snapshot(plain_programme())
    copy = json.loads(json.dumps(snapshot))
    for write in (frab.schedule_json, frab.schedule_xml):
        assert write(snapshot, 1, LINKS) == write(copy, 1, LINKS)
