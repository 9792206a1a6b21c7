"""Factories for the programme builder's tests: a conference with days, rooms, a track,
speakers and items, built directly with the models (committed), on dates a year or more
ahead so nothing depends on the day the tests run."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from factories import today_in_oslo

from lms.conference.models import Conference, ConferenceDay, Item, Room, Speaker, Track
from lms.extensions import db

OSLO = ZoneInfo("Europe/Oslo")


def first_day() -> date:
    """A Tuesday in June more than a year ahead (summer time all day, a working day)."""
    day = date(today_in_oslo().year + 1, 6, 1)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Oslo on ``day``, as aware UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO).astimezone(UTC)


def make_conference(
    slug: str = "anskaffelser", *, days: int = 2, rooms=(("Sal A", 200), ("Sal B", 40))
):
    """A conference from ``first_day()`` for ``days`` days, 08:00–18:00 Oslo time, with
    rooms, one track and no items."""
    conference = Conference(
        slug=slug,
        title="Anskaffelseskonferansen",
        timezone="Europe/Oslo",
        venue="Oslo kongressenter",
        day_starts=time(8),
        day_ends=time(18),
    )
    start = first_day()
    conference.days = [ConferenceDay(day=start + timedelta(days=n)) for n in range(days)]
    conference.rooms = [
        Room(name=name, capacity=capacity, position=n) for n, (name, capacity) in enumerate(rooms)
    ]
    conference.tracks = [Track(slug="klima", name="Klima og miljø", colour="#1e5a8a")]
    db.session.add(conference)
    db.session.commit()
    return conference


def make_speaker(conference, name: str = "Kari Taler", *, user=None, email: str = "") -> Speaker:
    speaker = Speaker(
        conference_id=conference.id, name=name, user_id=user.id if user else None, email=email
    )
    db.session.add(speaker)
    db.session.commit()
    return speaker


def make_item(conference, title: str, *, room=None, start=None, minutes: int = 45,
              speakers=(), status: str = "scheduled", **fields) -> Item:  # fmt: skip
    """An item, placed in ``room`` at ``start`` (aware UTC) when both are given."""
    item = Item(conference_id=conference.id, title=title, status=status, **fields)
    if room is not None and start is not None:
        item.room_id, item.starts_at, item.ends_at = (
            room.id,
            start,
            start + timedelta(minutes=minutes),
        )
    item.speakers = list(speakers)
    db.session.add(item)
    db.session.commit()
    return item


def page(client, path: str, status: int = 200) -> str:
    """The page at ``path`` as text, after checking it answered ``status``."""
    response = client.get(path)
    assert response.status_code == status, path
    return response.get_data(as_text=True)
