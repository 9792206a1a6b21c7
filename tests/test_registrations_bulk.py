"""The participant list's everyday tools: ticking several people (write to them, cancel
them after a page that asks, mark them attended), a confirmation page before cancelling
one person, a column per question, the check-in search and the attendance list's
signature column per session."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from conftest import csrf_token
from factories import make
from registrations_support import begin_now, mails, registration_of, status_of

from lms.extensions import db
from lms.registrations import services


@pytest.fixture
def organiser(factory, login):
    user = factory.user("org@example.no", roles=("organiser",), language="en")
    login(user)
    return user


@pytest.fixture
def people(factory):
    names = ["Ærlig Åsen", "Bjørn Berg", "Cecilie Ås", "Dag Dal"]
    return [factory.user(f"p{i}@example.no", name=n, language="en") for i, n in enumerate(names)]


def enrol(offering, users, **answers):
    for user in users:
        services.register(user, offering.id, answers=answers)
    db.session.commit()


def base(offering):
    return f"/manage/offerings/{offering.id}"


def bulk(client, offering, action, registrations, **extra):
    path = f"{base(offering)}/participants/bulk"
    data = {
        "csrf_token": csrf_token(client, f"{base(offering)}/participants"),
        "action": action,
        "selected": [str(r.id) for r in registrations],
        **extra,
    }
    return client.post(path, data=data)


def test_bulk_cancel_asks_first_then_cancels(client, organiser, people):
    offering = make.offering(capacity=2)
    enrol(offering, people[:3])
    chosen = [registration_of(p, offering) for p in people[:2]]
    page = bulk(client, offering, "cancel", chosen)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Cancel 2 registrations?" in text and "cannot be undone" in text
    assert people[0].name in text and people[1].name in text
    assert [status_of(p, offering) for p in people[:2]] == ["confirmed", "confirmed"]
    assert not mails(people[0].email, "registration_cancelled")
    done = bulk(client, offering, "cancel", chosen, confirm="yes")
    assert done.status_code == 302
    assert [status_of(p, offering) for p in people[:3]] == ["cancelled", "cancelled", "confirmed"]
    assert mails(people[0].email, "registration_cancelled")
    assert "2 registrations are cancelled." in client.get(done.headers["Location"]).get_data(
        as_text=True
    )


def test_bulk_cancel_of_someone_from_another_offering_changes_nothing(client, organiser, people):
    offering, other = make.offering(capacity=2), make.offering(capacity=2)
    enrol(offering, people[:1])
    enrol(other, people[1:2])
    stranger = registration_of(people[1], other)
    response = bulk(client, offering, "cancel", [stranger], confirm="yes")
    assert response.status_code == 302
    assert status_of(people[1], other) == "confirmed"
    assert bulk(client, offering, "delete", []).status_code == 400
    # Ids that are no registration's, too big for the column or not numbers: nothing to do.
    path = f"{base(offering)}/participants/bulk"
    token = csrf_token(client, f"{base(offering)}/participants")
    for selected in (["99999999999"], ["-1", "x", "1e3", "٣", "9" * 5000], []):
        data = {"csrf_token": token, "action": "cancel", "selected": selected, "confirm": "yes"}
        assert client.post(path, data=data).status_code == 302
    assert status_of(people[0], offering) == "confirmed"


def test_bulk_attended_only_from_the_first_day(client, organiser, people):
    offering = make.offering(capacity=3, starts_in=timedelta(days=10))
    enrol(offering, people[:2])
    chosen = [registration_of(p, offering) for p in people[:2]]
    page = client.get(f"{base(offering)}/participants").get_data(as_text=True)
    assert 'name="action" value="attended"' not in page  # not offered, it would be refused
    bulk(client, offering, "attended", chosen)
    assert [status_of(p, offering) for p in people[:2]] == ["confirmed", "confirmed"]
    begin_now(offering)
    page = client.get(f"{base(offering)}/participants").get_data(as_text=True)
    assert 'name="action" value="attended"' in page
    response = bulk(client, offering, "attended", chosen)
    assert response.status_code == 302
    assert [status_of(p, offering) for p in people[:2]] == ["attended", "attended"]


def test_bulk_message_goes_to_the_message_page_with_the_chosen(client, organiser, people):
    offering = make.offering(capacity=3)
    enrol(offering, people[:3])
    chosen = [registration_of(p, offering) for p in people[:2]]
    response = bulk(client, offering, "message", chosen)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Chosen on the participant list: 2 people." in page
    assert re.search(r'<input checked[^>]*value="selected"', page)
    empty = bulk(client, offering, "message", [])
    follow = client.get(empty.headers["Location"]).get_data(as_text=True)
    assert "Choose at least one person first." in follow


def test_cancelling_one_person_asks_first(client, organiser, people):
    offering = make.offering(capacity=1)
    enrol(offering, people[:2])
    first = registration_of(people[0], offering)
    page = client.get(f"{base(offering)}/participants").get_data(as_text=True)
    assert f'href="{base(offering)}/participants/{first.id}/cancel"' in page
    confirm = client.get(f"{base(offering)}/participants/{first.id}/cancel")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "Cancel 1 registration?" in text and "Yes, cancel 1 registration" in text
    assert status_of(people[0], offering) == "confirmed"
    token = csrf_token(client, f"{base(offering)}/participants")
    client.post(f"{base(offering)}/participants/{first.id}/cancel", data={"csrf_token": token})
    assert status_of(people[0], offering) == "cancelled"
    again = client.get(f"{base(offering)}/participants/{first.id}/cancel")
    assert again.status_code == 302  # nothing left to cancel: back to the list


def test_each_answer_has_a_column_headed_by_its_question(client, organiser, people):
    offering = make.offering(capacity=3, questions=["dietary", "organisation_type"])
    enrol(offering, people[:1], dietary="Glutenfri", organisation_type="county")
    page = client.get(f"{base(offering)}/participants").get_data(as_text=True)
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert '<th scope="col">Dietary needs</th>' in head
    assert '<th scope="col">Type of organisation</th>' in head
    assert "Accessibility needs" not in head  # not asked
    assert 'data-label="Dietary needs">Glutenfri</td>' in page
    assert 'data-label="Type of organisation">County</td>' in page


def test_check_in_finds_by_words_in_any_order(client, organiser, people):
    offering = make.offering(capacity=4)
    enrol(offering, people)
    begin_now(offering)
    page = client.get(f"{base(offering)}/check-in?q=ås+cecilie").get_data(as_text=True)
    assert people[2].name in page
    assert people[0].name not in page  # "Åsen" holds "ås", but not "cecilie"


def test_check_in_finds_by_name_without_javascript(client, organiser, people):
    offering = make.offering(capacity=4)
    enrol(offering, people)
    begin_now(offering)
    page = client.get(f"{base(offering)}/check-in?q=åS").get_data(as_text=True)
    assert people[0].name in page and people[2].name in page
    assert people[1].name not in page and people[3].name not in page
    assert "2 people match" in page
    assert "0 of 4 recorded." in page  # the count is of everyone
    first = registration_of(people[0], offering)
    token = csrf_token(client, f"{base(offering)}/check-in")
    response = client.post(
        f"{base(offering)}/check-in/{first.id}?q=%C3%A5s",
        data={"csrf_token": token, "attended": "yes"},
    )
    assert "q=" in response.headers["Location"]  # back to the same search


def test_attendance_list_signs_once_per_session(client, organiser, people):
    course = make.offering(capacity=3, sessions=3)
    enrol(course, people[:2])
    page = client.get(f"{base(course)}/attendance-list").get_data(as_text=True)
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert head.count("Signature") == 3
    row = page.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert row.count('class="lms-signature"') == 3
    seminar = make.offering(capacity=3)
    enrol(seminar, people[:1])
    page = client.get(f"{base(seminar)}/attendance-list").get_data(as_text=True)
    assert page.split("<thead>", 1)[1].split("</thead>", 1)[0].count("Signature") == 1


def test_the_participants_page_takes_the_same_queries_for_few_or_many(
    client, organiser, factory, count_queries
):
    """Answer columns, waiting-list positions and the ticks add no query per person."""
    offering = make.offering(capacity=3, questions=["dietary", "organisation_type"])

    def queries() -> int:
        with count_queries() as statements:
            assert client.get(f"{base(offering)}/participants").status_code == 200
        return len(statements)

    def enrol_some(first: int, last: int) -> None:
        people = [factory.user(f"q{n}@example.no") for n in range(first, last)]
        enrol(offering, people, dietary="Vegetar", organisation_type="municipality")

    enrol_some(0, 2)
    few = queries()
    enrol_some(2, 14)  # three with a place, eleven on the waiting list
    many = queries()
    assert many == few, f"{few} queries for two people, {many} for fourteen"
