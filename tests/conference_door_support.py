"""Rows for the door's tests (conference registration, check-in, badges, speakers), built
directly with the models so they depend on no other part's services."""

from __future__ import annotations

from datetime import time, timedelta

from lms.conference.models import Conference, ConferenceDay, Item, Room, Speaker
from lms.conference.registration import ensure_offering
from lms.core.dates import to_local
from lms.extensions import db
from lms.timeutil import utcnow

_serial = iter(range(1, 10_000))


def conference(organiser, *, days_ahead: int = 30, days: int = 2, capacity: int = 600, **fields):
    """A conference on ``days`` consecutive days from ``days_ahead`` days ahead (Oslo),
    with its registration offering made through ``ensure_offering``."""
    serial = next(_serial)
    first = to_local(utcnow()).date() + timedelta(days=days_ahead)
    made = Conference(
        slug=fields.pop("slug", f"conf-{serial}"),
        title=fields.pop("title", f"Innkjøpskonferansen {serial}"),
        venue="Oslo Kongressenter",
        address="Youngs gate 21",
        day_starts=time(8, 0),
        day_ends=time(17, 0),
        **fields,
    )
    made.days = [ConferenceDay(day=first + timedelta(days=n)) for n in range(days)]
    made.rooms = [Room(name="Sal A", capacity=300, position=0)]
    db.session.add(made)
    db.session.flush()
    ensure_offering(organiser, made, capacity=capacity)
    db.session.commit()
    return made


def item(conference, *, kind: str = "round_table", hours_from_start: int = 1, **fields):
    """A placed item on the conference's first day."""
    from lms.conference.registration import _utc

    day = conference.days[0].day
    starts = _utc(day, time(9 + hours_from_start, 0), conference.timezone)
    made = Item(
        conference_id=conference.id,
        title=fields.pop("title", "Rundebord: åpenhet i leverandørkjeden"),
        kind=kind,
        room=conference.rooms[0],
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        **fields,
    )
    db.session.add(made)
    db.session.commit()
    return made


def speaker(conference, *, email: str = "speaker@example.no", name: str = "Kari Taler"):
    made = Speaker(conference_id=conference.id, email=email, name=name)
    db.session.add(made)
    db.session.commit()
    return made
