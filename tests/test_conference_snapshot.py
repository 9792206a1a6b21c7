"""A release's snapshot and what changed between two: SEQUENCE and LAST-MODIFIED move
only with the item, and an item gone from the draft stays in, cancelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from lms.conference import snapshot

pytestmark = pytest.mark.pure

DAY = datetime(2027, 3, 26, 8, 0, tzinfo=UTC)


def conference():
    return SimpleNamespace(
        slug="anskaffelseskonferansen",
        title="Anskaffelseskonferansen",
        timezone="Europe/Oslo",
        venue="Oslo kongressenter",
        address="Youngs gate 21",
        description_md="",
        day_starts=time(8),
        day_ends=time(18),
        days=[SimpleNamespace(day=date(2027, 3, 26))],
        rooms=[
            SimpleNamespace(id=1, guid="r1", name="Sal A", capacity=300, accessibility_notes="")
        ],
        tracks=[],
    )


def item(id_, *, start=0, room=1, title=None, status="scheduled", speakers=()):
    starts = DAY + timedelta(hours=start)
    return SimpleNamespace(
        id=id_,
        guid=f"guid-{id_}",
        title=title or f"Item {id_}",
        abstract="",
        kind="talk",
        track_id=None,
        themes=["human_rights"],
        principles=[2, 1],
        language="nb",
        room_id=room,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        status=status,
        speakers=list(speakers),
        offering_id=None,
        is_placed=room is not None,
    )


def release(previous, items, now):
    return snapshot.carry(previous, snapshot.take(conference(), items, []), now)


def test_the_first_release_makes_every_item_new_at_sequence_zero():
    now = DAY - timedelta(days=30)
    first, changes = release(None, [item(1), item(2, start=1)], now)
    assert [i["sequence"] for i in first["items"]] == [0, 0]
    assert {i["last_modified"] for i in first["items"]} == {snapshot.iso(now)}
    assert [c["kind"] for c in changes] == ["new", "new"]
    assert first["items"][0]["principles"] == [1, 2]
    assert first["items"][0]["starts_at"] == "2027-03-26T08:00:00+00:00"


def test_an_unchanged_item_keeps_its_sequence_and_last_modified():
    first, _ = release(None, [item(1), item(2, start=1)], DAY - timedelta(days=30))
    later = DAY - timedelta(days=2)
    second, changes = release(first, [item(1), item(2, start=3)], later)
    one, two = (next(i for i in second["items"] if i["id"] == n) for n in (1, 2))
    assert (one["sequence"], one["last_modified"]) == (0, first["items"][0]["last_modified"])
    assert (two["sequence"], two["last_modified"]) == (1, snapshot.iso(later))
    assert changes == [{"guid": "guid-2", "kind": "moved", "title": "Item 2"}]


def test_a_new_title_is_a_change_and_a_new_room_a_move():
    first, _ = release(None, [item(1), item(2, start=1)], DAY - timedelta(days=9))
    _, changes = release(first, [item(1, title="Ny tittel"), item(2, start=1, room=2)], DAY)
    assert {c["guid"]: c["kind"] for c in changes} == {"guid-1": "changed", "guid-2": "moved"}


def test_a_cancelled_item_is_cancelled_and_an_item_taken_out_stays_cancelled():
    first, _ = release(None, [item(1), item(2, start=1)], DAY - timedelta(days=9))
    second, changes = release(first, [item(1, status="cancelled")], DAY - timedelta(days=1))
    assert {c["guid"]: c["kind"] for c in changes} == {"guid-1": "cancelled", "guid-2": "cancelled"}
    assert [(i["id"], i["status"], i["sequence"]) for i in second["items"]] == [
        (1, "cancelled", 1),
        (2, "cancelled", 1),
    ]
    # A third release that changes nothing keeps both exactly as they were.
    third, changes = release(second, [item(1, status="cancelled")], DAY)
    assert changes == []
    assert third["items"] == second["items"]


def test_an_unplaced_item_is_not_in_the_programme():
    draft = snapshot.take(conference(), [item(1), item(2, room=None)], [])
    assert [i["id"] for i in draft["items"]] == [1]
