"""The builder's pages (/manage/conferences…): forms answer 400 with the service's
message at its field and change nothing; the move form places and moves items without
JavaScript; publishing is a 409 page listing the clashes with links to fix them."""

from __future__ import annotations

import re

import pytest
from conference_build_support import at, first_day, make_conference, make_item, make_speaker, page
from factories import outbox

from lms.conference.models import Conference, Item, Track
from lms.conference.release_models import Release, Star
from lms.extensions import db
from lms.mail.rendering import materialize
from tests.conftest import post_form


@pytest.fixture
def organiser(factory, login):
    user = factory.user("org@example.no", roles=("organiser",), language="en")
    login(user)
    return user


def test_an_organiser_creates_a_conference_through_the_form(client, organiser):
    base = {"title": "Anskaffelseskonferansen", "timezone": "Europe/Oslo",
            "day_starts": "08:00", "day_ends": "18:00"}  # fmt: skip
    response = post_form(client, "/manage/conferences/new", base | {"slug": "Ikke Gyldig"})
    assert response.status_code == 400
    assert "Use lower case letters a–z" in response.get_data(as_text=True)
    response = post_form(
        client, "/manage/conferences/new", base | {"slug": "k", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 400 and "IANA" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Conference)) is None

    response = post_form(client, "/manage/conferences/new", base | {"slug": "anskaffelser-2031"})
    assert response.status_code == 302
    conference = db.session.scalar(db.select(Conference))
    assert response.headers["Location"].endswith(f"/manage/conferences/{conference.id}")
    assert "Anskaffelseskonferansen" in page(client, "/manage/conferences")


def test_days_rooms_tracks_speakers_and_items_through_their_forms(client, organiser):
    conference = make_conference(days=1)
    c = f"/manage/conferences/{conference.id}"
    assert post_form(client, f"{c}/days", {"day": first_day().isoformat()}, c).status_code == 400
    assert (
        post_form(client, f"{c}/rooms/new", {"name": "Sal C", "capacity": "30"}).status_code == 302
    )
    response = post_form(
        client, f"{c}/tracks/new", {"name": "Gul", "slug": "gul", "colour": "#ffff00"}
    )
    assert response.status_code == 400 and "hard to read" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Track).where(Track.slug == "gul")) is None
    assert post_form(client, f"{c}/speakers/new", {"name": "Kari Taler"}).status_code == 302
    data = {
        "title": "Klimakrav",
        "kind": "panel",
        "track_id": "0",
        "language": "en",
        "status": "scheduled",
    }
    assert post_form(client, f"{c}/items/new", data).status_code == 302
    item = db.session.scalar(db.select(Item))
    assert (item.kind, item.track_id, item.language) == ("panel", None, "en")
    text = page(client, c)
    for shown in ("Sal C", "Kari Taler", "Klimakrav", "Not placed"):
        assert shown in text


