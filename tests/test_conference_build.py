"""The builder's services (lms/conference/services.py, items.py): organisers only, every
value checked with a message for its field, flush and never commit."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from conference_build_support import at, first_day, make_conference, make_speaker

from lms.conference import items, services
from lms.conference.models import Conference, Item
from lms.core.service_errors import PermissionDenied
from lms.extensions import db

SETTINGS = {
    "slug": "anskaffelser-2031",
    "title": "Anskaffelseskonferansen",
    "timezone": "Europe/Oslo",
    "venue": "Oslo kongressenter",
    "day_starts": time(8, 30),
    "day_ends": time(17),
}


@pytest.fixture
def organiser(factory):
    return factory.user("org@example.no", roles=("organiser",))


def refusal(call) -> services.ConferenceError:
    with pytest.raises(services.ConferenceError) as caught:
        call()
    db.session.rollback()
    return caught.value


def test_an_organiser_creates_a_conference_and_nobody_else_may(factory, organiser):
    made = services.create_conference(organiser, SETTINGS)
    assert (made.slug, made.timezone, made.day_starts) == (
        "anskaffelser-2031",
        "Europe/Oslo",
        time(8, 30),
    )
    db.session.rollback()  # flushed, never committed: the view commits
    assert db.session.scalar(db.select(Conference)) is None
    for someone in (factory.user(), factory.user(roles=("instructor",)), None):
        with pytest.raises(PermissionDenied):
            services.create_conference(someone, SETTINGS)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"slug": "Anskaffelser 2031"}, "slug", "bad_slug"),
        ({"slug": "æøå"}, "slug", "bad_slug"),
        ({"slug": "-a"}, "slug", "bad_slug"),
        ({"slug": ""}, "slug", "required"),
        ({"title": "  "}, "title", "required"),
        ({"timezone": "Europe/Bergen"}, "timezone", "bad_zone"),
        ({"timezone": "CET+1"}, "timezone", "bad_zone"),
        ({"day_ends": time(8)}, "day_ends", "bad_hours"),
        ({"day_starts": None}, "day_starts", "no_hours"),
    ],
)
def test_bad_settings_are_refused_at_their_field(organiser, change, field, code):
    error = refusal(lambda: services.create_conference(organiser, SETTINGS | change))
    assert (error.code, error.field) == (code, field) and error.message is not None


def test_a_slug_belongs_to_one_conference(organiser):
    make_conference("anskaffelser-2031")
    error = refusal(lambda: services.create_conference(organiser, SETTINGS))
    assert (error.code, error.field) == ("slug_taken", "slug")
    other = make_conference("annen")
    services.update_conference(organiser, other, SETTINGS | {"slug": "annen", "timezone": "UTC"})
    assert other.timezone == "UTC"


def test_days_are_added_once_and_removed(organiser):
    conference = make_conference(days=1)
    day = services.add_day(organiser, conference, first_day() + timedelta(days=1))
    db.session.commit()
    assert [d.day for d in conference.days] == [first_day(), first_day() + timedelta(days=1)]
    assert refusal(lambda: services.add_day(organiser, conference, first_day())).code == "day_taken"
    services.remove_day(organiser, conference, conference.days[0])
    assert [d.day for d in conference.days] == [day.day]


def test_rooms_have_a_unique_name_and_a_capacity(organiser):
    conference = make_conference(rooms=(("Sal A", 100),))
    room = services.save_room(
        organiser, conference, {"name": "Sal C", "capacity": 12, "accessibility_notes": "Trinnfri"}
    )
    assert (room.name, room.capacity, room.accessibility_notes) == ("Sal C", 12, "Trinnfri")
    assert (
        refusal(
            lambda: services.save_room(organiser, conference, {"name": "Sal A", "capacity": 5})
        ).field
        == "name"
    )
    assert (
        refusal(
            lambda: services.save_room(organiser, conference, {"name": "Sal D", "capacity": -1})
        ).code
        == "bad_capacity"
    )


def test_a_track_colour_needs_contrast_against_white_text(organiser):
    conference = make_conference()
    track = services.save_track(
        organiser, conference, {"slug": "etikk", "name": "Etikk", "colour": "#6B1F7A"}
    )
    assert track.colour == "#6b1f7a"
    error = refusal(
        lambda: services.save_track(
            organiser, conference, {"slug": "gul", "name": "Gul", "colour": "#ffcc00"}
        )
    )
    assert (error.code, error.field) == ("low_contrast", "colour")
    error = refusal(
        lambda: services.save_track(
            organiser, conference, {"slug": "x", "name": "X", "colour": "blue"}
        )
    )
    assert error.code == "bad_colour"
    error = refusal(
        lambda: services.save_track(
            organiser, conference, {"slug": "klima", "name": "K", "colour": "#000000"}
        )
    )
    assert error.code == "slug_taken"


def test_speakers_profiles(organiser):
    conference = make_conference()
    data = {
        "name": "Ola Nordmann",
        "email": "Ola@Example.no",
        "organisation": "OECD",
        "job_title": "Head of procurement",
        "bio": "Kort om Ola.",
    }
    speaker = services.save_speaker(organiser, conference, data)
    assert (speaker.email, speaker.organisation, speaker.job_title) == (
        "ola@example.no",
        "OECD",
        "Head of procurement",
    )
    assert (
        refusal(
            lambda: services.save_speaker(organiser, conference, data | {"email": "nope"})
        ).field
        == "email"
    )
    assert (
        refusal(lambda: services.save_speaker(organiser, conference, data | {"name": ""})).field
        == "name"
    )


def test_items_have_every_field_and_are_placed_and_moved(organiser):
    conference = make_conference()
    first, second = make_speaker(conference, "A"), make_speaker(conference, "B")
    track = conference.tracks[0]
    data = {
        "title": "Klimakrav",
        "abstract": "Om krav.",
        "kind": "round_table",
        "track_id": track.id,
        "themes": ["climate_environment"],
        "principles": [8, 7],
        "language": "en",
        "speaker_ids": [second.id, first.id],
        "status": "scheduled",
    }
    item = items.save_item(organiser, conference, data)
    assert (item.kind, item.track_id, item.themes, item.principles, item.language) == (
        "round_table",
        track.id,
        ["climate_environment"],
        [7, 8],
        "en",
    )
    assert [s.name for s in item.speakers] == ["B", "A"]
    assert not item.is_placed

    room = conference.rooms[1]
    items.place_item(organiser, item, room.id, at(first_day(), 9), at(first_day(), 10))
    assert item.is_placed and item.room_id == room.id
    items.place_item(
        organiser, item, conference.rooms[0].id, at(first_day(), 11), at(first_day(), 12)
    )
    assert (item.room_id, item.starts_at) == (conference.rooms[0].id, at(first_day(), 11))
    db.session.commit()
    assert db.session.get(Item, item.id).starts_at == at(first_day(), 11)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "lecture"}, "kind"),
        ({"language": "de"}, "language"),
        ({"themes": ["x"]}, "themes"),
        ({"principles": [11]}, "principles"),
        ({"track_id": 999999}, "track_id"),
        ({"speaker_ids": [999999]}, "speaker_ids"),
        ({"title": ""}, "title"),
        ({"status": "gone"}, "status"),
    ],
)
def test_bad_item_values_are_refused_at_their_field(organiser, change, field):
    conference = make_conference()
    data = {"title": "Klimakrav", "kind": "talk", "language": "nb"} | change
    assert refusal(lambda: items.save_item(organiser, conference, data)).field == field


def test_placing_needs_a_room_of_the_conference_and_an_end_after_the_start(organiser):
    conference, other = make_conference(), make_conference("annen")
    item = items.save_item(organiser, conference, {"title": "Klimakrav"})
    start = at(first_day(), 9)
    assert (
        refusal(
            lambda: items.place_item(
                organiser, item, other.rooms[0].id, start, start + timedelta(hours=1)
            )
        ).field
        == "room_id"
    )
    assert (
        refusal(
            lambda: items.place_item(organiser, item, conference.rooms[0].id, start, start)
        ).field
        == "end"
    )
    with pytest.raises(PermissionDenied):
        items.place_item(None, item, conference.rooms[0].id, start, start + timedelta(hours=1))


def test_a_wall_time_in_the_conference_zone_is_stored_as_utc(organiser):
    conference = make_conference()
    conference.timezone = "America/New_York"
    moment = items.conference_time(conference, first_day(), time(9))
    assert moment.utcoffset() == timedelta(0) and moment.hour == 13  # EDT is UTC-4 in June
    assert items.local_time(conference, moment).hour == 9
