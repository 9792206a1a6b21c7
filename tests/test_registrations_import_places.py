"""Import gives places while seats are free and waitlists only the overflow; a downloaded
list (in either language, with commas or semicolons) uploads again into another offering;
the CSV download's exact Content-Type and its separator."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import csrf_token
from factories import make
from registrations_support import registration_of, status_of

from lms.extensions import db
from lms.registrations import manage, services
from lms.registrations.seats import waitlist_position


@pytest.fixture
def people(factory):
    names = ["Åse Ødegård", "Bjørn Æsøy", "Cecilie Ås", "Dag Dal", "Eli Eng", "Frode Fjell"]
    return [factory.user(f"p{i}@example.no", name=n, language="en") for i, n in enumerate(names)]


def organiser(factory, login, language="en"):
    user = factory.user(f"org-{language}@example.no", roles=("organiser",), language=language)
    login(user)
    return user


def upload(client, offering, content: bytes, **fields):
    path = f"/manage/offerings/{offering.id}/import"
    data = {"csrf_token": csrf_token(client, path), **fields}
    data["file"] = (io.BytesIO(content), "people.csv")
    return client.post(path, data=data, content_type="multipart/form-data")


def flashed(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_import_gives_places_while_seats_are_free(client, factory, login, people):
    """The bug: a row marked "waitlisted" went on the waiting list of an offering with
    free places, ahead of nobody."""
    organiser(factory, login)
    offering = make.offering(capacity=5)
    content = b"email,status\np0@example.no,waitlisted\np1@example.no,confirmed\n"
    page = flashed(client, upload(client, offering, content))
    assert [status_of(p, offering) for p in people[:2]] == ["confirmed", "confirmed"]
    assert "2 got a place." in page and "the offering is full" not in page


def test_import_waitlists_only_the_overflow_and_says_so(client, factory, login, people):
    organiser(factory, login)
    offering = make.offering(capacity=2)
    content = (
        b"email,status\n"
        b"p0@example.no,waitlisted\n"  # in line: a place only if one is left
        b"p1@example.no,confirmed\n"
        b"p2@example.no,\n"  # confirmed
        b"p3@example.no,confirmed\n"  # the overflow: no place left
        b"p4@example.no,waitlisted\n"
    )
    page = flashed(client, upload(client, offering, content))
    statuses = [status_of(p, offering) for p in people[:5]]
    assert statuses == ["waitlisted", "confirmed", "confirmed", "waitlisted", "waitlisted"]
    # The line keeps the file's order, those marked confirmed first.
    line = [waitlist_position(registration_of(p, offering)) for p in (people[3], people[0])]
    assert line == [1, 2]
    assert waitlist_position(registration_of(people[4], offering)) == 3
    assert "2 got a place." in page
    assert "3 are on the waiting list, as the offering is full." in page
    assert "Of them, 1 was marked confirmed in the file" in page


def test_import_over_capacity_when_asked(client, factory, login, people):
    organiser(factory, login)
    offering = make.offering(capacity=1)
    content = b"email\np0@example.no\np1@example.no\n"
    flashed(client, upload(client, offering, content, allow_over_capacity="y"))
    assert [status_of(p, offering) for p in people[:2]] == ["confirmed", "confirmed"]


def _source(organiser_user, people):
    """An offering with every kind of registration: two places, one offered (offer
    mode), one in line, one awaiting approval and one cancelled."""
    offering = make.offering(capacity=3, waitlist_mode="offer", questions=["dietary"])
    for person in people[:5]:
        services.register(person, offering.id, answers={"dietary": "Vegetar; takk"})
    db.session.commit()
    # The first cancels: the first in line (p3) is offered the seat, p4 stays in line.
    services.cancel(people[0], registration_of(people[0], offering).id)
    db.session.commit()
    offering.requires_approval = True
    db.session.commit()
    services.register(people[5], offering.id)
    db.session.commit()
    assert [status_of(p, offering) for p in people] == [
        "cancelled",
        "confirmed",
        "confirmed",
        "offered",
        "waitlisted",
        "pending",
    ]
    return offering


@pytest.mark.parametrize(("language", "separator"), [("nb", ";"), ("en", ",")])
def test_round_trip_export_then_import_into_another_offering(
    client, factory, login, people, language, separator
):
    """The bug: the export's Norwegian headings and statuses were refused by the import."""
    user = organiser(factory, login, language)
    source = _source(user, people)
    exported = client.get(f"/manage/offerings/{source.id}/participants.csv")
    assert exported.status_code == 200
    text = exported.data.decode("utf-8")
    assert text.startswith("\ufeff")
    assert text.splitlines()[0].count(separator) == 8  # nine columns, the reader's separator
    # Into an offering as big: the same places, the line in the same order.
    target = make.offering(capacity=3)
    page = flashed(client, upload(client, target, exported.data))
    assert [status_of(p, target) for p in people] == [
        None,  # cancelled: left out
        "confirmed",
        "confirmed",
        "confirmed",  # offered a place there; a place is free here
        "waitlisted",
        "pending",
    ]
    assert ("1 row was left out" if language == "en" else "1 rad ble utelatt") in page
    # Into a bigger one: nobody waits while places are free.
    bigger = make.offering(capacity=10)
    flashed(client, upload(client, bigger, exported.data))
    assert [status_of(p, bigger) for p in people[1:5]] == ["confirmed"] * 4
    # And the other language's file reads as well.
    other = "en" if language == "nb" else "nb"
    user.language = other
    db.session.commit()
    again = make.offering(capacity=10)
    flashed(client, upload(client, again, exported.data))
    assert status_of(people[4], again) == "confirmed"


def test_norwegian_words_from_a_spreadsheet_are_read(client, factory, login, people):
    organiser(factory, login)
    offering = make.offering(capacity=1)
    content = (
        "Navn;E-postadresse;Status\nÅse;p0@example.no;På ventelisten\nB;p1@example.no;Bekreftet\n"
    )
    flashed(client, upload(client, offering, content.encode("utf-8-sig")))
    # Marked confirmed takes the one place; the one marked for the line waits.
    assert [status_of(p, offering) for p in people[:2]] == ["waitlisted", "confirmed"]


def test_csv_content_type_is_exact(client, factory, login):
    organiser(factory, login)
    offering = make.offering(capacity=1)
    response = client.get(f"/manage/offerings/{offering.id}/participants.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize(
    ("language", "query", "separator"),
    [("nb", "", ";"), ("en", "", ","), ("nb", "?sep=comma", ","), ("en", "?sep=semicolon", ";")],
)
def test_csv_separator_follows_the_language_or_the_choice(
    client, factory, login, people, language, query, separator
):
    organiser(factory, login, language)
    offering = make.offering(capacity=1)
    services.register(people[0], offering.id)
    db.session.commit()
    response = client.get(f"/manage/offerings/{offering.id}/participants.csv{query}")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=separator))
    assert len(rows[0]) == 9 and rows[1][1] == "p0@example.no"


def test_participants_page_offers_both_separators(client, factory, login):
    organiser(factory, login, "nb")
    offering = make.offering(capacity=1)
    page = client.get(f"/manage/offerings/{offering.id}/participants").get_data(as_text=True)
    semicolon, comma = page.index("sep=semicolon"), page.index("sep=comma")
    assert semicolon < comma  # a Norwegian page offers what Norwegian Excel opens first
    assert manage.attendance_can_be_recorded(offering) is False
