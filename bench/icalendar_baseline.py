"""The yardstick of the cold ``schedule.ics``: the same events of a release snapshot,
serialised directly with the icalendar library (no app, no request, no database).

It writes what the programme's file holds for each item (UID, times in the conference's
zone with its VTIMEZONE, SEQUENCE, LAST-MODIFIED, status, title, place, description with
the speakers), so the ratio is the cost of the app around the serialisation.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event


def calendar_bytes(snapshot: dict, host: str = "bench.lms") -> bytes:
    zone = ZoneInfo(snapshot["conference"]["timezone"])
    rooms = {room["id"]: room["name"] for room in snapshot["rooms"]}
    speakers = {speaker["id"]: speaker["name"] for speaker in snapshot["speakers"]}
    venue = snapshot["conference"]["venue"]
    calendar = Calendar()
    calendar.add("prodid", "-//bench//icalendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", snapshot["conference"]["title"])
    for item in snapshot["items"]:
        event = Event()
        modified = datetime.fromisoformat(item["last_modified"])
        event.add("uid", f"conference-item-{item['guid']}@{host}")
        event.add("dtstamp", modified)
        event.add("last-modified", modified)
        event.add("sequence", item["sequence"])
        event.add("dtstart", datetime.fromisoformat(item["starts_at"]).astimezone(zone))
        event.add("dtend", datetime.fromisoformat(item["ends_at"]).astimezone(zone))
        event.add("summary", item["title"])
        event.add("location", f"{rooms.get(item['room_id'], '')} ({venue})")
        names = ", ".join(speakers[s] for s in item["speaker_ids"] if s in speakers)
        event.add("description", f"{item['abstract']}\n\n{names}")
        event.add("status", "CANCELLED" if item["status"] == "cancelled" else "CONFIRMED")
        event.add("url", f"https://{host}/items/{item['id']}")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
