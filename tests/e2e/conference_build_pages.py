"""The programme builder's pages for tests/e2e/site_pages.py's list: openers that build a
conference (with a long Norwegian word in its titles, so narrow screens are tested with
it) and drive the browser to each page, its error states too.

``CONFERENCE_BUILD_PAGES`` holds (name, roles, endpoint, opener, status); site_pages
turns them into its PageSpec rows."""

from __future__ import annotations

from conference_build_support import at, first_day, make_conference, make_item, make_speaker

from lms.conference import releases
from lms.conference.models import Room
from lms.conference.registration import ensure_item_seats, ensure_offering, register_attendee
from lms.conference.release_models import Star
from lms.extensions import db
from lms.registrations import services as registrations

LONG_WORD = "Leverandørkjedeansvarlighetsvurderingsseminar"
_serial = iter(range(1, 10**6))


def _conference(v, *, clash: bool = True):
    """A conference with a speaker, items in its grid (two booked in one room at once
    unless ``clash`` is False, one wanted by more people than its room seats) and one
    item not placed yet."""
    conference = make_conference(
        f"bygg-{next(_serial)}", rooms=((f"Sal {LONG_WORD}", 200), ("Sal B", 1))
    )
    conference.title = f"Konferanse om {LONG_WORD}"
    hall, small = conference.rooms
    day = first_day()
    speaker = make_speaker(conference, f"Kari {LONG_WORD}", email="kari@example.no")
    make_item(conference, f"Åpning: {LONG_WORD}", room=hall, start=at(day, 9), speakers=[speaker])
    make_item(conference, "Panel", room=hall if clash else small, start=at(day, 9, 30))
    wanted = make_item(conference, "Rundebord", room=small, start=at(day, 11), kind="round_table")
    make_item(conference, f"Ikke plassert {LONG_WORD}")
    for _ in range(2):
        db.session.add(Star(user_id=v.new_user().id, item_id=wanted.id))
    db.session.commit()
    return conference


def _base(v, **kwargs) -> str:
    return f"/manage/conferences/{_conference(v, **kwargs).id}"


def conference_list(v) -> None:
    _conference(v)
    v.goto("/manage/conferences")


def new_conference_errors(v) -> None:
    v.goto("/manage/conferences/new")
    v.submit("main form.lms-form", {"slug": "Ikke gyldig", "timezone": "Mars/Olympus"}, status=400)


def conference_page(v) -> None:
    v.goto(_base(v))


def registration_open(v) -> None:
    """The builder's home with registration open: two seats, both taken, one waiting."""
    conference = _conference(v)
    ensure_offering(v.new_user("organiser"), conference, capacity=2)
    days = [day.day.isoformat() for day in conference.days]
    for _ in range(3):
        register_attendee(v.new_user(), conference, days=days)
    db.session.commit()
    v.goto(f"/manage/conferences/{conference.id}")


def registration_warning(v) -> None:
    registration_open(v)
    v.submit("section[aria-labelledby=registration] form", {"capacity": "1"}, status=400)


def settings_page(v) -> None:
    v.goto(f"{_base(v)}/settings")


def room_page(v) -> None:
    conference = _conference(v)
    v.goto(f"/manage/conferences/{conference.id}/rooms/{conference.rooms[0].id}")


def track_errors(v) -> None:
    v.goto(f"{_base(v)}/tracks/new")
    v.submit("main form.lms-form", {"name": "Gul", "slug": "gul", "colour": "#ffcc00"}, status=400)


def speaker_page(v) -> None:
    v.goto(f"{_base(v)}/speakers/new")


def item_page(v) -> None:
    conference = _conference(v)
    item = conference_items(conference)[0]
    v.goto(f"/manage/conferences/{conference.id}/items/{item.id}")


def conference_items(conference):
    from lms.conference.items import items_of

    return items_of(conference)


