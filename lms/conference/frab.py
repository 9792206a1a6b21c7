"""A release's programme as ``schedule.json`` and ``schedule.xml``, the frab / c3voc format
that conference apps (Giggity, EventFahrplan, info-beamer…) read. Pure.

One dict (``schedule``) is built from the release snapshot; the JSON is that dict, the
XML is written from it, so the two files never disagree. Both are valid against the
c3voc schemas (the shared ``schedule.schema.json`` and ``schedule.xml.xsd``, checked by
the tests). The rules, and why:

- ``id`` is the item's database id and ``guid`` its guid: an item is one scheduled
  occurrence and keeps both for life, so they are unique per slot and stable across
  releases (apps key sessions on ``id``; a changed id makes sessions vanish and
  "schedule changed" alerts loop).
- Cancelled items are left out: the format has no cancelled state, and apps drop a
  session a new release no longer lists. (The ``.ics`` files keep them, marked.)
- Times are the conference's wall time with its offset (``2027-06-01T09:00:00+02:00``),
  ``start`` as ``HH:MM`` and ``duration`` as ``HH:MM``; an item belongs to the day of its
  local start. A day runs from its first item's start to its last item's end (local
  midnight to midnight when it has none), so it is right on the days summer time starts
  or ends, when a day is 23 or 25 hours long.
- The acronym and slugs are made to fit the schemas' patterns (lower-case ASCII; the
  acronym without hyphens); an item's slug is ``<acronym>-<id>-<title words>``, unique
  because of the id.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from lms.conference.snapshot import parse

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = "Anskaffelser LMS"
XML_TYPE = "application/vnd.c3voc.schedule+xml"
JSON_TYPE = "application/json"
TIMESLOT = "00:05"
# Letters the ASCII slug spells out rather than drops.
_SPELLED = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "ß": "ss", "þ": "th", "đ": "d"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")  # the JSON schema's pattern
_TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]")  # fits both schemas
# Characters XML 1.0 cannot hold; a pasted abstract may carry one.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Links:
    """Where the schedule points: the site's base, this file's own address, and each
    item's page (``item_url(item_id)``); all absolute http(s) URLs."""

    base_url: str
    schedule_url: str
    item_url: Callable[[int], str]


