"""Factories for the conference export tests: a small programme built either as plain
objects (for the pure tests: no database) or as rows (for the pages, files and API),
and releases made from it with ``snapshot.take`` + ``snapshot.carry`` directly, so the
tests depend on no other part's services.

Dates are in ``year_like(2027)``: a year still ahead whose calendar is 2027's, so the
summer-time changes fall on 28 March and 31 October as in 2027.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from factories import year_like

from lms.conference import snapshot as snapshots

Y2027 = year_like(2027)
ZONE = "Europe/Oslo"
SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "frab"

# (title, day index, local start "HH:MM", minutes, room index, track index or None,
#  speaker indexes, kind)
ITEMS = (
    ("Åpningsforedrag: anskaffelser som virker", 0, "09:00", 45, 0, None, (0,), "keynote"),
    ("Klima i kontraktene", 0, "10:00", 30, 0, 0, (1,), "talk"),
    ("Rundebord om antikorrupsjon", 0, "10:00", 60, 1, 1, (2, 1), "round_table"),
    ("Lunsj", 0, "12:00", 60, 0, None, (), "break"),
    ("Leverandørdialog i praksis", 1, "09:30", 90, 1, 0, (0, 2), "workshop"),
)


@dataclass
class Programme:
    """What a test needs of a built programme: the conference and its parts."""

    conference: object
    rooms: list
    tracks: list
    speakers: list
    items: list
    releases: list = field(default_factory=list)


def local(day: date, hhmm: str, zone: str = ZONE) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(
        UTC
    )


def default_days() -> tuple[date, date]:
    return (date(Y2027, 6, 1), date(Y2027, 6, 2))


def dst_days(month: int) -> tuple[date, date]:
    """The Saturday and Sunday of a summer-time change (28 March, 31 October)."""
    sunday = date(Y2027, 3, 28) if month == 3 else date(Y2027, 10, 31)
    return (sunday - timedelta(days=1), sunday)


def _guid() -> str:
    return str(uuid.uuid4())


def plain_programme(
    days=None, items=ITEMS, slug: str = "anskaffelseskonferansen-2027", zone: str = ZONE
) -> Programme:
    """The programme as plain objects with ids, for ``snapshot.take`` without a database."""
    days = days or default_days()
    ids = iter(range(1, 10_000))
    conference = SimpleNamespace(
        slug=slug,
        title="Anskaffelseskonferansen",
        timezone=zone,
        venue="Oslo kongressenter",
        address="Youngs gate 21, Oslo",
        description_md="Den årlige konferansen.",
        days=[SimpleNamespace(day=day) for day in days],
    )
    rooms = [
        SimpleNamespace(id=next(ids), guid=_guid(), name=name, capacity=cap, accessibility_notes="")
        for name, cap in (("Sal A", 400), ("Rom 2", 40))
    ]
    tracks = [
        SimpleNamespace(id=next(ids), guid=_guid(), slug=s, name=n, colour=c, description="")
        for s, n, c in (
            ("baerekraft", "Bærekraft", "#1e5a8a"),
            ("antikorrupsjon", "Antikorrupsjon", "#7a2e0e"),
        )
    ]
    speakers = [
        SimpleNamespace(
            id=next(ids),
            guid=_guid(),
            name=name,
            organisation=org,
            job_title="Rådgiver",
            bio="",
            photo=None,
        )
        for name, org in (
            ("Kari Nordmann", "DFØ"),
            ("Ola Hansen", "OECD"),
            ("Ingrid Berg", "Transparency International Norge"),
        )
    ]
    conference.rooms, conference.tracks = rooms, tracks
    made = []
    for title, day, start, minutes, room, track, who, kind in items:
        starts = local(days[day], start, zone)
        made.append(
            SimpleNamespace(
                id=next(ids),
                guid=_guid(),
                title=title,
                abstract=f"Om {title.lower()}.",
                kind=kind,
                track_id=tracks[track].id if track is not None else None,
                themes=[],
                principles=[],
                language="nb",
                room_id=rooms[room].id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=minutes),
                status="scheduled",
                speakers=[speakers[i] for i in who],
                offering_id=None,
                is_placed=True,
            )
        )
    return Programme(conference, rooms, tracks, speakers, made)


def release_snapshot(programme: Programme, now: datetime | None = None) -> dict:
    """The next release's snapshot of ``programme`` as it is now (kept in ``releases``)."""
    previous = programme.releases[-1] if programme.releases else None
    draft = snapshots.take(programme.conference, programme.items, programme.speakers)
    stamp = now or datetime(Y2027, 1, 10, 12, 0, tzinfo=UTC) + timedelta(
        days=len(programme.releases)
    )
    following, _changes = snapshots.carry(previous, draft, stamp)
    programme.releases.append(following)
    return following


