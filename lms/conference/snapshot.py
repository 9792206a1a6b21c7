"""A release's snapshot of the programme, and what changed between two of them. Pure.

The snapshot is the one shape every public reader takes (the programme pages, the
``.ics`` and frab files, the API, the change mails): plain JSON values, times as ISO 8601
in UTC. Each item carries the ``sequence`` and ``last_modified`` it has in that release:
they move only when the item itself changed since the release before (``carry``), so a
release that leaves an item alone gives it the same SEQUENCE and LAST-MODIFIED, and the
same release always gives the same bytes.

Shape::

    {"conference": {"slug", "title", "timezone", "venue", "address", "description_md"},
     "days": ["2027-06-01", ...],
     "rooms": [{"id", "guid", "name", "capacity", "accessibility_notes"}],
     "tracks": [{"id", "slug", "name", "colour", "description"}],
     "speakers": [{"id", "guid", "name", "organisation", "job_title", "bio", "has_photo"}],
     "items": [{"id", "guid", "title", "abstract", "kind", "track_id", "themes",
                "principles", "language", "room_id", "starts_at", "ends_at", "status",
                "speaker_ids", "offering_id", "sequence", "last_modified"}]}
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

# A change to one of these moves the item (SEQUENCE + 1, "moved"); any other field of
# ITEM_FIELDS changes it ("changed"); a new status "cancelled" is "cancelled".
PLACE_FIELDS = ("starts_at", "ends_at", "room_id")
ITEM_FIELDS = (
    "title",
    "abstract",
    "kind",
    "track_id",
    "themes",
    "principles",
    "language",
    "speaker_ids",
    "offering_id",
    "status",
    *PLACE_FIELDS,
)


def iso(moment: datetime | None) -> str | None:
    """A stored time as the snapshot writes it: ISO 8601 in UTC, to the second."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse(value: str) -> datetime:
    """The aware datetime of a snapshot time."""
    return datetime.fromisoformat(value)


def conference_part(conference) -> dict:
    return {
        "slug": conference.slug,
        "title": conference.title,
        "timezone": conference.timezone,
        "venue": conference.venue,
        "address": conference.address,
        "description_md": conference.description_md,
    }


def item_part(item) -> dict:
    """An item's fields as the draft has them (``sequence`` and ``last_modified`` are
    given by ``carry``)."""
    return {
        "id": item.id,
        "guid": item.guid,
        "title": item.title,
        "abstract": item.abstract,
        "kind": item.kind,
        "track_id": item.track_id,
        "themes": sorted(item.themes or []),
        "principles": sorted(item.principles or []),
        "language": item.language,
        "room_id": item.room_id,
        "starts_at": iso(item.starts_at),
        "ends_at": iso(item.ends_at),
        "status": item.status,
        "speaker_ids": [speaker.id for speaker in item.speakers],
        "offering_id": item.offering_id,
    }


def take(conference, items: Iterable, speakers: Iterable) -> dict:
    """The draft as a snapshot without ``sequence``/``last_modified`` (see ``carry``).
    Only placed items are in it: an unplaced draft item is not in the programme."""
    return {
        "conference": conference_part(conference),
        "days": [day.day.isoformat() for day in conference.days],
        "rooms": [
            {
                "id": room.id,
                "guid": room.guid,
                "name": room.name,
                "capacity": room.capacity,
                "accessibility_notes": room.accessibility_notes,
            }
            for room in conference.rooms
        ],
        "tracks": [
            {
                "id": track.id,
                "slug": track.slug,
                "name": track.name,
                "colour": track.colour,
                "description": track.description,
            }
            for track in conference.tracks
        ],
        "speakers": [
            {
                "id": speaker.id,
                "guid": speaker.guid,
                "name": speaker.name,
                "organisation": speaker.organisation,
                "job_title": speaker.job_title,
                "bio": speaker.bio,
                "has_photo": speaker.photo is not None,
            }
            for speaker in sorted(speakers, key=lambda s: s.id)
        ],
        "items": [
            item_part(item)
            for item in sorted(
                items, key=lambda i: (i.starts_at or datetime.max.replace(tzinfo=UTC), i.id)
            )
            if item.is_placed
        ],
    }


def change_kind(before: dict | None, after: dict) -> str | None:
    """What happened to an item between two releases: new, moved, changed, cancelled,
    or None when nothing did."""
    if before is None:
        return "new"
    if after["status"] == "cancelled" and before["status"] != "cancelled":
        return "cancelled"
    if any(before.get(field) != after.get(field) for field in PLACE_FIELDS):
        return "moved"
    if any(before.get(field) != after.get(field) for field in ITEM_FIELDS):
        return "changed"
    return None


def carry(previous: dict | None, draft: dict, now: datetime) -> tuple[dict, list[dict]]:
    """The next release's snapshot and its list of changes.

    An item unchanged since ``previous`` keeps its ``sequence`` and ``last_modified``;
    a changed one gets ``sequence + 1`` and ``now``; a new one 0 and ``now``. An item of
    the previous release that the draft no longer has (deleted, or unplaced) stays in,
    cancelled, so calendars and apps learn it is gone.
    """
    stamp = iso(now)
    before = {item["guid"]: item for item in (previous or {}).get("items", [])}
    items: list[dict] = []
    changes: list[dict] = []
    seen = set()
    for item in draft["items"]:
        seen.add(item["guid"])
        old = before.get(item["guid"])
        kind = change_kind(old, item)
        if kind is None:
            items.append(
                {**item, "sequence": old["sequence"], "last_modified": old["last_modified"]}
            )
            continue
        sequence = 0 if old is None else old["sequence"] + 1
        items.append({**item, "sequence": sequence, "last_modified": stamp})
        changes.append({"guid": item["guid"], "kind": kind, "title": item["title"]})
    for guid, old in before.items():
        if guid in seen:
            continue
        if old["status"] == "cancelled":
            items.append(old)
            continue
        gone = {
            **old,
            "status": "cancelled",
            "sequence": old["sequence"] + 1,
            "last_modified": stamp,
        }
        items.append(gone)
        changes.append({"guid": guid, "kind": "cancelled", "title": old["title"]})
    items.sort(key=lambda item: (item["starts_at"], item["id"]))
    return {**draft, "items": items}, changes
