"""``GET /api/v1/conferences`` and ``GET /api/v1/conferences/<slug>``: the published
programmes, public like the catalogue.

Both read releases (``conference.published``), never the draft: a conference without a
release is not listed and its detail is a 404. The detail is the newest release, or the
one ``?release=N`` asks for; it is built from the release's snapshot alone, so the same
release always gives the same bytes and ETag. Timestamps are the API's (``serialise.iso``:
the LMS zone with its offset), and each item also says the conference's own zone.
"""

from __future__ import annotations

import re

from flask import request

from lms.api.blueprint import bp, cacheable, json_bytes, public
from lms.api.serialise import iso
from lms.conference.models import Conference
from lms.conference.published import newest_releases, published_release
from lms.conference.release_models import Release
from lms.conference.snapshot import parse
from lms.core.errors import api_error
from lms.core.urls import external_url

_NUMBER = re.compile(r"[1-9][0-9]{0,6}")
NOT_FOUND = "No such conference (or none of its programme is published yet)."


def _links(slug: str) -> dict:
    return {
        "url": external_url("lms_api.conference", slug=slug),
        "ics_url": external_url("lms_conference.schedule_ics", slug=slug),
        "schedule_xml_url": external_url("lms_conference.schedule_file", slug=slug, fmt="xml"),
        "schedule_json_url": external_url("lms_conference.schedule_file", slug=slug, fmt="json"),
    }


def _summary(conference: Conference, release: Release) -> dict:
    part = release.snapshot["conference"]
    return {
        "slug": conference.slug,
        "title": part["title"],
        "timezone": part["timezone"],
        "venue": part["venue"],
        "days": release.snapshot["days"],
        "release": release.number,
        "published_at": iso(release.published_at),
        **_links(conference.slug),
    }


def _moment(value: str | None) -> str | None:
    return iso(parse(value)) if value else None


def _item(item: dict, rooms: dict, tracks: dict, speakers: dict) -> dict:
    return {
        "id": item["id"],
        "guid": item["guid"],
        "title": item["title"],
        "abstract": item["abstract"],
        "kind": item["kind"],
        "track": tracks.get(item["track_id"]),
        "themes": item["themes"],
        "principles": item["principles"],
        "language": item["language"],
        "room": rooms.get(item["room_id"]),
        "starts_at": _moment(item["starts_at"]),
        "ends_at": _moment(item["ends_at"]),
        "status": item["status"],
        "sequence": item["sequence"],
        "last_modified": _moment(item["last_modified"]),
        "limited_seats": item["offering_id"] is not None,
        "speakers": [speakers[s] for s in item["speaker_ids"] if s in speakers],
    }


# What the API shows of a release's rooms, tracks and speakers: named here, so a field
# added to the snapshot for the organisers' pages is not published by accident.
ROOM_KEYS = ("guid", "name", "capacity", "accessibility_notes")
TRACK_KEYS = ("slug", "name", "colour", "description")
SPEAKER_KEYS = ("guid", "name", "organisation", "job_title", "bio")


def _by_id(rows: list[dict], keys: tuple[str, ...]) -> dict[int, dict]:
    return {row["id"]: {key: row[key] for key in keys} for row in rows}


def detail(conference: Conference, release: Release) -> dict:
    """A release of the programme: days, rooms, tracks, speakers, and every item (the
    cancelled ones too, marked) with its speakers."""
    snapshot = release.snapshot
    part = snapshot["conference"]
    rooms = _by_id(snapshot["rooms"], ROOM_KEYS)
    tracks = _by_id(snapshot["tracks"], TRACK_KEYS)
    speakers = _by_id(snapshot["speakers"], SPEAKER_KEYS)
    return {
        **_summary(conference, release),
        "description_md": part["description_md"],
        "address": part["address"],
        "rooms": list(rooms.values()),
        "tracks": list(tracks.values()),
        "speakers": list(speakers.values()),
        "items": [_item(item, rooms, tracks, speakers) for item in snapshot["items"]],
    }


@bp.get("/conferences")
@public
def conferences():
    """Every conference with a published programme, by title: its newest release."""
    rows = newest_releases()
    body = {"conferences": [_summary(conference, release) for conference, release in rows]}
    return cacheable(json_bytes(body))


@bp.get("/conferences/<slug>")
@public
def conference(slug: str):
    """One conference's programme (``?release=N``: as of release N)."""
    number = request.args.get("release")
    if number is not None and not _NUMBER.fullmatch(number):
        return api_error(400, "'release' must be a whole number from 1 up.", "invalid_parameter")
    found = published_release(slug, int(number) if number else None)
    if found is None:
        return api_error(404, NOT_FOUND, "not_found")
    return cacheable(json_bytes(detail(*found)))