def move(item, minutes: int) -> None:
    """Move ``item`` later by ``minutes`` (room kept)."""
    item.starts_at += timedelta(minutes=minutes)
    item.ends_at += timedelta(minutes=minutes)


# --- rows in the database ------------------------------------------------------------


def db_programme(days=None, items=ITEMS, slug: str = "anskaffelseskonferansen-2027") -> Programme:
    """The same programme as rows (committed), with no release yet."""
    from lms.conference.models import (
        Conference,
        ConferenceDay,
        Item,
        Room,
        Speaker,
        Track,
        item_speakers,
    )
    from lms.extensions import db

    plain = plain_programme(days, items, slug)
    conference = Conference(
        slug=slug,
        title=plain.conference.title,
        timezone=ZONE,
        venue=plain.conference.venue,
        address=plain.conference.address,
        description_md=plain.conference.description_md,
    )
    conference.days = [ConferenceDay(day=d.day) for d in plain.conference.days]
    conference.rooms = [
        Room(name=r.name, capacity=r.capacity, position=i) for i, r in enumerate(plain.rooms)
    ]
    conference.tracks = [
        Track(slug=t.slug, name=t.name, colour=t.colour, position=i)
        for i, t in enumerate(plain.tracks)
    ]
    db.session.add(conference)
    db.session.flush()
    speakers = [
        Speaker(
            conference_id=conference.id,
            name=s.name,
            organisation=s.organisation,
            job_title=s.job_title,
        )
        for s in plain.speakers
    ]
    db.session.add_all(speakers)
    db.session.flush()
    by_id = {s.id: i for i, s in enumerate(plain.speakers)}
    rooms = {r.id: i for i, r in enumerate(plain.rooms)}
    tracks = {t.id: i for i, t in enumerate(plain.tracks)}
    made = []
    for item in plain.items:
        row = Item(
            conference_id=conference.id,
            title=item.title,
            abstract=item.abstract,
            kind=item.kind,
            track_id=conference.tracks[tracks[item.track_id]].id if item.track_id else None,
            language="nb",
            room_id=conference.rooms[rooms[item.room_id]].id,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
        )
        made.append(row)
    db.session.add_all(made)
    db.session.flush()
    # The speakers in their order (the association's position, as the builder keeps it).
    db.session.execute(
        item_speakers.insert(),
        [
            {"item_id": row.id, "speaker_id": speakers[by_id[s.id]].id, "position": position}
            for row, item in zip(made, plain.items, strict=True)
            for position, s in enumerate(item.speakers)
        ],
    )
    db.session.commit()
    return Programme(conference, conference.rooms, conference.tracks, speakers, made)


def publish(programme: Programme, now: datetime | None = None):
    """A new ``Release`` row of the programme's rows as they are now (committed)."""
    from lms.conference.release_models import Release
    from lms.extensions import db

    following = release_snapshot(programme, now)
    release = Release(
        conference_id=programme.conference.id,
        number=len(programme.releases),
        snapshot=following,
    )
    db.session.add(release)
    db.session.commit()
    return release
