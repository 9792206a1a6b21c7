"""Registering for a conference and for an item's limited seats goes through the
registration engine: capacity, waiting list, the days checked, the needs kept; attendee
codes are made for those with a place, and the confirmation mail carries the QR code."""

from __future__ import annotations

import io

import conference_door_support as door
import pytest
import zxingcpp
from conftest import post_form
from PIL import Image
from sqlalchemy import select

from lms.conference import attendees
from lms.conference.registration import (
    ensure_item_seats,
    register_attendee,
)
from lms.conference.release_models import Attendee
from lms.conference.releases import publish
from lms.conference.services import ConferenceError
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.rendering import render_message
from lms.registrations import services as registrations
from lms.registrations.catalogue import CatalogueFilters, catalogue_statement
from lms.registrations.models import Registration


@pytest.fixture
def organiser(factory):
    return factory.user(roles=("organiser",))


def test_registration_holds_days_and_needs_and_waitlists_past_capacity(factory, organiser):
    conference = door.conference(organiser, capacity=1)
    first, second = factory.user(), factory.user()
    day = conference.days[1].day.isoformat()
    placed = register_attendee(
        first, conference, days=[day], dietary="Vegetar", accessibility="Rullestol"
    )
    waiting = register_attendee(second, conference, days=[conference.days[0].day.isoformat()])
    db.session.commit()
    assert placed.status == "confirmed"
    assert (waiting.status, waiting.waitlist_position) == ("waitlisted", 1)
    row = db.session.get(Registration, placed.id)
    assert row.answers == {"days": [day], "dietary": "Vegetar", "accessibility": "Rullestol"}
    assert row.offering.kind == "conference"
    assert [s.starts_at for s in row.offering.sessions] == sorted(
        s.starts_at for s in row.offering.sessions
    )
    assert len(row.offering.sessions) == 2


def test_days_are_checked_against_the_conference(factory, organiser):
    conference = door.conference(organiser)
    person = factory.user()
    with pytest.raises(ConferenceError) as error:
        register_attendee(person, conference, days=["2001-01-01"])
    assert error.value.code == "unknown_day"
    with pytest.raises(ConferenceError) as error:
        register_attendee(person, conference, days=[])
    assert error.value.code == "no_days_chosen"
    db.session.rollback()
    assert db.session.scalar(select(Registration.id)) is None


def test_item_seats_are_registered_and_waitlisted_like_any_offering(factory, organiser):
    conference = door.conference(organiser)
    table = door.item(conference)
    offering = ensure_item_seats(organiser, table, 1)
    db.session.commit()
    assert offering.kind == "conference_item"
    assert [(s.starts_at, s.ends_at) for s in offering.sessions] == [
        (table.starts_at, table.ends_at)
    ]
    one = registrations.register(factory.user(), offering.id)
    two = registrations.register(factory.user(), offering.id)
    db.session.commit()
    assert (one.status, two.status) == ("confirmed", "waitlisted")
    # A talk has no seats of its own.
    talk = door.item(conference, kind="talk", title="Foredrag")
    with pytest.raises(ConferenceError):
        ensure_item_seats(organiser, talk, 10)


def test_catalogue_lists_the_conference_but_not_item_seats(factory, organiser):
    conference = door.conference(organiser)
    seats = ensure_item_seats(organiser, door.item(conference), 20)
    db.session.commit()
    for filters in (CatalogueFilters(), CatalogueFilters(kind="all")):
        listed = set(db.session.scalars(catalogue_statement(filters)).all())
        assert conference.offering in listed
        assert seats not in listed
    only = CatalogueFilters.from_args({"kind": "conference"})
    assert set(db.session.scalars(catalogue_statement(only)).all()) == {conference.offering}


def test_codes_for_places_only_unique_and_promotion_gets_one(factory, organiser):
    conference = door.conference(organiser, capacity=3)
    people = [factory.user() for _ in range(4)]
    results = [
        register_attendee(p, conference, days=[conference.days[0].day.isoformat()]) for p in people
    ]
    db.session.commit()
    codes = db.session.scalars(select(Attendee.code)).all()
    assert len(codes) == 3 == len(set(codes))
    assert all(len(c) == 8 and set(c) <= set(attendees.ALPHABET) for c in codes)
    # The first gives up: the one on the waiting list is promoted and gets a code too.
    registrations.cancel(people[0], results[0].id)
    db.session.commit()
    promoted = db.session.scalar(select(Attendee).where(Attendee.registration_id == results[3].id))
    assert promoted is not None and promoted.code not in codes


