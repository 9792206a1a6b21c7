"""Organisers edit programme items and place them in the grid (a room, a start, an end;
moving an item is placing it again).

Placing never refuses a clash: a room booked twice or an item outside the day's hours
is shown on the builder's pages and blocks publishing (``clashes.py``), so an organiser
can lay out a day freely and mend it before the release. Times are aware UTC; the forms
read wall-clock times in the conference's own zone (``conference_time``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.conference.models import ITEM_STATUSES, LANGUAGES, SESSION_TYPES, Conference, Item
from lms.conference.services import ConferenceError, clean_text, speakers_of
from lms.events.models import PRINCIPLES, THEMES
from lms.events.services import require_organiser
from lms.extensions import db


def zone_of(conference: Conference) -> ZoneInfo:
    return ZoneInfo(conference.timezone)


def conference_time(conference: Conference, day: date, clock: time) -> datetime:
    """A wall-clock date and time in the conference's zone, as aware UTC."""
    return datetime.combine(day, clock, tzinfo=zone_of(conference)).astimezone(UTC)


def local_time(conference: Conference, moment: datetime) -> datetime:
    """An aware moment as wall-clock time in the conference's zone."""
    return moment.astimezone(zone_of(conference))


def items_of(conference: Conference) -> list[Item]:
    """The draft's items, placed ones by start, then unplaced ones."""
    items = db.session.scalars(select(Item).where(Item.conference_id == conference.id)).all()
    return sorted(
        items,
        key=lambda i: (i.starts_at is None, i.starts_at or datetime.min.replace(tzinfo=UTC), i.id),
    )


def _choice(data: dict, name: str, allowed, default):
    value = data.get(name, default)
    if value not in allowed:
        raise ConferenceError("bad_choice", _l("Choose one of the options."), name)
    return value


def _many(data: dict, name: str, allowed) -> list:
    values = list(data.get(name) or [])
    if any(value not in allowed for value in values):
        raise ConferenceError("bad_choice", _l("Choose among the options."), name)
    return sorted(set(values))


def save_item(actor, conference: Conference, data: dict, item: Item | None = None) -> Item:
    """Add a programme item (unplaced) or change one: title, abstract, type, track,
    themes, principles, language, status and speakers (in the order given)."""
    require_organiser(actor)
    if item is not None and item.conference_id != conference.id:
        raise ConferenceError("not_found")
    track_id = data.get("track_id") or None
    if track_id is not None and track_id not in {track.id for track in conference.tracks}:
        raise ConferenceError(
            "bad_choice", _l("Choose one of the conference's tracks."), "track_id"
        )
    speakers = {speaker.id: speaker for speaker in speakers_of(conference)}
    speaker_ids = list(dict.fromkeys(data.get("speaker_ids") or []))
    if any(speaker_id not in speakers for speaker_id in speaker_ids):
        raise ConferenceError(
            "bad_choice", _l("Choose among the conference's speakers."), "speaker_ids"
        )
    values = {
        "title": clean_text(data, "title", required=True),
        "abstract": clean_text(data, "abstract", limit=20000),
        "kind": _choice(data, "kind", SESSION_TYPES, "talk"),
        "track_id": track_id,
        "themes": _many(data, "themes", THEMES),
        "principles": _many(data, "principles", PRINCIPLES),
        "language": _choice(data, "language", LANGUAGES, "nb"),
        "status": _choice(data, "status", ITEM_STATUSES, "scheduled"),
    }
    if item is None:
        item = Item(conference_id=conference.id)
        db.session.add(item)
    for name, value in values.items():
        setattr(item, name, value)
    item.speakers = [speakers[speaker_id] for speaker_id in speaker_ids]
    db.session.flush()
    return item


def place_item(
    actor, item: Item, room_id: int | None, starts_at: datetime | None, ends_at: datetime | None
) -> Item:
    """Place (or move) ``item``: a room of its conference, a start and a later end."""
    require_organiser(actor)
    conference = db.session.get(Conference, item.conference_id)
    if room_id not in {room.id for room in conference.rooms}:
        raise ConferenceError("bad_choice", _l("Choose one of the conference's rooms."), "room_id")
    if starts_at is None or ends_at is None:
        raise ConferenceError("no_time", _l("Give the start and the end."), "start")
    if ends_at <= starts_at:
        raise ConferenceError("ends_before_start", _l("The item must end after it starts."), "end")
    item.room_id, item.starts_at, item.ends_at = room_id, starts_at, ends_at
    db.session.flush()
    return item


def unplace_item(actor, item: Item) -> Item:
    """Take ``item`` out of the grid (once published, the next release cancels it)."""
    require_organiser(actor)
    item.room_id = item.starts_at = item.ends_at = None
    db.session.flush()
    return item
