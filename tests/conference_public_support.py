"""Factories for the public programme's tests: a conference built from the models
directly, and its releases made with ``snapshot.take`` + ``snapshot.carry`` (no
builder services), so these tests depend on nothing but the tables and the snapshot."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from factories import today_in_oslo

from lms.conference import snapshot
from lms.conference.models import Conference, ConferenceDay, Item, Room, Speaker, Track
from lms.conference.release_models import Release
from lms.extensions import db

OSLO = ZoneInfo("Europe/Oslo")
# A word longer than a 320 px screen is wide, in titles, so reflow is checked with it.
LONG_WORD = "Leverandørkjedeansvarlighetsvurderingsseminar"


def at(day, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` Oslo wall time on ``day``, as aware UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO).astimezone(UTC)


def make_conference(slug: str = "anskaffelseskonferansen", days_ahead: int = 40) -> Conference:
    """Two days, two rooms, two tracks, three speakers and five placed items (one
    unplaced), 40 days ahead: on day one "Åpning" (keynote, 09:00–10:00, room Sal A,
    track Klima), "Klimakrav" (talk, 10:15–11:00, Sal A) and "Rundbord" (round table,
    10:30–11:30, Sal B, English, anti-corruption, principle 10): the last two overlap.
    On day two "Menneskerettigheter" (panel, 09:00–10:00, Sal B)."""
    first = today_in_oslo() + timedelta(days=days_ahead)
    second = first + timedelta(days=1)
    conference = Conference(
        slug=slug,
        title="Anskaffelseskonferansen",
        venue="Oslo kongressenter",
        address="Youngs gate 21, Oslo",
    )
    conference.days = [ConferenceDay(day=first), ConferenceDay(day=second)]
    sal_a = Room(name="Sal A", capacity=400, accessibility_notes="Trinnfri inngang, teleslynge")
    sal_b = Room(name="Sal B", capacity=40, position=1)
    conference.rooms = [sal_a, sal_b]
    klima = Track(slug="klima", name="Klima og miljø", colour="#1e5a8a")
    korrupsjon = Track(slug="antikorrupsjon", name="Antikorrupsjon", colour="#7a2e0e", position=1)
    conference.tracks = [klima, korrupsjon]
    db.session.add(conference)
    db.session.flush()
    ada = Speaker(
        conference_id=conference.id,
        name="Ada Ås",
        organisation="DFØ",
        job_title="Direktør",
        bio="Leder **anskaffelser**.",
    )
    bo = Speaker(conference_id=conference.id, name="Bo Berg", organisation="OECD")
    cy = Speaker(conference_id=conference.id, name="Cy Chen", organisation="TI Norge")
    db.session.add_all([ada, bo, cy])

    def item(title, kind, day, start, end, room, **fields):
        made = Item(
            conference_id=conference.id,
            title=title,
            kind=kind,
            room=room,
            starts_at=at(day, *start),
            ends_at=at(day, *end),
            **fields,
        )
        db.session.add(made)
        return made

    item(
        "Åpning",
        "keynote",
        first,
        (9, 0),
        (10, 0),
        sal_a,
        track=klima,
        speakers=[ada, bo],
        abstract="Velkommen til *konferansen*.",
        themes=["climate_environment"],
        principles=[7, 8],
    )
    item(
        "Klimakrav",
        "talk",
        first,
        (10, 15),
        (11, 0),
        sal_a,
        track=klima,
        speakers=[bo],
        themes=["climate_environment"],
        principles=[8],
    )
    item(
        "Rundbord",
        "round_table",
        first,
        (10, 30),
        (11, 30),
        sal_b,
        track=korrupsjon,
        speakers=[cy],
        language="en",
        themes=["anti_corruption"],
        principles=[10],
    )
    item(
        "Menneskerettigheter",
        "panel",
        second,
        (9, 0),
        (10, 0),
        sal_b,
        speakers=[ada],
        themes=["human_rights"],
        principles=[1, 2],
    )
    db.session.add(Item(conference_id=conference.id, title="Ikke plassert", kind="talk"))
    db.session.flush()
    return conference


def items_of(conference) -> list[Item]:
    return list(db.session.scalars(db.select(Item).where(Item.conference_id == conference.id)))


def item_named(conference, title: str) -> Item:
    return next(i for i in items_of(conference) if i.title == title)


def publish(conference, now: datetime | None = None) -> Release:
    """The draft as the next release (take + carry), committed."""
    db.session.flush()
    db.session.expire_all()
    previous = db.session.scalar(
        db.select(Release)
        .where(Release.conference_id == conference.id)
        .order_by(Release.number.desc())
    )
    speakers = db.session.scalars(
        db.select(Speaker).where(Speaker.conference_id == conference.id)
    ).all()
    draft = snapshot.take(conference, items_of(conference), speakers)
    now = now or datetime.now(UTC)
    data, changes = snapshot.carry(previous.snapshot if previous else None, draft, now)
    release = Release(
        conference_id=conference.id,
        number=(previous.number + 1) if previous else 1,
        published_at=now,
        snapshot=data,
        changes=changes,
    )
    db.session.add(release)
    db.session.commit()
    return release
