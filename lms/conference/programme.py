"""The published programme as the public pages read it: a release's snapshot with its
rooms, tracks and speakers looked up, a day's items, the filters, and the grid.

Pure: a snapshot (``snapshot.py``) in, plain values out; nothing here reads the
request, the clock or the draft rows, so every page shows exactly what was published.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from lms.conference.models import LANGUAGES, SESSION_TYPES
from lms.conference.snapshot import parse
from lms.events.models import PRINCIPLES, THEMES

FILTERS = ("track", "theme", "principle", "type", "language")


@dataclass(frozen=True)
class ProgrammeItem:
    """One item of a release with what its pages show looked up: times as aware
    datetimes, its room, track and speakers as the snapshot's dicts."""

    data: dict
    room: dict | None
    track: dict | None
    speakers: tuple[dict, ...]
    zone: ZoneInfo

    @property
    def id(self) -> int:
        return self.data["id"]

    @property
    def starts_at(self) -> datetime:
        return parse(self.data["starts_at"])

    @property
    def ends_at(self) -> datetime:
        return parse(self.data["ends_at"])

    @property
    def day(self) -> date:
        """The item's day in the conference's zone."""
        return self.starts_at.astimezone(self.zone).date()

    @property
    def cancelled(self) -> bool:
        return self.data["status"] == "cancelled"

    @property
    def starrable(self) -> bool:
        """Whether it can go in an agenda: not cancelled, and not a break (everyone has
        the breaks; a star on one would only crowd the agenda and the feed)."""
        return not self.cancelled and self.data["kind"] != "break"

    def overlaps(self, other: ProgrammeItem) -> bool:
        """Whether the two run at the same time (touching ends do not overlap)."""
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


class Programme:
    """A release's snapshot, read: ``items`` in time order, lookups by id."""

    def __init__(self, snapshot: Mapping) -> None:
        self.snapshot = snapshot
        self.conference = snapshot["conference"]
        self.zone = ZoneInfo(self.conference["timezone"])
        self.days = [date.fromisoformat(day) for day in snapshot["days"]]
        self.rooms = {room["id"]: room for room in snapshot["rooms"]}
        self.tracks = {track["id"]: track for track in snapshot["tracks"]}
        self.speakers = {speaker["id"]: speaker for speaker in snapshot["speakers"]}

    @cached_property
    def items(self) -> list[ProgrammeItem]:
        return [
            ProgrammeItem(
                data=item,
                room=self.rooms.get(item["room_id"]),
                track=self.tracks.get(item["track_id"]),
                speakers=tuple(self.speakers[s] for s in item["speaker_ids"] if s in self.speakers),
                zone=self.zone,
            )
            for item in self.snapshot["items"]
        ]

    def item(self, item_id: int) -> ProgrammeItem | None:
        return next((item for item in self.items if item.id == item_id), None)

    def items_of_speaker(self, speaker_id: int) -> list[ProgrammeItem]:
        return [item for item in self.items if speaker_id in item.data["speaker_ids"]]

    def speaker_list(self) -> list[dict]:
        """The speakers of the release by name (those in no item too: they are listed)."""
        return sorted(self.speakers.values(), key=lambda s: (s["name"].casefold(), s["id"]))

    def track_choices(self) -> list[tuple[str, str]]:
        """The tracks as (slug, name), in the programme's order, for the track filter."""
        return [(track["slug"], track["name"]) for track in self.snapshot["tracks"]]

    def track_by_slug(self, slug: str) -> dict | None:
        return next((t for t in self.tracks.values() if t["slug"] == slug), None)

    def day_items(self, day: date, filters: ProgrammeFilters | None = None) -> list:
        """The items of ``day`` (in the conference's zone), in time order, filtered."""
        return [
            item
            for item in self.items
            if item.day == day and (filters is None or filters.matches(item))
        ]


@dataclass(frozen=True)
class ProgrammeFilters:
    """The programme's filters as asked for (``?track=&theme=&principle=&type=&language=``).
    A value that means nothing filters nothing and is named in ``invalid`` (a 400)."""

    track: str = ""
    theme: str = ""
    principle: str = ""
    type: str = ""
    language: str = ""
    invalid: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_args(cls, args: Mapping, programme: Programme) -> ProgrammeFilters:
        asked = {name: (args.get(name) or "").strip()[:40] for name in FILTERS}
        allowed = {
            "track": {t["slug"] for t in programme.tracks.values()},
            "theme": set(THEMES),
            "principle": {str(n) for n in PRINCIPLES},
            "type": set(SESSION_TYPES),
            "language": set(LANGUAGES),
        }
        valid = {name: value in allowed[name] for name, value in asked.items()}
        return cls(
            **{name: value if valid[name] else "" for name, value in asked.items()},
            invalid=tuple((n, v) for n, v in asked.items() if v and not valid[n]),
        )

    def matches(self, item: ProgrammeItem) -> bool:
        data = item.data
        return (
            (not self.track or (item.track is not None and item.track["slug"] == self.track))
            and (not self.theme or self.theme in data["themes"])
            and (not self.principle or int(self.principle) in data["principles"])
            and (not self.type or data["kind"] == self.type)
            and (not self.language or data["language"] == self.language)
        )

    def as_args(self) -> dict:
        return {name: getattr(self, name) for name in FILTERS if getattr(self, name)}


@dataclass(frozen=True)
class Grid:
    """A day as a table: ``rooms`` are the columns, ``rows`` one per start time; each
    row is ``(start, cells)`` with one cell per room: a list of items starting then."""

    rooms: list[dict]
    rows: list[tuple[datetime, list[list[ProgrammeItem]]]]


def grid(programme: Programme, items: list[ProgrammeItem]) -> Grid:
    """The grid of ``items`` (one day's): a row per distinct start time, so a screen
    reader reads each cell with its time (row header) and room (column header)."""
    used = {item.data["room_id"] for item in items}
    rooms = [room for room in programme.snapshot["rooms"] if room["id"] in used]
    rows = []
    for start in sorted({item.starts_at for item in items}):
        cells = [
            [i for i in items if i.starts_at == start and i.data["room_id"] == room["id"]]
            for room in rooms
        ]
        rows.append((start, cells))
    return Grid(rooms=rooms, rows=rows)


def overlapping(items: list[ProgrammeItem]) -> list[tuple[ProgrammeItem, ProgrammeItem]]:
    """Each pair of ``items`` (none cancelled) that run at the same time, in time order."""
    live = sorted((i for i in items if not i.cancelled), key=lambda i: (i.starts_at, i.id))
    pairs = []
    for index, first in enumerate(live):
        for second in live[index + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            pairs.append((first, second))
    return pairs


def overlaps_of(items: list[ProgrammeItem]) -> dict[int, list[ProgrammeItem]]:
    """For each of ``items`` that overlaps others of them, those others, in time order."""
    found: dict[int, list[ProgrammeItem]] = {}
    for first, second in overlapping(items):
        found.setdefault(first.id, []).append(second)
        found.setdefault(second.id, []).append(first)
    return found
