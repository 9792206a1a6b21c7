"""The demo conference: its rows (days, rooms, tracks, speakers and the programme of
``conference_programme``), its registration and round-table seats, release 1, and 600
registered attendees with personal agendas. Keyed on the conference's slug, so a second
run adds nothing. It runs on the day the demo is loaded and the day after, so that the
door can be tried at once: the attendees registered two weeks before, and a third of
those who come on the first day are already checked in with the code of their mail.

Registering and checking in go through the registration engine and the door (seats,
waiting lists, the mail with the QR code), exactly as a person would; only the
attendees' accounts and their stars are written directly, as the demo's other
participants are."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lms.accounts.models import User
from lms.conference.attendees import check_in
from lms.conference.models import Conference, ConferenceDay, Item, Room, Speaker, Track
from lms.conference.registration import (
    days_of,
    ensure_item_seats,
    ensure_offering,
    register_attendee,
)
from lms.conference.release_models import Attendee, Star
from lms.conference.releases import publish
from lms.demo import conference_programme as demo
from lms.extensions import db
from lms.registrations import services as registrations
from lms.registrations.models import Registration
from lms.timeutil import utcnow

ZONE = "Europe/Oslo"
ATTENDEES = 600
CAPACITY = 650
STARS_EACH = 5


REGISTERED_DAYS_BEFORE = 14
CHECKED_IN_EACH = 3  # one in three of the first day's attendees is in already


def first_day(today: date) -> date:
    """The conference opens on the day the demo is loaded."""
    return today


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


def load_conference_demo(today: date, organiser: User, password_hash: str) -> int:
    """The whole demo conference (see the module's note); the number of attendees added."""
    conference = load_conference(today)
    if conference is None:
        return 0
    ensure_offering(organiser, conference, capacity=CAPACITY)
    items = list(db.session.scalars(select(Item).where(Item.conference_id == conference.id)))
    seats_of = {entry.title: entry.seats for entry in demo.programme() if entry.seats}
    seated = [
        ensure_item_seats(organiser, item, seats_of[item.title])
        for item in items
        if item.title in seats_of
    ]
    publish(organiser, conference)
    people = _attendees(password_hash)
    registered_at = utcnow() - timedelta(days=REGISTERED_DAYS_BEFORE)
    days = [day.day.isoformat() for day in conference.days]
    placed = [item for item in items if item.kind not in ("break", "networking")]
    for n, person in enumerate(people):
        # Most come both days; every fifth only the first, every seventh only the second.
        chosen = days[:1] if n % 5 == 0 else days[1:] if n % 7 == 0 else days
        needs = "Vegetar" if n % 9 == 0 else ""
        access = "Rullestolbruker: trenger plass ved midtgangen" if n % 50 == 0 else ""
        register_attendee(
            person, conference, days=chosen, dietary=needs, accessibility=access,
            now=registered_at,
        )  # fmt: skip
        for k in range(STARS_EACH):
            db.session.add(
                Star(user_id=person.id, item_id=placed[(n * 7 + k * 13) % len(placed)].id)
            )
    # The round tables fill up: 45 ask for 40 seats, so five wait.
    for r, offering in enumerate(seated):
        for person in people[r * 45 : r * 45 + 45]:
            registrations.register(person, offering.id, now=registered_at)
    db.session.flush()
    _check_in_some(organiser, conference)
    return len(people)


def _check_in_some(organiser: User, conference: Conference) -> None:
    """The first morning has begun: one in three of the day's attendees is in."""
    first = conference.days[0].day
    rows = db.session.execute(
        select(Attendee.code, Registration.answers)
        .join(Registration, Registration.id == Attendee.registration_id)
        .where(Attendee.conference_id == conference.id)
        .order_by(Attendee.id)
    ).all()
    coming = [code for code, answers in rows if first in days_of(conference, answers)]
    for code in coming[::CHECKED_IN_EACH]:
        check_in(organiser, conference, code)
    db.session.flush()


def _attendees(password_hash: str) -> list[User]:
    """600 attendees from the public buyers the agency teaches (one shared password)."""
    organisations = [name for name, _title in demo.ORGANISATIONS if name != "OECD"]
    people = [
        User(
            email=f"konferanse{n:03}@demo.lms",
            password_hash=password_hash,
            name=f"{demo.FIRST_NAMES[n % len(demo.FIRST_NAMES)]} "
            f"{demo.LAST_NAMES[(n // len(demo.FIRST_NAMES)) % len(demo.LAST_NAMES)]}",
            organisation=organisations[n % len(organisations)],
            job_title="Innkjøper",
            language="en" if n % 10 == 0 else "nb",
            email_verified_at=utcnow(),
        )
        for n in range(1, ATTENDEES + 1)
    ]
    db.session.add_all(people)
    db.session.flush()
    return people
