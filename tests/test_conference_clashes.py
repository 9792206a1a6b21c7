"""Clash detection (lms/conference/clashes.py) and track colours (colours.py): pure
functions over plain values, checked without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lms.conference.clashes import Slot, clashing_item_ids, find_clashes, hard_clashes
from lms.conference.colours import contrast_ratio, is_hex_colour, readable_on_white

pytestmark = pytest.mark.pure

OSLO = ZoneInfo("Europe/Oslo")
DAY = date(2030, 6, 4)  # pure code never compares with now: a fixed date is honest here


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO).astimezone(UTC)


def slot(id, start, minutes=60, room=1, speakers=(), status="scheduled", interest=0):
    return Slot(
        id,
        f"Item {id}",
        room,
        start,
        start + timedelta(minutes=minutes),
        tuple(speakers),
        status,
        interest,
    )


def clashes(slots, days=(DAY,), capacities=None):
    return find_clashes(
        slots,
        days=days,
        day_starts=time(8),
        day_ends=time(18),
        zone="Europe/Oslo",
        capacities=capacities or {1: 100, 2: 100},
    )


def kinds(found):
    return [(clash.kind, clash.item_ids, clash.target) for clash in found]


def test_a_room_booked_twice_at_once_is_a_hard_clash_naming_both_items():
    found = clashes([slot(1, at(DAY, 9)), slot(2, at(DAY, 9, 30)), slot(3, at(DAY, 10))])
    # 1 (9:00–10:00) and 2 (9:30–10:30) overlap; 2 and 3 (10:00–11:00) too; 1 and 3 touch.
    assert kinds(found) == [("room", (1, 2), 2), ("room", (2, 3), 3)]
    assert all(clash.hard for clash in found)
    assert found[0].titles == ("Item 1", "Item 2") and found[0].room_id == 1


def test_back_to_back_items_and_other_rooms_do_not_clash():
    assert clashes([slot(1, at(DAY, 9)), slot(2, at(DAY, 10)), slot(3, at(DAY, 9), room=2)]) == []


def test_a_speaker_in_two_rooms_at_once_clashes():
    found = clashes(
        [slot(1, at(DAY, 9), speakers=[7, 8]), slot(2, at(DAY, 9, 45), room=2, speakers=[8])]
    )
    assert kinds(found) == [("speaker", (1, 2), 2)]
    assert found[0].speaker_id == 8


def test_items_outside_the_days_or_the_hours_clash():
    found = clashes(
        [
            slot(1, at(DAY + timedelta(days=1), 9)),  # not a conference day
            slot(2, at(DAY, 7, 30), room=2),  # starts before 08:00
            slot(3, at(DAY, 17, 30), room=2),  # ends 18:30
            slot(4, at(DAY, 8), minutes=600, room=3),  # 08:00–18:00 exactly: inside
        ]
    )
    # In programme order: by start.
    assert kinds(found) == [
        ("outside_hours", (2,), 2),
        ("outside_hours", (3,), 3),
        ("outside_days", (1,), 1),
    ]


def test_hours_are_local_wall_time_on_the_days_summer_time_ends():
    """Saturday 26 and Sunday 27 October 2030 in Oslo: summer time ends on the Sunday at
    03:00, so an hour from 15:30 UTC ends at 18:30 on the Saturday (outside) but 17:30 on the Sunday
    (inside); an offset fixed at either day's would get one of them wrong."""
    saturday, sunday = date(2030, 10, 26), date(2030, 10, 27)
    utc = lambda day: datetime.combine(day, time(15, 30), tzinfo=UTC)  # noqa: E731
    found = clashes([slot(1, utc(saturday)), slot(2, utc(sunday))], days=(saturday, sunday))
    assert kinds(found) == [("outside_hours", (1,), 1)]
    # And 06:30 UTC is 08:30 on the Saturday (inside) but 07:30 on the Sunday (outside).
    early = lambda day: datetime.combine(day, time(6, 30), tzinfo=UTC)  # noqa: E731
    found = clashes([slot(1, early(saturday)), slot(2, early(sunday))], days=(saturday, sunday))
    assert kinds(found) == [("outside_hours", (2,), 2)]


def test_cancelled_and_unplaced_items_never_clash():
    cancelled = slot(2, at(DAY, 9), speakers=[1], status="cancelled")
    unplaced = Slot(3, "Unplaced", None, None, None)
    outside = slot(4, at(DAY, 20), status="cancelled", interest=999)
    assert clashes([slot(1, at(DAY, 9), speakers=[1]), cancelled, unplaced, outside]) == []


def test_more_interest_than_seats_is_a_warning_only():
    found = clashes(
        [slot(1, at(DAY, 9), interest=41, room=2), slot(2, at(DAY, 11), interest=40, room=2)],
        capacities={2: 40},
    )
    assert kinds(found) == [("capacity", (1,), 1)]
    assert not found[0].hard and found[0].numbers == (41, 40)
    assert hard_clashes(found) == [] and clashing_item_ids(found) == set()


def test_hard_clashes_come_before_warnings():
    found = clashes([slot(1, at(DAY, 9), interest=500), slot(2, at(DAY, 9))], capacities={1: 10})
    assert [clash.kind for clash in found] == ["room", "capacity"]
    assert clashing_item_ids(found) == {1, 2}


@pytest.mark.parametrize(
    ("colour", "readable"),
    [
        ("#1e5a8a", True),
        ("#000000", True),
        ("#767676", True),
        ("#777777", False),
        ("#ffcc00", False),
        ("#ffffff", False),
        ("#0062ba", True),
    ],
)
def test_a_track_colour_must_give_white_text_a_contrast_of_4_5(colour, readable):
    assert readable_on_white(colour) is readable


def test_contrast_ratio_is_wcags():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert is_hex_colour("#A0b1c2") and not is_hex_colour("red") and not is_hex_colour("#abc")