def seats_page(v) -> None:
    """The round table's seats page, its two seats taken and one person waiting."""
    conference = _conference(v)
    table = next(item for item in conference_items(conference) if item.kind == "round_table")
    offering = ensure_item_seats(v.new_user("organiser"), table, 2)
    for _ in range(3):
        registrations.register(v.new_user(), offering.id)
    db.session.commit()
    v.goto(f"/manage/conferences/{conference.id}/items/{table.id}/seats")


def seats_warning(v) -> None:
    seats_page(v)
    v.submit("main form.lms-form", {"capacity": "1"}, status=400)


def move_page(v) -> None:
    conference = _conference(v)
    item = conference_items(conference)[1]
    v.goto(f"/manage/conferences/{conference.id}/items/{item.id}/move")


def move_errors(v) -> None:
    move_page(v)
    v.submit("main form.lms-form", {"start": "12:00", "end": "11:00"}, status=400)


def moved_warning(v) -> None:
    """The grid after a move into a room too small for those interested: a warning flash."""
    conference = _conference(v)
    table = next(item for item in conference_items(conference) if item.kind == "round_table")
    v.goto(f"/manage/conferences/{conference.id}/items/{table.id}/move")
    v.submit("main form.lms-form", {})


def grid_page(v) -> None:
    """The day's grid with four rooms, each named with a long word, and an item in the
    last: wider than a 1280 px screen, so it must scroll in its own box, not the page."""
    conference = _conference(v)
    for position, name in ((2, f"Møterom {LONG_WORD}"), (3, f"Kjellersal {LONG_WORD}")):
        conference.rooms.append(Room(name=name, capacity=30, position=position))
    db.session.commit()
    make_item(conference, f"Verksted {LONG_WORD}", room=conference.rooms[-1],
              start=at(first_day(), 14))  # fmt: skip
    v.goto(f"/manage/conferences/{conference.id}/days/{conference.days[0].id}")


def publish_with_clashes(v) -> None:
    v.goto(f"{_base(v)}/publish")


def releases_page(v) -> None:
    conference = _conference(v, clash=False)
    releases.publish(v.new_user("organiser"), conference)
    db.session.commit()
    v.goto(f"/manage/conferences/{conference.id}/releases")


ORGANISERS = ("organiser",)
E = "lms_conference."
CONFERENCE_BUILD_PAGES = [
    ("conferences", ("organiser", "admin"), f"{E}manage_conferences", conference_list, 200),
    ("conference-new", ORGANISERS, f"{E}new_conference", "/manage/conferences/new", 200),
    ("conference-new-errors", ORGANISERS, f"{E}new_conference", new_conference_errors, 200),
    ("conference", ORGANISERS, f"{E}manage_conference", conference_page, 200),
    ("conference-registration", ORGANISERS, f"{E}manage_conference", registration_open, 200),
    (
        "conference-registration-warning",
        ORGANISERS,
        f"{E}manage_conference",
        registration_warning,
        200,
    ),
    ("conference-settings", ORGANISERS, f"{E}conference_settings", settings_page, 200),
    ("conference-room", ORGANISERS, f"{E}room_form", room_page, 200),
    ("conference-track-errors", ORGANISERS, f"{E}track_form", track_errors, 200),
    ("conference-speaker", ORGANISERS, f"{E}speaker_form", speaker_page, 200),
    ("conference-item", ORGANISERS, f"{E}item_form", item_page, 200),
    ("conference-seats", ORGANISERS, f"{E}item_seats", seats_page, 200),
    ("conference-seats-warning", ORGANISERS, f"{E}item_seats", seats_warning, 200),
    ("conference-move", ORGANISERS, f"{E}move_item", move_page, 200),
    ("conference-move-errors", ORGANISERS, f"{E}move_item", move_errors, 200),
    ("conference-grid", ORGANISERS, f"{E}day_grid", grid_page, 200),
    ("conference-grid-moved-warning", ORGANISERS, f"{E}move_item", moved_warning, 200),
    ("conference-publish", ORGANISERS, f"{E}publish_page", publish_with_clashes, 200),
    ("conference-releases", ORGANISERS, f"{E}release_list", releases_page, 200),
]