def test_the_move_form_places_and_moves_an_item_and_the_grid_shows_it(client, organiser):
    conference = make_conference()
    item = make_item(conference, "Klimakrav")
    day = conference.days[0]
    c = f"/manage/conferences/{conference.id}"
    move = f"{c}/items/{item.id}/move"
    room = conference.rooms[1]
    bad = {"room_id": str(room.id), "day": day.day.isoformat(), "start": "10:00", "end": "09:00"}
    response = post_form(client, move, bad)
    assert response.status_code == 400 and "must end after it starts" in response.get_data(
        as_text=True
    )
    response = post_form(client, move, bad | {"day": "2001-01-01", "end": "11:00"})
    assert response.status_code == 400
    db.session.expire_all()
    assert not db.session.get(Item, item.id).is_placed

    response = post_form(client, move, bad | {"end": "10:45"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{c}/days/{day.id}#item-{item.id}")
    db.session.expire_all()
    moved = db.session.get(Item, item.id)
    assert (moved.room_id, moved.starts_at, moved.ends_at) == (
        room.id,
        at(day.day, 10),
        at(day.day, 10, 45),
    )
    grid = page(client, f"{c}/days/{day.id}")
    assert f'id="item-{item.id}"' in grid and f'href="{move}"' in grid
    assert "10:00–10:45" in grid and "conference-grid.js" in grid
    form = page(client, move)
    assert 'value="10:00"' in form and 'value="10:45"' in form


def test_a_form_for_an_existing_part_names_it_in_its_heading(client, organiser):
    conference = make_conference(rooms=(("Store sal", 300),))
    speaker = make_speaker(conference, "Kari Taler")
    item = make_item(conference, "Klimakrav i praksis")
    c = f"/manage/conferences/{conference.id}"
    for path, heading in (
        (f"{c}/rooms/{conference.rooms[0].id}", "Room: Store sal"),
        (f"{c}/tracks/{conference.tracks[0].id}", "Track: Klima og miljø"),
        (f"{c}/speakers/{speaker.id}", "Speaker: Kari Taler"),
        (f"{c}/items/{item.id}", "Programme item: Klimakrav i praksis"),
        (f"{c}/rooms/new", "New room"),
    ):
        assert f'data-size="lg">{heading}<' in page(client, path), path


def test_the_builder_home_opens_with_links_to_each_of_its_sections(client, organiser):
    conference = make_conference()
    text = page(client, f"/manage/conferences/{conference.id}")
    toc = text[text.index('<nav class="lms-toc"') : text.index("</nav>", text.index("lms-toc"))]
    anchors = re.findall(r'href="#([\w-]+)"', toc)
    assert anchors == ["days", "registration", "rooms", "tracks", "speakers", "items"]
    for anchor in anchors:
        assert f'id="{anchor}"' in text, f"#{anchor} leads nowhere"
    assert text.index("lms-toc") < text.index('id="days"'), "the links come first"


def test_placing_an_item_is_a_verb_in_norwegian_too(client, factory, login):
    """ "Place" (put an item in the grid) is not the noun "Sted" of an offering's place."""
    login(factory.user(roles=("organiser",), language="nb"))
    conference = make_conference()
    make_item(conference, "Ikke plassert")
    for path in (f"/manage/conferences/{conference.id}",
                 f"/manage/conferences/{conference.id}/days/{conference.days[0].id}"):  # fmt: skip
        text = page(client, path)
        assert ">Gi rom og tid<" in text and ">Sted<" not in text


def test_a_move_into_a_room_too_small_or_onto_a_clash_warns_at_once(client, organiser, factory):
    conference = make_conference(rooms=(("Sal A", 200), ("Lite rom", 1)))
    hall, small = conference.rooms
    day = conference.days[0]
    wanted = make_item(conference, "Rundebord", kind="round_table")
    make_item(conference, "Åpning", room=hall, start=at(day.day, 9))
    for person in (factory.user() for _ in range(2)):
        db.session.add(Star(user_id=person.id, item_id=wanted.id))
    db.session.commit()
    move = f"/manage/conferences/{conference.id}/items/{wanted.id}/move"
    into = {"room_id": str(small.id), "day": day.day.isoformat(), "start": "11:00"}
    form = page(client, move)
    assert ">Lite rom (1 seat)</option>" in form and ">Sal A (200 seats)</option>" in form
    assert "2 people have starred it or hold a seat: choose a room that seats them." in form

    response = post_form(client, move, into | {"end": "11:45"}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Rundebord is moved." in text
    warning = text[text.index('data-color="warning"') :][:400]
    assert "Warning:" in warning
    assert "Lite rom may be too small for Rundebord: 2 people are interested" in warning
    assert "Room too small: 2 interested, 1 seats" in text, "the grid marks it too"

    onto = into | {"room_id": str(hall.id), "start": "09:00", "end": "09:30"}
    text = post_form(client, move, onto, follow_redirects=True).get_data(as_text=True)
    assert "Rundebord now clashes. The room is booked twice at once: Rundebord / Åpning." in text
    assert "may be too small" not in text


def test_publishing_with_a_clash_is_a_409_page_with_links_to_fix_it(client, organiser):
    conference = make_conference()
    hall = conference.rooms[0]
    day = first_day()
    make_item(conference, "Åpning", room=hall, start=at(day, 9))
    second = make_item(conference, "Panel", room=hall, start=at(day, 9, 30))
    c = f"/manage/conferences/{conference.id}"
    text = page(client, f"{c}/publish")
    assert "The room is booked twice at once" in text
    assert f'href="{c}/items/{second.id}/move">Fix it: Panel</a>' in text
    assert "<li>Åpning</li><li>Panel</li>" in text, "each item of the clash on its own line"
    assert "Publishing is refused while there are clashes." in text
    response = post_form(client, f"{c}/publish", {}, c)
    assert response.status_code == 409
    assert "The room is booked twice at once" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Release)) is None

    second.room_id = conference.rooms[1].id
    db.session.commit()
    response = post_form(client, f"{c}/publish", {}, c)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{c}/releases")
    text = page(client, f"{c}/releases")
    assert "Release 1, published" in text and "New: Panel" in text
    response = post_form(client, f"{c}/publish", {}, c)
    assert response.status_code == 302  # back to the publish page with the message
    assert "Nothing changed since the last release." in page(client, f"{c}/publish")

    second.starts_at, second.ends_at = at(day, 14), at(day, 15)
    db.session.commit()
    post_form(client, f"{c}/publish", {}, c)
    text = page(client, f"{c}/releases")
    # Each change says where the item is as of its release.
    assert re.search(r"Moved: Panel – [^<]*14:00–15:00, Sal B", text)
    assert re.search(r"New: Panel – [^<]*09:30–10:15, Sal B", text)


def test_a_part_of_another_conference_is_not_found(client, organiser):
    conference, other = make_conference(), make_conference("annen")
    item = make_item(other, "Fremmed")
    page(client, f"/manage/conferences/{conference.id}/items/{item.id}", 404)
    page(client, f"/manage/conferences/{conference.id}/rooms/{other.rooms[0].id}", 404)
    page(client, f"/manage/conferences/{conference.id}/days/{other.days[0].id}", 404)


def _speaker_row(text: str, speaker_id: int) -> str:
    """The builder's list entry of one speaker."""
    start = text.index(f'id="speaker-{speaker_id}"')
    return text[start : text.index("</li>", start)]


def test_the_speaker_list_shows_each_invitation_state_and_invites_from_it(
    client, factory, organiser
):
    conference = make_conference()
    account = factory.user("kari@example.no", name="Kari Konto")
    linked = make_speaker(conference, "Kari Konto", user=account, email="kari@example.no")
    silent = make_speaker(conference, "Uten Adresse")
    fresh = make_speaker(conference, "Ny Taler", email="ny@example.org")
    c = f"/manage/conferences/{conference.id}"
    text = page(client, c)
    invite = f"/manage/conferences/{conference.slug}/speakers/{fresh.id}/invite"
    assert "linked to the account of Kari Konto" in _speaker_row(text, linked.id)
    assert "No e-mail address" in _speaker_row(text, silent.id)
    assert "Not invited yet." in _speaker_row(text, fresh.id)
    assert f'action="{invite}"' in _speaker_row(text, fresh.id)
    for without_button in (linked, silent):
        assert "/invite" not in _speaker_row(text, without_button.id)

    response = post_form(client, invite, {}, c)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{c}#speaker-{fresh.id}")
    [mail] = outbox(to="ny@example.org", kind="conference_speaker_invitation")
    materialize(mail.id)
    db.session.refresh(mail)
    assert "http://lms.test/conferences/speaker-invitations/" in mail.body_text
    row = _speaker_row(page(client, c), fresh.id)
    assert "waiting for the speaker to confirm" in row and "Invite again" in row
    db.session.refresh(fresh)
    first_link = fresh.invite_token_hash

    assert post_form(client, invite, {}, c).status_code == 302  # a new link replaces the old
    db.session.refresh(fresh)
    assert fresh.invite_token_hash != first_link
    assert len(outbox(to="ny@example.org")) == 2

    refused = f"/manage/conferences/{conference.slug}/speakers/{silent.id}/invite"
    post_form(client, refused, {}, c)
    assert "The speaker has no e-mail address." in page(client, c)
    db.session.refresh(silent)
    assert silent.invite_token_hash is None and silent.invited_at is None
