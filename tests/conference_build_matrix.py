"""The programme builder's rows of the permission matrix (tests/test_permissions.py):
every route under /manage/conferences is for organisers (and admins, who hold every
role); the conference has a clash, so publishing is refused (409) for them too."""

from __future__ import annotations

from conference_build_support import at, first_day, make_conference, make_item, make_speaker

LOGIN = "login"


def _organisers(status):
    return (LOGIN, 403, 403, status, status)


C = "/manage/conferences/{b_conference}"
# (method, endpoint, path, expected per role, form data)
CONFERENCE_BUILD_ROUTES = [
    ("GET", "manage_conferences", "/manage/conferences", _organisers(200), {}),
    ("GET", "new_conference", "/manage/conferences/new", _organisers(200), {}),
    ("POST", "new_conference", "/manage/conferences/new", _organisers(400), {}),
    ("GET", "manage_conference", C, _organisers(200), {}),
    ("GET", "conference_settings", f"{C}/settings", _organisers(200), {}),
    ("POST", "conference_settings", f"{C}/settings", _organisers(400), {"slug": "Ikke gyldig"}),
    ("POST", "add_day", f"{C}/days", _organisers(400), {}),
    ("POST", "conference_registration", f"{C}/registration", _organisers(400), {}),
    ("POST", "remove_day", f"{C}/days/{{b_day}}/delete", _organisers(302), {}),
    ("GET", "day_grid", f"{C}/days/{{b_day}}", _organisers(200), {}),
    ("GET", "room_form", f"{C}/rooms/new", _organisers(200), {}),
    ("GET", "room_form", f"{C}/rooms/{{b_room}}", _organisers(200), {}),
    ("POST", "room_form", f"{C}/rooms/new", _organisers(400), {}),
    ("GET", "track_form", f"{C}/tracks/new", _organisers(200), {}),
    ("GET", "track_form", f"{C}/tracks/{{b_track}}", _organisers(200), {}),
    ("POST", "track_form", f"{C}/tracks/new", _organisers(400), {}),
    ("GET", "speaker_form", f"{C}/speakers/new", _organisers(200), {}),
    ("GET", "speaker_form", f"{C}/speakers/{{b_speaker}}", _organisers(200), {}),
    ("POST", "speaker_form", f"{C}/speakers/new", _organisers(400), {}),
    ("GET", "item_form", f"{C}/items/new", _organisers(200), {}),
    ("GET", "item_form", f"{C}/items/{{b_item}}", _organisers(200), {}),
    ("POST", "item_form", f"{C}/items/new", _organisers(400), {}),
    ("GET", "item_seats", f"{C}/items/{{b_table}}/seats", _organisers(200), {}),
    ("POST", "item_seats", f"{C}/items/{{b_table}}/seats", _organisers(400), {}),
    ("GET", "move_item", f"{C}/items/{{b_item}}/move", _organisers(200), {}),
    ("POST", "move_item", f"{C}/items/{{b_item}}/move", _organisers(400), {}),
    ("GET", "publish_page", f"{C}/publish", _organisers(200), {}),
    ("POST", "publish", f"{C}/publish", _organisers(409), {}),
    ("GET", "release_list", f"{C}/releases", _organisers(200), {}),
]


def conference_build_fixtures() -> dict:
    """A conference with a room booked twice at once, a round table, a speaker and a
    track."""
    conference = make_conference("matrise")
    hall = conference.rooms[0]
    speaker = make_speaker(conference)
    item = make_item(conference, "Åpning", room=hall, start=at(first_day(), 9))
    make_item(conference, "Panel", room=hall, start=at(first_day(), 9, 30))
    table = make_item(conference, "Rundebord", room=conference.rooms[1], start=at(first_day(), 11),
                      kind="round_table")  # fmt: skip
    return {
        "b_conference": conference.id,
        "b_day": conference.days[0].id,
        "b_room": hall.id,
        "b_track": conference.tracks[0].id,
        "b_speaker": speaker.id,
        "b_item": item.id,
        "b_table": table.id,
    }
