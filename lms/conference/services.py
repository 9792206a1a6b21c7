"""Organisers build a conference: its settings, days, rooms, tracks and speakers.
Programme items, and placing them in the grid, are in ``items.py``.

Every service takes the acting user and refuses anyone but an organiser
(``require_organiser``), checks the values it is given (a ``ConferenceError`` with the
field it belongs to and a message saying what to change), ``flush()``es and never
commits: the view commits once. These rows are the draft; nothing reaches the public
until ``releases.publish``.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import lru_cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.conference.colours import is_hex_colour, readable_on_white
from lms.conference.models import Conference, ConferenceDay, Room, Speaker, Track
from lms.core.service_errors import ServiceError
from lms.events.services import require_organiser
from lms.extensions import db

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONFERENCE_FIELDS = (
    "slug",
    "title",
    "description_md",
    "timezone",
    "venue",
    "address",
    "day_starts",
    "day_ends",
)
ROOM_FIELDS = ("name", "capacity", "accessibility_notes")
TRACK_FIELDS = ("slug", "name", "colour", "description")
SPEAKER_FIELDS = ("name", "email", "organisation", "job_title", "bio")


class ConferenceError(ServiceError):
    """A refused change to a conference; ``field`` names the form field it belongs to
    (None: the form as a whole) and ``message`` says what to change."""

    def __init__(self, code: str, message=None, field: str | None = None) -> None:
        super().__init__(code)
        self.message = message
        self.field = field


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows (``Europe/Oslo``)."""
    return name in _zones()


def clean_text(data: dict, name: str, *, required: bool = False, limit: int = 200) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        raise ConferenceError("required", _l("This field is required."), name)
    if len(value) > limit:
        raise ConferenceError("too_long", _l("This is too long."), name)
    return value


def _slug(data: dict) -> str:
    slug = clean_text(data, "slug", required=True, limit=60)
    if not SLUG_RE.match(slug):
        raise ConferenceError(
            "bad_slug",
            _l("Use lower case letters a–z, digits and hyphens only (e.g. “anskaffelser-2027”)."),
            "slug",
        )
    return slug


def _conference_values(data: dict) -> dict:
    values = {
        "slug": _slug(data),
        "title": clean_text(data, "title", required=True),
        "description_md": clean_text(data, "description_md", limit=20000),
        "timezone": clean_text(data, "timezone", required=True, limit=64),
        "venue": clean_text(data, "venue"),
        "address": clean_text(data, "address", limit=300),
        "day_starts": data.get("day_starts"),
        "day_ends": data.get("day_ends"),
    }
    if not is_zone(values["timezone"]):
        raise ConferenceError(
            "bad_zone", _l("Give an IANA time zone such as Europe/Oslo."), "timezone"
        )
    starts, ends = values["day_starts"], values["day_ends"]
    if not isinstance(starts, time) or not isinstance(ends, time):
        raise ConferenceError("no_hours", _l("Give the hours each day runs."), "day_starts")
    if ends <= starts:
        raise ConferenceError("bad_hours", _l("The day must end after it starts."), "day_ends")
    return values


def _slug_taken(slug: str, conference: Conference | None) -> bool:
    statement = select(Conference.id).where(Conference.slug == slug)
    if conference is not None and conference.id is not None:
        statement = statement.where(Conference.id != conference.id)
    return db.session.scalar(statement) is not None


def create_conference(actor, data: dict) -> Conference:
    """A new conference (organisers only); its programme is an empty draft."""
    require_organiser(actor)
    values = _conference_values(data)
    if _slug_taken(values["slug"], None):
        raise ConferenceError("slug_taken", _l("Another conference has this address."), "slug")
    conference = Conference(**values)
    db.session.add(conference)
    db.session.flush()
    return conference


def update_conference(actor, conference: Conference, data: dict) -> Conference:
    """Change a conference's settings (its address, zone, venue and hours)."""
    require_organiser(actor)
    values = _conference_values(data)
    if _slug_taken(values["slug"], conference):
        raise ConferenceError("slug_taken", _l("Another conference has this address."), "slug")
    for name, value in values.items():
        setattr(conference, name, value)
    db.session.flush()
    return conference


