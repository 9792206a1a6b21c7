"""A release's programme as a table for the printer: one row per item, typed cells
(dates and times as dates and times, in the conference's zone), written by the one
pair of table writers (``registrations.exports.write_csv`` / ``write_xlsx``: BOM,
separators, formula-safe cells)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from lms.conference.ical_entries import speakers_line
from lms.conference.programme_labels import KIND_LABELS
from lms.conference.snapshot import parse
from lms.events.forms import LANGUAGE_LABELS
from lms.registrations import exports

WIDTHS = (12, 18, 18, 22, 24, 14, 50, 50, 12, 12)


def headings() -> list[str]:
    return [
        _("Date"),
        _("Starts"),
        _("Ends"),
        _("Room"),
        _("Track"),
        _("Type"),
        _("Title"),
        _("Speakers"),
        _("Language"),
        _("Status"),
    ]


def _local(value: str, zone: ZoneInfo) -> datetime:
    """A naive wall time in the conference's zone (spreadsheets have no zones)."""
    return parse(value).astimezone(zone).replace(tzinfo=None)


def rows(snapshot: dict) -> list[list]:
    """One list of typed cells per item of the release, in programme order."""
    zone = ZoneInfo(snapshot["conference"]["timezone"])
    rooms = {room["id"]: room["name"] for room in snapshot["rooms"]}
    tracks = {track["id"]: track["name"] for track in snapshot["tracks"]}
    speakers = {speaker["id"]: speaker for speaker in snapshot["speakers"]}
    table = []
    for item in snapshot["items"]:
        starts, ends = _local(item["starts_at"], zone), _local(item["ends_at"], zone)
        table.append(
            [
                starts.date(),
                starts,
                ends,
                rooms.get(item["room_id"], ""),
                tracks.get(item["track_id"], ""),
                str(KIND_LABELS.get(item["kind"], item["kind"])),
                item["title"],
                speakers_line(item, speakers),
                str(LANGUAGE_LABELS.get(item["language"], item["language"])),
                _("Cancelled") if item["status"] == "cancelled" else _("Scheduled"),
            ]
        )
    return table


def to_csv(snapshot: dict, separator: str) -> bytes:
    return exports.write_csv(headings(), rows(snapshot), separator)


def to_xlsx(snapshot: dict) -> bytes:
    return exports.write_xlsx(
        headings(),
        rows(snapshot),
        sheet_title=_("Programme"),
        title=snapshot["conference"]["title"],
        widths=WIDTHS,
    )
