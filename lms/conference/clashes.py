"""Clashes in a conference programme. Pure: plain values in, a list of clashes out.

Hard clashes block publishing:
- ``room``: a room booked twice at once (two items in it overlap);
- ``speaker``: a speaker in two places at once (two of their items overlap);
- ``outside_days``: an item on a date that is not one of the conference's days;
- ``outside_hours``: an item that starts before the day's hours or ends after them, in
  local wall time in the conference's zone (so a day on which summer time begins or ends
  keeps the same hours on the clock).
A soft one is a warning only:
- ``capacity``: more people starred the item or hold a seat for it than its room seats.

Cancelled and unplaced items never clash. Each clash names its items (ids and titles)
and ``target``, the item to open to mend it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

HARD_KINDS = ("room", "speaker", "outside_days", "outside_hours")
SOFT_KINDS = ("capacity",)


@dataclass(frozen=True)
class Slot:
    """An item as clash detection sees it. ``interest``: how many different people
    starred it or hold a seat for it."""

    id: int
    title: str
    room_id: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    speaker_ids: tuple[int, ...] = ()
    status: str = "scheduled"
    interest: int = 0

    @property
    def counts(self) -> bool:
        return (
            self.status != "cancelled"
            and self.room_id is not None
            and self.starts_at is not None
            and self.ends_at is not None
        )


@dataclass(frozen=True)
class Clash:
    """One clash: its ``kind``, the items (``item_ids``, ``titles``), the item to fix
    (``target``) and what it is about (the room, the speaker, the numbers)."""

    kind: str
    item_ids: tuple[int, ...]
    titles: tuple[str, ...]
    target: int
    room_id: int | None = None
    speaker_id: int | None = None
    numbers: tuple[int, ...] = field(default_factory=tuple)

    @property
    def hard(self) -> bool:
        return self.kind in HARD_KINDS


def _overlap(first: Slot, second: Slot) -> bool:
    return first.starts_at < second.ends_at and second.starts_at < first.ends_at


def _pair(kind: str, first: Slot, second: Slot, **about) -> Clash:
    # The later of the two is the one to move (the earlier was there first).
    return Clash(kind, (first.id, second.id), (first.title, second.title), second.id, **about)


def find_clashes(
    slots: Iterable[Slot],
    *,
    days: Iterable[date],
    day_starts: time,
    day_ends: time,
    zone: str,
    capacities: Mapping[int, int],
) -> list[Clash]:
    """Every clash of the programme, hard ones first, each in programme order."""
    placed = sorted(
        (slot for slot in slots if slot.counts), key=lambda s: (s.starts_at, s.ends_at, s.id)
    )
    local = ZoneInfo(zone)
    day_set = set(days)
    hard: list[Clash] = []
    soft: list[Clash] = []
    for index, slot in enumerate(placed):
        for other in placed[index + 1 :]:
            if other.starts_at >= slot.ends_at:
                break  # sorted by start: none further on overlaps ``slot``
            if not _overlap(slot, other):
                continue
            if slot.room_id == other.room_id:
                hard.append(_pair("room", slot, other, room_id=slot.room_id))
            for speaker_id in sorted(set(slot.speaker_ids) & set(other.speaker_ids)):
                hard.append(_pair("speaker", slot, other, speaker_id=speaker_id))
        start, end = slot.starts_at.astimezone(local), slot.ends_at.astimezone(local)
        one = ((slot.id,), (slot.title,), slot.id)
        if start.date() not in day_set:
            hard.append(Clash("outside_days", *one))
        elif end.date() != start.date() or start.time() < day_starts or end.time() > day_ends:
            hard.append(Clash("outside_hours", *one))
        capacity = capacities.get(slot.room_id)
        if capacity is not None and slot.interest > capacity:
            soft.append(
                Clash("capacity", *one, room_id=slot.room_id, numbers=(slot.interest, capacity))
            )
    return hard + soft


def hard_clashes(clashes: Iterable[Clash]) -> list[Clash]:
    return [clash for clash in clashes if clash.hard]


def clashing_item_ids(clashes: Iterable[Clash]) -> set[int]:
    """The items any hard clash names (the grid marks them)."""
    return {item_id for clash in clashes if clash.hard for item_id in clash.item_ids}


def too_small_rooms(clashes: Iterable[Clash]) -> dict[int, Clash]:
    """The room-size warning of each item that has one, by item id (the grid marks them)."""
    return {clash.target: clash for clash in clashes if clash.kind == "capacity"}


def clashes_of(clashes: Iterable[Clash], item_id: int) -> list[Clash]:
    """The clashes and warnings that name the item (what a move into place is told)."""
    return [clash for clash in clashes if item_id in clash.item_ids]