def add_day(actor, conference: Conference, day: date | None) -> ConferenceDay:
    """Add a date the conference runs on (each date once)."""
    require_organiser(actor)
    if not isinstance(day, date):
        raise ConferenceError("no_day", _l("Give the date."), "day")
    if any(existing.day == day for existing in conference.days):
        raise ConferenceError("day_taken", _l("The conference already has this day."), "day")
    made = ConferenceDay(day=day)
    conference.days.append(made)
    db.session.flush()
    return made


def remove_day(actor, conference: Conference, day: ConferenceDay) -> None:
    """Take a day off the conference; items placed on it then clash until moved."""
    require_organiser(actor)
    if day.conference_id != conference.id:
        raise ConferenceError("not_found")
    conference.days.remove(day)
    db.session.flush()


def _next_position(model, conference: Conference) -> int:
    highest = db.session.scalar(
        select(func.max(model.position)).where(model.conference_id == conference.id)
    )
    return (highest or 0) + 1


def save_room(actor, conference: Conference, data: dict, room: Room | None = None) -> Room:
    """Add a room (``room`` None) or change one: name (unique in the conference),
    capacity (0 or more) and accessibility notes."""
    require_organiser(actor)
    name = clean_text(data, "name", required=True, limit=100)
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or capacity < 0 or capacity > 100000:
        raise ConferenceError(
            "bad_capacity", _l("Give the number of seats (0 or more)."), "capacity"
        )
    if any(other.name == name and other is not room for other in conference.rooms):
        raise ConferenceError("name_taken", _l("Another room has this name."), "name")
    if room is None:
        room = Room(position=_next_position(Room, conference))
        conference.rooms.append(room)
    room.name, room.capacity = name, capacity
    room.accessibility_notes = clean_text(data, "accessibility_notes", limit=2000)
    db.session.flush()
    return room


def save_track(actor, conference: Conference, data: dict, track: Track | None = None) -> Track:
    """Add a track or change one. Its colour is the background of white text wherever
    the programme shows the track, so it must give a contrast of at least 4.5:1 (WCAG
    1.4.3) against white."""
    require_organiser(actor)
    slug = _slug(data)
    colour = clean_text(data, "colour", required=True, limit=7).lower()
    if not is_hex_colour(colour):
        raise ConferenceError("bad_colour", _l("Give the colour as #rrggbb."), "colour")
    if not readable_on_white(colour):
        raise ConferenceError(
            "low_contrast",
            _l("White text on this colour is hard to read: choose a darker colour."),
            "colour",
        )
    if any(other.slug == slug and other is not track for other in conference.tracks):
        raise ConferenceError("slug_taken", _l("Another track has this address."), "slug")
    if track is None:
        track = Track(position=_next_position(Track, conference))
        conference.tracks.append(track)
    track.slug, track.colour = slug, colour
    track.name = clean_text(data, "name", required=True, limit=100)
    track.description = clean_text(data, "description", limit=2000)
    db.session.flush()
    return track


def save_speaker(
    actor, conference: Conference, data: dict, speaker: Speaker | None = None
) -> Speaker:
    """Add a speaker's profile or change one (the invitation by e-mail, which links the
    profile to the speaker's account, is a step of its own)."""
    require_organiser(actor)
    email = clean_text(data, "email", limit=254).lower()
    if email and ("@" not in email or " " in email):
        raise ConferenceError("bad_email", _l("Give a valid e-mail address."), "email")
    values = {
        "name": clean_text(data, "name", required=True),
        "email": email,
        "organisation": clean_text(data, "organisation"),
        "job_title": clean_text(data, "job_title"),
        "bio": clean_text(data, "bio", limit=5000),
    }
    if speaker is None:
        speaker = Speaker(conference_id=conference.id)
        db.session.add(speaker)
    elif speaker.conference_id != conference.id:
        raise ConferenceError("not_found")
    for name, value in values.items():
        setattr(speaker, name, value)
    db.session.flush()
    return speaker


def speakers_of(conference: Conference) -> list[Speaker]:
    """The conference's speakers by name."""
    return list(
        db.session.scalars(
            select(Speaker)
            .where(Speaker.conference_id == conference.id)
            .options(selectinload(Speaker.user))
            .order_by(Speaker.name, Speaker.id)
        )
    )


def conferences() -> list[Conference]:
    """Every conference, the newest first (the organisers' list)."""
    return list(
        db.session.scalars(select(Conference).order_by(Conference.created_at.desc(), Conference.id))
    )
