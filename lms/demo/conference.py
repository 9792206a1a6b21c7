"""The demo conference's rows: the conference, its days, rooms, tracks, speakers and
programme (``conference_programme``), keyed on the conference's slug so a second run
adds nothing. Its two days are the first Tuesday and Wednesday at least 120 days ahead,
so the demo always has a conference to come."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lms.conference.models import Conference, ConferenceDay, Item, Room, Speaker, Track
from lms.demo import conference_programme as demo
from lms.extensions import db

ZONE = "Europe/Oslo"


def first_day(today: date) -> date:
    """The first Tuesday at least 120 days after ``today``."""
    start = today + timedelta(days=120)
    return start + timedelta(days=(1 - start.weekday()) % 7)


def load_conference(today: date) -> Conference | None:
    """The demo conference with its draft programme; None when it exists already."""
    if db.session.scalar(select(Conference.id).where(Conference.slug == demo.SLUG)):
        return None
    opening = first_day(today)
    conference = Conference(
        slug=demo.SLUG,
        title=demo.TITLE,
        description_md=(
            "Den årlige konferansen om samfunnsansvar i offentlige anskaffelser: "
            "menneskerettigheter, lønns- og arbeidsvilkår, klima og miljø, og antikorrupsjon."
        ),
        timezone=ZONE,
        venue="Oslo kongressenter",
        address="Youngs gate 21, 0181 Oslo",
    )
    days = [opening, opening + timedelta(days=1)]
    conference.days = [ConferenceDay(day=day) for day in days]
    conference.rooms = [
        Room(name=name, capacity=capacity, accessibility_notes=notes, position=n)
        for n, (name, capacity, notes) in enumerate(demo.ROOMS)
    ]
    conference.tracks = [
        Track(slug=slug, name=name, colour=colour, position=n, description=name)
        for n, (slug, name, colour, _theme, _room) in enumerate(demo.TRACKS)
    ]
    db.session.add(conference)
    db.session.flush()
    people = [
        Speaker(
            conference_id=conference.id,
            name=person.name,
            organisation=person.organisation,
            job_title=person.job_title,
            bio=person.bio,
        )
        for person in demo.speakers()
    ]
    db.session.add_all(people)
    zone = ZoneInfo(ZONE)
    for entry in demo.programme():
        starts = datetime.combine(days[entry.day], entry.start, tzinfo=zone).astimezone(UTC)
        theme = entry.themes[0] if entry.themes else None
        db.session.add(
            Item(
                conference_id=conference.id,
                title=entry.title,
                abstract=entry.abstract,
                kind=entry.kind,
                track=conference.tracks[entry.track] if entry.track is not None else None,
                themes=list(entry.themes),
                principles=demo.PRINCIPLES.get(theme, []),
                language=entry.language,
                room=conference.rooms[entry.room],
                starts_at=starts,
                ends_at=starts + timedelta(minutes=entry.minutes),
                speakers=[people[key] for key in entry.speakers],
            )
        )
    db.session.flush()
    return conference