def test_code_drawing_retries_a_taken_code(factory, organiser, monkeypatch):
    conference = door.conference(organiser)
    drawn = iter(["AAAAAAAA", "AAAAAAAA", "CCCCCCCC"])
    monkeypatch.setattr(attendees, "new_code", lambda: next(drawn))
    for _ in range(2):
        register_attendee(factory.user(), conference, days=[conference.days[0].day.isoformat()])
    db.session.commit()
    assert sorted(db.session.scalars(select(Attendee.code))) == ["AAAAAAAA", "CCCCCCCC"]


def test_confirmation_mail_carries_a_qr_code_that_decodes_to_the_code(factory, organiser):
    conference = door.conference(organiser)
    person = factory.user(language="en")
    registered = register_attendee(person, conference, days=[conference.days[0].day.isoformat()])
    db.session.commit()
    code = db.session.scalar(select(Attendee.code).where(Attendee.registration_id == registered.id))
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "conference_registration_confirmed")
    )
    _subject, text, html, files = render_message(message)
    assert code in text and code in html
    names = [name for name, _type, _bytes in files]
    assert "check-in-code.png" in names and any(n.endswith(".ics") for n in names)
    png = next(data for name, _type, data in files if name == "check-in-code.png")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [result.text for result in decoded] == [code]


def test_register_page_registers_with_days(client, login, factory, organiser):
    conference = door.conference(organiser)
    person = factory.user()
    login(person)
    page = client.get(f"/conferences/{conference.slug}/register")
    assert page.status_code == 200
    bad = post_form(client, f"/conferences/{conference.slug}/register", {"dietary": "x"})
    assert bad.status_code == 400
    unknown = post_form(
        client, f"/conferences/{conference.slug}/register", {"days": ["1999-01-01"]}
    )
    assert unknown.status_code == 400
    assert db.session.scalar(select(Registration.id)) is None
    day = conference.days[1].day.isoformat()
    done = post_form(
        client,
        f"/conferences/{conference.slug}/register",
        {"days": [day], "accessibility": "Teleslynge"},
    )
    assert done.status_code == 302
    row = db.session.scalar(select(Registration).where(Registration.user_id == person.id))
    assert row.answers == {"days": [day], "accessibility": "Teleslynge"}


def test_days_answer_from_elsewhere_means_every_day(factory, organiser):
    """The API takes any text as an answer: a ``days`` that names none of the
    conference's days is read as every day, never as an error at the door."""
    from lms.conference.registration import days_of

    conference = door.conference(organiser)
    every = [d.day for d in conference.days]
    assert days_of(conference, {}) == every
    assert days_of(conference, {"days": "2027-01-01"}) == every
    assert days_of(conference, {"days": [every[1].isoformat(), "x"]}) == [every[1]]
    registered = registrations.register(factory.user(), conference.offering_id)
    db.session.commit()
    assert db.session.scalar(select(Attendee.id).where(Attendee.registration_id == registered.id))


def test_the_offering_page_leads_to_the_conference_registration(client, organiser):
    conference = door.conference(organiser)
    page = client.get(f"/events/{conference.offering_id}").get_data(as_text=True)
    assert f"/conferences/{conference.slug}/register" in page


def test_an_items_page_shows_its_seats_and_its_seats_page_leads_back(
    client, login, factory, organiser
):
    conference = door.conference(organiser)
    table = door.item(conference)
    seats = ensure_item_seats(organiser, table, 1)
    publish(organiser, conference)
    db.session.commit()
    item_page = f"/conferences/{conference.slug}/items/{table.id}"
    login(factory.user(language="en"))

    page = client.get(item_page).get_data(as_text=True)
    assert "Limited seats" in page
    assert 'data-action="register"' in page
    assert f"/events/{seats.id}/register" in page

    registrations.register(factory.user(), seats.id)
    db.session.commit()
    page = client.get(item_page).get_data(as_text=True)
    assert 'data-action="waitlist"' in page and "Join the waiting list" in page

    back = client.get(f"/events/{seats.id}").get_data(as_text=True)
    assert f"Part of {conference.title}" in back
    assert f'href="{item_page}"' in back


def test_an_item_without_seats_has_no_registration_box(client, organiser):
    conference = door.conference(organiser)
    talk = door.item(conference, kind="talk", title="Foredrag")
    publish(organiser, conference)
    db.session.commit()
    page = client.get(f"/conferences/{conference.slug}/items/{talk.id}").get_data(as_text=True)
    assert "lms-register" not in page
