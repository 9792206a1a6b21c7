"""A release's programme items as calendar entries. Pure.

The mapping from a release snapshot (``snapshot.py``'s shape) to the neutral
``calendar.ical.CalendarEntry``: which items a file holds, with what UID, status, text
and link. Nothing here reads the request, the clock or the database; where links point
comes in as ``Links`` (``exports_views.py`` makes it by the one rule for absolute links),
so this module knows no route.

The rules (the shared calendar reference), and why:

- ``UID:conference-item-<guid>@<host>``: the item's guid is fixed for its life and an
  item is one occurrence, so the UID is stable and unique, never derived from its title
  or time. The host is the one of ``LMS_BASE_URL``, as for offerings' sessions.
- Times are written in the conference's own IANA zone (``TZID`` plus ``VTIMEZONE``),
  never floating: a client in another zone shows the right instant.
- ``SEQUENCE`` and ``LAST-MODIFIED`` (and ``DTSTAMP``) are the item's own in the
  release (``snapshot.carry`` moves them only when the item changed), so an unchanged
  item is byte for byte the same in every release and the same release gives the same
  bytes.
- A cancelled item stays in the file with ``STATUS:CANCELLED`` (its SEQUENCE was raised
  by ``carry``), so subscribed clients remove it.
- ``LOCATION`` is "room (venue)"; ``DESCRIPTION`` is the abstract, the speakers and the
  item's address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lms.calendar.ical import CalendarEntry, build_calendar
from lms.conference.snapshot import parse


@dataclass(frozen=True)
class Links:
    """Where a file's entries point: the host in their UIDs, and each item's page
    (``item_url(item_id)``, an absolute URL)."""

    uid_host: str
    item_url: Callable[[int], str]


def item_uid(guid: str, uid_host: str) -> str:
    return f"conference-item-{guid}@{uid_host}"


def location_of(room: str, venue: str) -> str:
    """ "room (venue)", or whichever of the two there is."""
    room, venue = room.strip(), venue.strip()
    if room and venue:
        return f"{room} ({venue})"
    return room or venue


def speakers_line(item: dict, speakers: dict[int, dict]) -> str:
    """The item's speakers in their order, each with their organisation."""
    names = []
    for speaker_id in item["speaker_ids"]:
        speaker = speakers.get(speaker_id)
        if speaker is None:
            continue
        organisation = (speaker.get("organisation") or "").strip()
        names.append(f"{speaker['name']} ({organisation})" if organisation else speaker["name"])
    return ", ".join(names)


def item_entry(snapshot: dict, item: dict, links: Links) -> CalendarEntry:
    """The entry for one ``item`` of the release ``snapshot``."""
    conference = snapshot["conference"]
    rooms = {room["id"]: room["name"] for room in snapshot["rooms"]}
    speakers = {speaker["id"]: speaker for speaker in snapshot["speakers"]}
    url = links.item_url(item["id"])
    parts = [(item.get("abstract") or "").strip(), speakers_line(item, speakers), url]
    return CalendarEntry(
        uid=item_uid(item["guid"], links.uid_host),
        start=parse(item["starts_at"]),
        end=parse(item["ends_at"]),
        timezone=conference["timezone"],
        summary=item["title"],
        description="\n\n".join(part for part in parts if part),
        location=location_of(rooms.get(item["room_id"], ""), conference.get("venue") or ""),
        url=url,
        status="CANCELLED" if item["status"] == "cancelled" else "CONFIRMED",
        sequence=item["sequence"],
        last_modified=parse(item["last_modified"]),
    )


def programme_entries(snapshot: dict, links: Links, items: Iterable[dict] | None = None) -> list:
    """Entries for ``items`` (all of the release's when None), in the release's order
    (by start, then id)."""
    chosen = snapshot["items"] if items is None else items
    return [item_entry(snapshot, item, links) for item in chosen]


def track_items(snapshot: dict, track_slug: str) -> list[dict] | None:
    """The release's items of the track ``track_slug``; None when it has no such track."""
    track = next((t for t in snapshot["tracks"] if t["slug"] == track_slug), None)
    if track is None:
        return None
    return [item for item in snapshot["items"] if item["track_id"] == track["id"]]


def item_by_id(snapshot: dict, item_id: int) -> dict | None:
    return next((item for item in snapshot["items"] if item["id"] == item_id), None)


def calendar_bytes(snapshot: dict, name: str, links: Links, items: Iterable[dict] | None = None):
    """The file named ``name`` holding ``items`` (all the release's when None)."""
    zone = snapshot["conference"]["timezone"]
    return build_calendar(name, programme_entries(snapshot, links, items), zone=zone)