def slug_words(text: str, limit: int = 50) -> str:
    """Lower-case ASCII words joined by hyphens ("Åpne anskaffelser" -> "aapne-anskaffelser")."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_SPELLED))
    ascii_text = folded.encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text).strip("-")[:limit].strip("-")


def acronym_of(slug: str) -> str:
    """The conference's slug as the schemas' acronym: ``[a-z0-9_]``, at least four."""
    words = slug_words(slug, 60).replace("-", "_") or "conf"
    return words.ljust(4, "_")


def item_slug(acronym: str, item: dict) -> str:
    words = slug_words(item["title"])
    if len(words) < 2:
        words = "item"
    return f"{acronym}-{item['id']}-{words}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_bounds(day: date, items: list[dict], zone: ZoneInfo) -> tuple[datetime, datetime]:
    if items:
        start = min(parse(item["starts_at"]) for item in items)
        end = max(parse(item["ends_at"]) for item in items)
        return start.astimezone(zone), end.astimezone(zone)
    midnight = datetime.combine(day, time.min, tzinfo=zone)
    following = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return midnight, following


def _event(item: dict, snapshot: dict, acronym: str, links: Links, zone: ZoneInfo) -> dict:
    rooms = {room["id"]: room["name"] for room in snapshot["rooms"]}
    tracks = {track["id"]: track["name"] for track in snapshot["tracks"]}
    speakers = {speaker["id"]: speaker for speaker in snapshot["speakers"]}
    start = parse(item["starts_at"]).astimezone(zone)
    end = parse(item["ends_at"]).astimezone(zone)
    minutes = int((end - start).total_seconds() // 60)
    return {
        "id": item["id"],
        "guid": item["guid"],
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "end": end.isoformat(),
        "duration": _hhmm(minutes),
        "room": rooms.get(item["room_id"], ""),
        "slug": item_slug(acronym, item),
        "url": links.item_url(item["id"]),
        "title": item["title"],
        "subtitle": None,
        "track": tracks.get(item["track_id"]),
        "type": item["kind"],
        "language": item["language"],
        "abstract": item.get("abstract") or "",
        "persons": [
            {"name": speakers[sid]["name"], "guid": speakers[sid]["guid"]}
            for sid in item["speaker_ids"]
            if sid in speakers
        ],
        "links": [],
    }


def schedule(snapshot: dict, number: int, links: Links) -> dict:
    """The release ``number``'s programme as the c3voc JSON schema's document."""
    conference = snapshot["conference"]
    zone = ZoneInfo(conference["timezone"])
    acronym = acronym_of(conference["slug"])
    shown = [item for item in snapshot["items"] if item["status"] != "cancelled"]
    by_day: dict[date, list[dict]] = {date.fromisoformat(day): [] for day in snapshot["days"]}
    for item in shown:
        by_day.setdefault(parse(item["starts_at"]).astimezone(zone).date(), []).append(item)
    days = []
    for index, day in enumerate(sorted(by_day), start=1):
        items = by_day[day]
        day_start, day_end = _day_bounds(day, items, zone)
        rooms: dict[str, list] = {room["name"]: [] for room in snapshot["rooms"]}
        for item in items:
            event = _event(item, snapshot, acronym, links, zone)
            rooms.setdefault(event["room"], []).append(event)
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": day_start.isoformat(),
                "day_end": day_end.isoformat(),
                "rooms": rooms,
            }
        )
    dates = sorted(by_day)
    body = {
        "acronym": acronym,
        "title": conference["title"],
        "start": dates[0].isoformat() if dates else "",
        "end": dates[-1].isoformat() if dates else "",
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
        "url": links.base_url,
        "rooms": [
            {"name": room["name"], "guid": room["guid"], "capacity": room["capacity"]}
            for room in snapshot["rooms"]
        ],
        "tracks": [_track(track) for track in snapshot["tracks"]],
        "days": days,
    }
    if _ZONE_NAME.search(conference["timezone"]):
        body["time_zone_name"] = conference["timezone"]
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": GENERATOR},
        "schedule": {
            "version": str(number),
            "base_url": links.base_url,
            "conference": body,
        },
    }


def _track(track: dict) -> dict:
    shown = {"name": track["name"], "color": track["colour"]}
    if _TRACK_SLUG.fullmatch(track["slug"]):
        shown["slug"] = track["slug"]
    return shown


def schedule_json(snapshot: dict, number: int, links: Links) -> bytes:
    """``schedule.json``: the same document always gives the same bytes."""
    body = schedule(snapshot, number, links)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _text(value) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def _add(parent: ElementTree.Element, tag: str, text=None, **attributes) -> ElementTree.Element:
    element = ElementTree.SubElement(
        parent, tag, {key: _text(value) for key, value in attributes.items()}
    )
    if text is not None:
        element.text = _text(text)
    return element


def schedule_xml(snapshot: dict, number: int, links: Links) -> bytes:
    """``schedule.xml``, written from the same document as the JSON."""
    document = schedule(snapshot, number, links)["schedule"]
    conference = document["conference"]
    root = ElementTree.Element("schedule")
    _add(root, "generator", name=GENERATOR)
    _add(root, "url", links.schedule_url)
    _add(root, "version", document["version"])
    head = _add(root, "conference")
    _add(head, "acronym", conference["acronym"])
    _add(head, "title", conference["title"])
    if conference["start"]:
        _add(head, "start", conference["start"])
        _add(head, "end", conference["end"])
    _add(head, "days", conference["daysCount"])
    _add(head, "timeslot_duration", conference["timeslot_duration"])
    _add(head, "base_url", document["base_url"])
    if "time_zone_name" in conference:
        _add(head, "time_zone_name", conference["time_zone_name"])
    for track in conference["tracks"]:
        _add(head, "track", track["name"], **track)
    for day in conference["days"]:
        day_element = _add(
            root,
            "day",
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
            index=day["index"],
        )
        guids = {room["name"]: room["guid"] for room in conference["rooms"]}
        for name, events in day["rooms"].items():
            room = _add(
                day_element, "room", name=name, **({"guid": guids[name]} if name in guids else {})
            )
            for event in events:
                _event_xml(room, event)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _event_xml(room: ElementTree.Element, event: dict) -> None:
    element = _add(room, "event", id=event["id"], guid=event["guid"])
    for tag in ("room", "title", "type", "date", "start", "duration", "abstract", "slug"):
        _add(element, tag, event[tag])
    _add(element, "track", event["track"] or "")
    persons = _add(element, "persons")
    for person in event["persons"]:
        _add(persons, "person", person["name"], guid=person["guid"])
    _add(element, "language", event["language"])
    _add(element, "links")
    _add(element, "url", event["url"])
