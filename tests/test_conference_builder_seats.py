"""Registration from the builder (lms/conference/seat_views.py): a round table's limited
seats are set from its seats page and counted on the builder; fewer seats than those
held is refused with the seminar form's warning until confirmed; bad input is a 400
that saves nothing."""

from __future__ import annotations

import pytest
from conference_build_support import at, first_day, make_conference, make_item
from conference_build_support import page as text_of

from lms.conference.models import Item
from lms.conference.registration import register_attendee
from lms.events.models import Offering
from lms.extensions import db
from lms.registrations import services as registrations
from tests.conftest import post_form


@pytest.fixture
def organiser(factory, login):
    user = factory.user("org@example.no", roles=("organiser",), language="en")
    login(user)
    return user


def seats_of(item_id: int) -> Offering | None:
    db.session.expire_all()
    return db.session.get(Item, item_id).offering


def test_a_round_table_gets_seats_that_fill_and_warn_before_going_below_them(
    client, factory, organiser
):
    conference = make_conference()
    table = make_item(conference, "Rundebord", room=conference.rooms[1],
                      start=at(first_day(), 11), kind="round_table")  # fmt: skip
    builder = f"/manage/conferences/{conference.id}"
    seats = f"{builder}/items/{table.id}/seats"
    assert f'href="{seats}"' in text_of(client, builder)
    assert "No limited seats yet" in text_of(client, seats)

    response = post_form(client, seats, {"capacity": "2"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{builder}#item-{table.id}")
    offering = seats_of(table.id)
    assert (offering.kind, offering.capacity) == ("conference_item", 2)
    assert "0 of 2 seats taken." in text_of(client, builder)

    people = [factory.user(f"p{n}@example.no") for n in range(3)]
    for person in people:
        registrations.register(person, offering.id)
    db.session.commit()
    assert "2 of 2 seats taken, 1 waiting." in text_of(client, builder)
    assert "2 of 2 seats taken, 1 waiting." in text_of(client, seats)

    refused = post_form(client, seats, {"capacity": "1"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert_warned(page, "2 people hold a seat, more than 1 place.")
    assert 'name="allow_below_held"' in page
    assert seats_of(table.id).capacity == 2

    kept = post_form(client, seats, {"capacity": "1", "allow_below_held": "y"})
    assert kept.status_code == 302 and seats_of(table.id).capacity == 1
    assert "2 of 1 seats taken, 1 waiting." in text_of(client, builder)  # nobody dropped

    assert post_form(client, seats, {"capacity": "3"}).status_code == 302
    assert "3 of 3 seats taken." in text_of(client, builder)  # the waiting one is promoted


@pytest.mark.parametrize("capacity", ["", "many", "-1", "100001"])
def test_bad_numbers_are_a_400_at_the_field_and_save_nothing(client, organiser, capacity):
    conference = make_conference()
    table = make_item(conference, "Verksted", room=conference.rooms[1],
                      start=at(first_day(), 11), kind="workshop")  # fmt: skip
    response = post_form(client, f"/manage/conferences/{conference.id}/items/{table.id}/seats",
                         {"capacity": capacity})  # fmt: skip
    assert response.status_code == 400
    assert 'id="error-summary"' in response.get_data(as_text=True)
    assert seats_of(table.id) is None and db.session.scalar(db.select(Offering)) is None


def test_an_unplaced_workshop_is_refused_and_a_talk_has_no_seats_page(client, organiser):
    conference = make_conference()
    unplaced = make_item(conference, "Verksted", kind="workshop")
    talk = make_item(conference, "Foredrag", room=conference.rooms[0], start=at(first_day(), 9))
    builder = f"/manage/conferences/{conference.id}"
    response = post_form(client, f"{builder}/items/{unplaced.id}/seats", {"capacity": "10"})
    assert response.status_code == 400
    assert "Place the item in a room and at a time first." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Offering)) is None
    text_of(client, f"{builder}/items/{talk.id}/seats", 404)
    assert f"/items/{talk.id}/seats" not in text_of(client, builder)


def test_registration_opens_from_the_builder_and_shows_its_counts_and_door_links(
    client, factory, organiser
):
    conference = make_conference()
    builder = f"/manage/conferences/{conference.id}"
    registration = f"{builder}/registration"
    assert "Registration is not open yet." in text_of(client, builder)

    response = post_form(client, registration, {"capacity": "2"}, builder)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{builder}#registration")
    db.session.expire_all()
    offering = conference.offering
    assert (offering.kind, offering.capacity, len(offering.sessions)) == ("conference", 2, 2)
    page = text_of(client, builder)
    assert "Registration is open. 0 of 2 seats taken." in page
    for link in (f"/manage/offerings/{offering.id}/participants",
                 f"/manage/conferences/{conference.slug}/check-in",
                 f"/manage/conferences/{conference.slug}/badges.pdf",
                 f"/conferences/{conference.slug}/register"):  # fmt: skip
        assert f'href="{link}"' in page

    days = [day.day.isoformat() for day in conference.days]
    for n in range(3):
        register_attendee(factory.user(f"a{n}@example.no"), conference, days=days)
    db.session.commit()
    assert "2 of 2 seats taken, 1 waiting." in text_of(client, builder)

    refused = post_form(client, registration, {"capacity": "1"}, builder)
    assert refused.status_code == 400
    assert_warned(refused.get_data(as_text=True), "2 people hold a seat, more than 1 place.")
    db.session.expire_all()
    assert conference.offering.capacity == 2
    kept = post_form(client, registration, {"capacity": "1", "allow_below_held": "y"}, builder)
    assert kept.status_code == 302
    db.session.expire_all()
    assert conference.offering.capacity == 1
    assert "2 of 1 seats taken, 1 waiting." in text_of(client, builder)


def test_registration_needs_days_and_a_whole_number(client, organiser):
    conference = make_conference(days=0)
    builder = f"/manage/conferences/{conference.id}"
    assert "days first, then open registration." in text_of(client, builder)
    response = post_form(client, f"{builder}/registration", {"capacity": "600"}, builder)
    assert response.status_code == 400
    assert "days first.</a>" in response.get_data(as_text=True)  # the error summary's link
    other = make_conference("annen")
    response = post_form(client, f"/manage/conferences/{other.id}/registration",
                         {"capacity": "mange"}, builder)  # fmt: skip
    assert response.status_code == 400
    assert db.session.scalar(db.select(Offering)) is None


def assert_warned(page: str, text: str) -> None:
    """``text`` is said once, as a warning to confirm (warning colour and the word), not as
    an error."""
    assert page.count(text) == 1
    warning = page[page.index('id="capacity-warning"') :][:400]
    assert 'data-color="warning"' in page[page.index('id="capacity-warning"') - 60 :][:80]
    assert "Warning:" in warning and text in warning
    assert "error-summary" not in page
