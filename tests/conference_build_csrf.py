"""CSRF attacks on the programme builder's forms, for tests/test_security_csrf.py's table:
each forged POST (no token) from an organiser's browser must be refused and change
nothing (the conference's draft as a snapshot, its releases and the outbox)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from conference_build_support import at, first_day, make_conference, make_item
from sqlalchemy import func, select

from lms.conference import snapshot
from lms.conference.models import Conference, ConferenceDay, Item, Room, Speaker, Track
from lms.conference.release_models import Release
from lms.events.models import Offering
from lms.extensions import db
from lms.mail.models import OutboxMessage


@dataclass
class Attack:
    """Same shape as test_security_csrf.Attack: a forged POST and what must not change."""

    path: str
    data: dict
    unchanged: Callable[[], None]


COUNTED = (Conference, ConferenceDay, Room, Track, Speaker, Item, Release, OutboxMessage, Offering)


def _state(conference_id: int):
    db.session.expire_all()
    conference = db.session.get(Conference, conference_id)
    items = db.session.scalars(select(Item).where(Item.conference_id == conference_id)).all()
    speakers = db.session.scalars(select(Speaker)).all()
    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED]
    return snapshot.take(conference, items, speakers), conference.day_starts, counts


def _attack(path: str, data: dict | None = None):
    """An attack on ``path`` (``{conference}``, ``{day}``, ``{item}`` filled in)."""

    def make(factory, login, client):
        login(factory.user("victim@example.no", roles=("organiser",)))
        conference = make_conference("offer")
        item = make_item(conference, "Åpning", room=conference.rooms[0], start=at(first_day(), 9))
        table = make_item(conference, "Rundebord", room=conference.rooms[1],
                          start=at(first_day(), 11), kind="round_table")  # fmt: skip
        ids = {"conference": conference.id, "day": conference.days[0].id, "item": item.id,
               "table": table.id}  # fmt: skip
        before = _state(conference.id)

        def unchanged():
            assert _state(ids["conference"]) == before

        return Attack(path.format(**ids), data or {}, unchanged)

    return make


C = "/manage/conferences/{conference}"
CONFERENCE_BUILD_CSRF_ATTACKS = {
    "lms_conference.new_conference": _attack(
        "/manage/conferences/new", {"slug": "ny", "title": "Ny", "timezone": "Europe/Oslo",
                                    "day_starts": "08:00", "day_ends": "18:00"}),
    "lms_conference.conference_settings": _attack(
        f"{C}/settings", {"slug": "offer", "title": "Hacked", "timezone": "Europe/Oslo",
                          "day_starts": "07:00", "day_ends": "18:00"}),
    "lms_conference.add_day": _attack(f"{C}/days", {"day": "2040-01-01"}),
    "lms_conference.remove_day": _attack(f"{C}/days/{{day}}/delete"),
    "lms_conference.room_form": _attack(f"{C}/rooms/new", {"name": "Ny", "capacity": "5"}),
    "lms_conference.track_form": _attack(
        f"{C}/tracks/new", {"name": "Ny", "slug": "ny", "colour": "#000000"}),
    "lms_conference.speaker_form": _attack(f"{C}/speakers/new", {"name": "Ny"}),
    "lms_conference.item_form": _attack(
        f"{C}/items/{{item}}", {"title": "Hacked", "kind": "talk", "language": "nb",
                                "status": "scheduled", "track_id": "0"}),
    "lms_conference.move_item": _attack(
        f"{C}/items/{{item}}/move", {"day": "2040-01-01", "start": "10:00", "end": "11:00"}),
    "lms_conference.publish": _attack(f"{C}/publish"),
    "lms_conference.item_seats": _attack(f"{C}/items/{{table}}/seats", {"capacity": "5"}),
    "lms_conference.conference_registration": _attack(f"{C}/registration", {"capacity": "600"}),
}  # fmt: skip
