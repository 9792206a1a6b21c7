"""CSV and XLSX export read back with csv and openpyxl; bulk enrolment from CSV:
all-or-nothing with errors per row, and no duplicates when run twice."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from conftest import csrf_token
from factories import make
from openpyxl import load_workbook
from registrations_support import mails, status_of
from sqlalchemy import func, select

from lms.extensions import db
from lms.registrations import services
from lms.registrations.models import Registration


@pytest.fixture
def organiser(factory, login):
    user = factory.user("org@example.no", roles=("organiser",), language="en")
    login(user)
    return user


@pytest.fixture
def people(factory):
    names = ["Åse Ødegård", "Bjørn Æsøy", '=HYPERLINK("x")']
    return [factory.user(f"p{i}@example.no", name=n, language="en") for i, n in enumerate(names)]


def enrolled(offering):
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.offering_id == offering.id)
    )


def test_csv_export_keeps_norwegian_letters(client, organiser, people):
    offering = make.offering(capacity=1, questions=["dietary"])
    for person in people:
        services.register(person, offering.id, answers={"dietary": "Laktosefri – søt"})
    db.session.commit()
    response = client.get(f"/manage/offerings/{offering.id}/participants.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Name", "E-mail address"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Åse Ødegård"][3] == "Confirmed"
    assert by_name["Bjørn Æsøy"][4] == "1"  # first in line
    assert by_name["Åse Ødegård"][7] == "Laktosefri – søt"
    assert '\'=HYPERLINK("x")' in by_name  # a formula is kept as text
    datetime.fromisoformat(by_name["Åse Ødegård"][5])


def test_xlsx_export_numbers_and_dates(client, organiser, people):
    offering = make.offering(capacity=1)
    for person in people:
        services.register(person, offering.id)
    db.session.commit()
    response = client.get(f"/manage/offerings/{offering.id}/participants.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Name"
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Bjørn Æsøy"][4] == 1 and isinstance(by_name["Bjørn Æsøy"][4], int)
    assert by_name["Åse Ødegård"][4] is None
    assert isinstance(by_name["Åse Ødegård"][5], datetime)
    assert by_name["Åse Ødegård"][1] == "p0@example.no"


def test_xlsx_export_drops_control_characters_xml_cannot_hold(client, organiser, factory):
    """Text pasted from elsewhere can carry control characters; openpyxl refuses them, so
    the export leaves them out instead of failing."""
    offering = make.offering(capacity=1, questions=["dietary"])
    person = factory.user("eve@example.no", name="Eve\x01lyn", language="en")
    services.register(person, offering.id, answers={"dietary": "glutenfri\x0b\x1fkost\ttakk"})
    db.session.commit()
    response = client.get(f"/manage/offerings/{offering.id}/participants.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[1][0] == "Evelyn"
    assert rows[1][7] == "glutenfrikost\ttakk"  # a tab is allowed in XML


def test_export_follows_the_filter(client, organiser, people):
    offering = make.offering(capacity=1)
    for person in people[:2]:
        services.register(person, offering.id)
    db.session.commit()
    response = client.get(f"/manage/offerings/{offering.id}/participants.csv?status=waitlisted")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Bjørn Æsøy"]


def test_export_is_for_managers_only(client, factory, login):
    offering = make.offering(capacity=2)
    login(factory.user("someone@example.no"))
    assert client.get(f"/manage/offerings/{offering.id}/participants.csv").status_code == 403
    assert client.get(f"/manage/offerings/{offering.id}/participants.pdf").status_code == 404


def upload(client, offering, content: bytes, **fields):
    path = f"/manage/offerings/{offering.id}/import"
    data = {"csrf_token": csrf_token(client, path), **fields}
    data["file"] = (io.BytesIO(content), "people.csv")
    return client.post(path, data=data, content_type="multipart/form-data")


def test_import_enrols_everyone_and_twice_adds_nobody(client, organiser, people):
    offering = make.offering(capacity=5)
    content = "email;status\nP0@example.no;confirmed\np1@example.no;waitlisted\n\np2@example.no;\n"
    content = content.encode("utf-8-sig")
    response = upload(client, offering, content)
    assert response.status_code == 302, response.get_data(as_text=True)
    # Places are free: nobody waits, whatever the file says (issue: "ahead of nobody").
    assert [status_of(p, offering) for p in people] == ["confirmed"] * 3
    assert mails(people[0].email, "registration_confirmed")
    response = upload(client, offering, content)
    assert response.status_code == 302
    assert enrolled(offering) == 3
    assert len(mails(people[0].email, "registration_confirmed")) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 got a place. 3 were already registered." in page


def test_import_reports_every_bad_row_and_imports_nothing(client, organiser, people):
    offering = make.offering(capacity=5)
    content = (
        "name,email,status\n"
        "Åse,p0@example.no,confirmed\n"  # fine
        "Ukjent,nobody@example.no,confirmed\n"  # row 3: unknown e-mail
        "Bjørn,p1@example.no,maybe\n"  # row 4: bad status
        "Åse igjen,P0@example.no,\n"  # row 5: duplicate of row 2
    ).encode()
    response = upload(client, offering, content)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Row 3:" in page and "nobody@example.no" in page
    assert "Row 4:" in page and "maybe" in page
    assert "Row 5:" in page and "row 2" in page
    assert "Row 2:" not in page
    assert enrolled(offering) == 0
    assert not mails(people[0].email)


def test_import_beyond_the_places_waitlists_the_rest(client, organiser, people):
    offering = make.offering(capacity=1)
    content = b"email\np0@example.no\np1@example.no\n"
    response = upload(client, offering, content)
    assert response.status_code == 302
    assert [status_of(p, offering) for p in people[:2]] == ["confirmed", "waitlisted"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 is on the waiting list, as the offering is full." in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"name\nAse\n", "email"),
        ("email\nåse@example.no\n".encode("latin-1"), "UTF-8"),
        (b"email\np0@example.no\x00\n", "not a CSV file"),  # a NUL: binary, or a bad copy
    ],
)
def test_import_bad_files(client, organiser, content, message):
    offering = make.offering(capacity=2)
    response = upload(client, offering, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert enrolled(offering) == 0


def test_import_reactivates_a_cancelled_registration(client, organiser, people):
    offering = make.offering(capacity=5)
    services.register(people[0], offering.id)
    db.session.commit()
    services.cancel(people[0], services.find_registration(people[0], offering.id).id)
    db.session.commit()
    assert upload(client, offering, b"email\np0@example.no\n").status_code == 302
    assert status_of(people[0], offering) == "confirmed"
    assert enrolled(offering) == 1


def test_import_refuses_a_cancelled_offering(client, organiser, people):
    offering = make.offering(capacity=5, status="cancelled")
    response = upload(client, offering, b"email\np0@example.no\n")
    assert response.status_code == 400
    assert "cancelled or archived" in response.get_data(as_text=True)
    assert enrolled(offering) == 0
    assert not mails(people[0].email)


def test_import_places_before_the_end_and_attendance_after_the_start(client, organiser, people):
    """A place in an offering that is over, or attendance at one that has not begun, is a
    row error like any other: the whole file waits."""
    future = make.offering(capacity=5)
    response = upload(client, future, b"email,status\np0@example.no,attended\n")
    assert response.status_code == 400
    assert "Row 2:" in response.get_data(as_text=True)
    assert enrolled(future) == 0

    past = make.offering(capacity=5, starts_in=timedelta(days=-3))
    content = b"email,status\np0@example.no,confirmed\np1@example.no,attended\n"
    response = upload(client, past, content)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Row 2:" in page and "The offering is over" in page and "Row 3:" not in page
    assert enrolled(past) == 0
    content = b"email,status\np0@example.no,no_show\np1@example.no,attended\n"
    assert upload(client, past, content).status_code == 302
    assert [status_of(p, past) for p in people[:2]] == ["no_show", "attended"]


def test_import_without_a_file(client, organiser):
    offering = make.offering(capacity=2)
    path = f"/manage/offerings/{offering.id}/import"
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 400
    assert "Choose a file" in response.get_data(as_text=True)
