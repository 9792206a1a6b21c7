"""The programme's files over HTTP: each reads a release (the newest or ``?release=N``),
never the draft; strong ETags and 304; the calendars page; the printer's table."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from calendar_support import parse_one
from conference_export_support import db_programme, move, publish
from openpyxl import load_workbook

from lms.extensions import db

SLUG = "anskaffelseskonferansen-2027"
FILES = (
    f"/conferences/{SLUG}/schedule.ics",
    f"/conferences/{SLUG}/tracks/baerekraft.ics",
    f"/conferences/{SLUG}/schedule.xml",
    f"/conferences/{SLUG}/schedule.json",
)


@pytest.fixture
def programme(app):
    programme = db_programme()
    publish(programme)
    return programme


@pytest.mark.parametrize("path", FILES)
def test_each_file_has_a_strong_etag_and_answers_304(client, programme, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    again = client.get(path)
    assert again.data == first.data and again.headers["ETag"] == etag
    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_media_types(client, programme):
    types = [client.get(path).headers["Content-Type"] for path in FILES]
    assert types == [
        "text/calendar; charset=utf-8",
        "text/calendar; charset=utf-8",
        "application/vnd.c3voc.schedule+xml; charset=utf-8",
        "application/json",
    ]


def test_a_release_is_frozen_and_each_stays_readable_by_number(client, programme):
    path = f"/conferences/{SLUG}/schedule.ics"
    first = client.get(path).data
    moved = programme.items[1]
    move(moved, 30)
    moved.title = "Klima i kontraktene (flyttet)"
    db.session.commit()
    assert client.get(path).data == first  # the draft reaches nobody before publishing
    publish(programme)
    second = client.get(path)
    assert second.data != first
    assert client.get(path + "?release=1").data == first
    assert client.get(path + "?release=2").data == second.data
    assert client.get(path + "?release=1").headers["Cache-Control"] == "public, max-age=86400"
    uid = f"conference-item-{moved.guid}@lms.test"
    before = {e["uid"]: e for e in parse_one(first)["events"]}
    after = {e["uid"]: e for e in parse_one(second.data)["events"]}
    assert after[uid]["sequence"] == before[uid]["sequence"] + 1
    assert after[uid]["summary"] == "Klima i kontraktene (flyttet)"
    for other in set(before) - {uid}:
        assert after[other]["sequence"] == before[other]["sequence"]
        assert after[other]["lastModified"] == before[other]["lastModified"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/conferences/{SLUG}/schedule.ics?release=9", 404),
        (f"/conferences/{SLUG}/schedule.json?release=9", 404),
        (f"/conferences/{SLUG}/schedule.ics?release=0", 400),
        (f"/conferences/{SLUG}/schedule.xml?release=one", 400),
        ("/conferences/no-such-conference/schedule.ics", 404),
        ("/conferences/no-such-conference/calendars", 404),
        (f"/conferences/{SLUG}/tracks/no-such-track.ics", 404),
        (f"/conferences/{SLUG}/sessions/999999.ics", 404),
        (f"/conferences/{SLUG}/sessions/99999999999999999999.ics", 404),
        (f"/conferences/{SLUG}/schedule.pdf", 404),
    ],
)
def test_what_does_not_exist_is_a_clear_4xx(client, programme, path, status):
    assert client.get(path).status_code == status


def test_a_conference_without_a_release_has_no_files(client, app):
    db_programme(slug="utkast-2027")
    for path in ("schedule.ics", "schedule.xml", "schedule.json", "calendars"):
        assert client.get(f"/conferences/utkast-2027/{path}").status_code == 404


def test_a_session_file_holds_that_item_and_a_cancelled_one_stays_marked(client, programme):
    item = programme.items[2]
    path = f"/conferences/{SLUG}/sessions/{item.id}.ics"
    [event] = parse_one(client.get(path).data)["events"]
    assert event["uid"] == f"conference-item-{item.guid}@lms.test"
    assert event["status"] == "CONFIRMED"
    item.status = "cancelled"
    db.session.commit()
    publish(programme)
    [event] = parse_one(client.get(path).data)["events"]
    assert event["status"] == "CANCELLED" and event["sequence"] == 1
    whole = parse_one(client.get(f"/conferences/{SLUG}/schedule.ics").data)["events"]
    assert {e["uid"]: e["status"] for e in whole}[event["uid"]] == "CANCELLED"
    frab_events = [
        e
        for day in client.get(f"/conferences/{SLUG}/schedule.json").json["schedule"]["conference"][
            "days"
        ]
        for events in day["rooms"].values()
        for e in events
    ]
    assert item.guid not in {e["guid"] for e in frab_events}


def test_links_follow_the_base_url(app, client, programme):
    app.config["LMS_BASE_URL"] = "https://kurs.example.no"
    data = client.get(f"/conferences/{SLUG}/schedule.ics").data
    events = parse_one(data)["events"]
    assert all(e["uid"].endswith("@kurs.example.no") for e in events)
    assert all(e["url"].startswith("https://kurs.example.no/conferences/") for e in events)
    document = client.get(f"/conferences/{SLUG}/schedule.json").json
    assert document["schedule"]["base_url"] == "https://kurs.example.no"


def test_the_calendars_page_links_downloads_and_subscriptions(client, programme):
    page = client.get(f"/conferences/{SLUG}/calendars")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="webcal://lms.test/conferences/{SLUG}/schedule.ics"' in html
    assert f'href="/conferences/{SLUG}/schedule.ics"' in html
    for track in ("baerekraft", "antikorrupsjon"):
        assert f'href="webcal://lms.test/conferences/{SLUG}/tracks/{track}.ics"' in html
        assert f'href="/conferences/{SLUG}/tracks/{track}.ics"' in html
    assert f'value="http://lms.test/conferences/{SLUG}/schedule.ics"' in html


def test_the_printers_table_is_for_organisers(client, factory, login, programme):
    path = f"/manage/conferences/{SLUG}/programme.csv"
    assert client.get(path).status_code == 302
    login(factory.user("deltaker@example.no"))
    assert client.get(path).status_code == 403


def test_the_printers_csv_and_xlsx(client, factory, login, programme):
    login(factory.user("arrangor@example.no", roles=("organiser",)))
    programme.items[0].title = '=HYPERLINK("https://evil.example")'
    db.session.commit()
    publish(programme)
    response = client.get(f"/manage/conferences/{SLUG}/programme.csv?sep=comma")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].splitlines()
    assert len(lines) == 1 + len(programme.items)
    first = lines[1].split(",")
    year = programme.conference.days[0].day.year
    assert first[:4] == [f"{year}-06-01", f"{year}-06-01 09:00", f"{year}-06-01 09:45", "Sal A"]
    assert "'=HYPERLINK" in lines[1]  # never run as a formula
    semicolons = client.get(f"/manage/conferences/{SLUG}/programme.csv?sep=semicolon")
    assert semicolons.data.decode("utf-8").splitlines()[0].count(";") == 9
    workbook = load_workbook(
        io.BytesIO(client.get(f"/manage/conferences/{SLUG}/programme.xlsx").data)
    )
    sheet = workbook.active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert len(header) == 10
    assert isinstance(row[1], datetime) and row[1] == datetime(year, 6, 1, 9, 0)
    assert (
        row[0].date() == date(year, 6, 1)
        if isinstance(row[0], datetime)
        else row[0] == date(year, 6, 1)
    )
    assert row[6].startswith("'=")


def test_files_are_built_once_per_release(client, programme, monkeypatch):
    from lms.conference import ical_entries

    calls = []
    real = ical_entries.calendar_bytes

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ical_entries, "calendar_bytes", counting)
    path = f"/conferences/{SLUG}/schedule.ics"
    bodies = {client.get(path).data for _ in range(3)}
    assert len(bodies) == 1 and len(calls) == 1
    json.loads(client.get(f"/conferences/{SLUG}/schedule.json").data)


def test_files_and_api_send_as_many_queries_for_many_items_as_for_few(client, count_queries):
    """A file reads the conference and one release, whatever the programme holds."""
    small = db_programme(slug="liten-2027")
    many = tuple(
        (
            f"Foredrag {n}",
            n % 2,
            f"{9 + n // 8:02d}:{(n % 8) * 5:02d}",
            5,
            n % 2,
            n % 2,
            (n % 3,),
            "talk",
        )
        for n in range(60)
    )
    large = db_programme(slug="stor-2027", items=many)
    for each in (small, large):
        publish(each)
    counts = {}
    for slug in ("liten-2027", "stor-2027"):
        paths = [
            f"/conferences/{slug}/schedule.ics?release=1",
            f"/conferences/{slug}/tracks/baerekraft.ics",
            f"/conferences/{slug}/schedule.xml",
            f"/conferences/{slug}/schedule.json",
            f"/api/v1/conferences/{slug}",
        ]
        with count_queries() as statements:
            for path in paths:
                assert client.get(path).status_code == 200
        counts[slug] = len(statements)
    assert counts["liten-2027"] == counts["stor-2027"]
