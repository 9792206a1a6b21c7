"""``/api/v1/conferences``: public like the catalogue (no token needed, CORS open),
releases only, the API's timestamps and error shape, ETag and 304."""

from __future__ import annotations

import pytest
from conference_export_support import db_programme, move, publish

from lms.extensions import db

SLUG = "anskaffelseskonferansen-2027"


@pytest.fixture
def programme(app):
    programme = db_programme()
    publish(programme)
    return programme


def test_the_listing_holds_published_conferences_only(client, programme):
    db_programme(slug="utkast-2027")  # no release: not public
    response = client.get("/api/v1/conferences")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    [conference] = response.json["conferences"]
    year = programme.conference.days[0].day.year
    assert conference == {
        "slug": SLUG,
        "title": "Anskaffelseskonferansen",
        "timezone": "Europe/Oslo",
        "venue": "Oslo kongressenter",
        "days": [f"{year}-06-01", f"{year}-06-02"],
        "release": 1,
        "published_at": conference["published_at"],
        "url": f"http://lms.test/api/v1/conferences/{SLUG}",
        "ics_url": f"http://lms.test/conferences/{SLUG}/schedule.ics",
        "schedule_xml_url": f"http://lms.test/conferences/{SLUG}/schedule.xml",
        "schedule_json_url": f"http://lms.test/conferences/{SLUG}/schedule.json",
    }
    assert conference["published_at"][-6:] in ("+01:00", "+02:00")


def test_the_listing_shows_each_conferences_newest_release(client, programme):
    publish(programme)
    [conference] = client.get("/api/v1/conferences").json["conferences"]
    assert conference["release"] == 2


def test_the_detail_has_days_rooms_tracks_and_items_with_speakers(client, programme):
    response = client.get(f"/api/v1/conferences/{SLUG}")
    assert response.status_code == 200
    body = response.json
    assert [room["name"] for room in body["rooms"]] == ["Sal A", "Rom 2"]
    assert [track["slug"] for track in body["tracks"]] == ["baerekraft", "antikorrupsjon"]
    assert len(body["speakers"]) == 3
    assert len(body["items"]) == 5
    round_table = next(item for item in body["items"] if item["kind"] == "round_table")
    year = programme.conference.days[0].day.year
    assert round_table["starts_at"] == f"{year}-06-01T10:00:00+02:00"
    assert round_table["ends_at"] == f"{year}-06-01T11:00:00+02:00"
    assert round_table["room"]["name"] == "Rom 2"
    assert round_table["track"]["slug"] == "antikorrupsjon"
    assert [s["name"] for s in round_table["speakers"]] == ["Ingrid Berg", "Ola Hansen"]
    assert round_table["status"] == "scheduled" and round_table["sequence"] == 0
    assert "email" not in str(body)  # a speaker's address is never public


def test_the_detail_publishes_exactly_its_documented_fields(client, programme):
    """The API is a contract: a field added to the snapshot (or a speaker's address)
    reaches it only when it is named here too."""
    body = client.get(f"/api/v1/conferences/{SLUG}").json
    assert set(body) == {
        "slug", "title", "timezone", "venue", "days", "release", "published_at", "url",
        "ics_url", "schedule_xml_url", "schedule_json_url", "description_md", "address",
        "rooms", "tracks", "speakers", "items",
    }  # fmt: skip
    assert {frozenset(room) for room in body["rooms"]} == {
        frozenset({"guid", "name", "capacity", "accessibility_notes"})
    }
    assert {frozenset(track) for track in body["tracks"]} == {
        frozenset({"slug", "name", "colour", "description"})
    }
    assert {frozenset(speaker) for speaker in body["speakers"]} == {
        frozenset({"guid", "name", "organisation", "job_title", "bio"})
    }
    assert {frozenset(item) for item in body["items"]} == {
        frozenset({
            "id", "guid", "title", "abstract", "kind", "track", "themes", "principles",
            "language", "room", "starts_at", "ends_at", "status", "sequence",
            "last_modified", "limited_seats", "speakers",
        })
    }  # fmt: skip


def test_the_detail_has_a_strong_etag_and_answers_304(client, programme):
    first = client.get(f"/api/v1/conferences/{SLUG}")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    again = client.get(f"/api/v1/conferences/{SLUG}", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_a_versioned_detail_is_that_release(client, programme):
    move(programme.items[1], 30)
    db.session.commit()
    publish(programme)
    newest = client.get(f"/api/v1/conferences/{SLUG}").json
    first = client.get(f"/api/v1/conferences/{SLUG}?release=1").json
    assert (newest["release"], first["release"]) == (2, 1)
    by_guid = {item["guid"]: item for item in first["items"]}
    moved = next(i for i in newest["items"] if i["guid"] == programme.items[1].guid)
    assert moved["sequence"] == by_guid[moved["guid"]]["sequence"] + 1
    assert moved["starts_at"] != by_guid[moved["guid"]]["starts_at"]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/conferences/no-such", 404, "not_found"),
        (f"/api/v1/conferences/{SLUG}?release=7", 404, "not_found"),
        (f"/api/v1/conferences/{SLUG}?release=first", 400, "invalid_parameter"),
        (f"/api/v1/conferences/{SLUG}?release=-1", 400, "invalid_parameter"),
        ("/api/v1/conferences/utkast-2027", 404, "not_found"),
    ],
)
def test_errors_have_the_apis_shape(client, programme, path, status, code):
    db_programme(slug="utkast-2027")
    response = client.get(path)
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]
