"""Organiser pages: the participant list, approvals, promotion (with the capacity warning),
the waiting-list order, cancelling one person, capacity, the log, the message to everyone,
check-in and the printable list. Organisers and the offering's own instructors only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from conftest import csrf_token
from factories import make
from registrations_support import begin_now, mails, registration_of, status_of
from sqlalchemy import select

from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.registrations import manage, seats, services


@pytest.fixture
def organiser(factory, login):
    user = factory.user("org@example.no", roles=("organiser",), language="en")
    login(user)
    return user


@pytest.fixture
def people(factory):
    return [
        factory.user(f"p{i}@example.no", name=name, language="en")
        for i, name in enumerate(["Ærlig Åsen", "Bjørn Berg", "Cecilie Ås", "Dag Dal"])
    ]


def enrol(offering, users, **answers):
    for user in users:
        services.register(user, offering.id, answers=answers)
    db.session.commit()


def post(client, path, data=None, page=None, **kwargs):
    token = csrf_token(client, page or "/me/registrations")
    return client.post(path, data={"csrf_token": token, **(data or {})}, **kwargs)


def base(offering):
    return f"/manage/offerings/{offering.id}"


def test_participant_list_with_counts_and_filters(client, organiser, people):
    offering = make.offering(capacity=2, questions=["organisation_type"])
    enrol(offering, people[:1], organisation_type="county")
    enrol(offering, people[1:3], organisation_type="municipality")
    page = client.get(f"{base(offering)}/participants").get_data(as_text=True)
    for person in people[:3]:
        assert person.name in page
    assert "number 1" in page  # Cecilie waits first
    only_waiting = client.get(f"{base(offering)}/participants?status=waitlisted").get_data(
        as_text=True
    )
    assert people[2].name in only_waiting and people[0].name not in only_waiting
    county = client.get(f"{base(offering)}/participants?organisation_type=county")
    assert people[0].name in county.get_data(as_text=True)
    assert people[1].name not in county.get_data(as_text=True)
    search = client.get(f"{base(offering)}/participants?q=bjørn").get_data(as_text=True)
    assert people[1].name in search and people[0].name not in search
    # nonsense filters are ignored, never a 500
    assert client.get(f"{base(offering)}/participants?status=zzz").status_code == 200


def test_the_counts_add_up_once_attendance_is_recorded(client, organiser, people):
    """Checked-in people left "Confirmed": the page said 0 confirmed and 1 place left of 3."""
    offering = make.offering(capacity=3)
    enrol(offering, people[:2])
    begin_now(offering)
    manage.record_attendance(organiser, registration_of(people[0], offering).id, attended=True)
    manage.record_attendance(organiser, registration_of(people[1], offering).id, attended=False)
    db.session.commit()
    page = client.get(f"{base(offering)}/participants").get_data(as_text=True)
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page))
    assert facts["Confirmed"] == "0" and facts["Attendance recorded"] == "2"
    assert facts["Places left"] == "1"
    before = make.offering(capacity=3)
    enrol(before, people[:2])
    page = client.get(f"{base(before)}/participants").get_data(as_text=True)
    assert "Attendance recorded" not in page  # nothing recorded, no row


def test_approve_and_decline(client, organiser, people):
    offering = make.offering(capacity=2, requires_approval=True)
    enrol(offering, people[:2])
    # A missing or unknown decision is refused; it never declines anyone.
    first = registration_of(people[0], offering)
    for data in ({}, {"decision": "maybe"}):
        path = f"{base(offering)}/participants/{first.id}/decide"
        assert post(client, path, data).status_code == 400
    assert status_of(people[0], offering) == "pending"
    for person, decision in ((people[0], "approve"), (people[1], "decline")):
        registration = registration_of(person, offering)
        path = f"{base(offering)}/participants/{registration.id}/decide"
        assert post(client, path, {"decision": decision}).status_code == 302
    assert status_of(people[0], offering) == "confirmed"
    assert status_of(people[1], offering) == "declined"


def test_promote_over_capacity_asks_first(client, organiser, people):
    offering = make.offering(capacity=1)
    enrol(offering, people[:2])
    waiting = registration_of(people[1], offering)
    path = f"{base(offering)}/participants/{waiting.id}/promote"
    warning = post(client, path)
    assert warning.status_code == 409
    text = warning.get_data(as_text=True)
    assert "would be number 2 with a place, and there is 1 place." in text  # one place
    assert status_of(people[1], offering) == "waitlisted"
    page = client.get(f"{base(offering)}/participants").get_data(as_text=True)
    assert "Over-booked" not in page
    assert post(client, path, {"confirm": "yes"}).status_code == 302
    assert status_of(people[1], offering) == "confirmed"
    # More places held than there are: the list says so at its top.
    page = client.get(f"{base(offering)}/participants").get_data(as_text=True)
    assert 'id="over-capacity"' in page
    assert "1 place too many is held (held: 2, places: 1)." in page


def test_move_in_the_waiting_list(client, organiser, people):
    offering = make.offering(capacity=0)
    enrol(offering, people[:3])
    last = registration_of(people[2], offering)
    assert post(client, f"{base(offering)}/participants/{last.id}/move", {"position": "1"})
    positions = [seats.waitlist_position(registration_of(p, offering)) for p in people[:3]]
    assert positions == [2, 3, 1]
    bad = post(client, f"{base(offering)}/participants/{last.id}/move", {"position": "x"})
    assert bad.status_code == 302  # a form error as a message, nothing changed
    assert seats.waitlist_position(registration_of(people[2], offering)) == 1


def test_cancel_one_person(client, organiser, people):
    offering = make.offering(capacity=1)
    enrol(offering, people[:2])
    first = registration_of(people[0], offering)
    post(client, f"{base(offering)}/participants/{first.id}/cancel")
    assert status_of(people[0], offering) == "cancelled"
    assert status_of(people[1], offering) == "confirmed"
    assert mails(people[0].email, "registration_cancelled")


def test_capacity_below_confirmed_warns(client, organiser, people):
    offering = make.offering(capacity=3)
    enrol(offering, people[:4])
    warning = post(client, f"{base(offering)}/capacity", {"capacity": "1"})
    assert warning.status_code == 409
    assert "Nobody loses their place" in warning.get_data(as_text=True)
    assert "Set 1 place anyway" in warning.get_data(as_text=True)  # not "1 places"
    db.session.refresh(offering)
    assert offering.capacity == 3
    post(client, f"{base(offering)}/capacity", {"capacity": "1", "confirm": "y"})
    db.session.refresh(offering)
    assert offering.capacity == 1
    # Nobody is dropped: all three keep their places, the fourth keeps their place in line.
    assert [status_of(p, offering) for p in people[:4]] == ["confirmed"] * 3 + ["waitlisted"]
    assert not mails(people[0].email, "registration_cancelled")
    post(client, f"{base(offering)}/capacity", {"capacity": "4"})
    assert status_of(people[3], offering) == "confirmed"
    for bad in ("-1", "abc", "99999999999999"):
        assert post(client, f"{base(offering)}/capacity", {"capacity": bad}).status_code == 302
    db.session.refresh(offering)
    assert offering.capacity == 4


def test_log_page(client, organiser, people):
    offering = make.offering(capacity=1)
    enrol(offering, people[:2])
    post(client, f"{base(offering)}/participants/{registration_of(people[0], offering).id}/cancel")
    page = client.get(f"{base(offering)}/log").get_data(as_text=True)
    assert organiser.name in page and people[0].name in page
    assert "Cancelled" in page and "The system" in page  # the automatic promotion


def test_message_to_all_confirmed(client, organiser, people):
    offering = make.offering(capacity=2)
    enrol(offering, people[:3])
    response = post(
        client,
        f"{base(offering)}/message",
        {
            "subject": "Endret rom",
            "text": "Vi er flyttet til rom Ås.\n\nVelkommen!",
            "audience": "places",
            "action": "send",
        },
        page=f"{base(offering)}/message",
    )
    assert response.status_code == 302
    for person in people[:2]:
        [mail] = mails(person.email, "registration_message")
        assert "Endret rom" in mail.subject and "rom Ås" in mail.body_text
    assert not mails(people[2].email, "registration_message")  # waitlisted
    bad = post(client, f"{base(offering)}/message", {"subject": "a\nBcc: x", "text": "t"})
    assert bad.status_code == 400
    count = db.session.scalar(
        select(db.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.kind == "registration_message")
    )
    assert count == 2


def test_message_to_the_waiting_list_too_and_after_the_event(client, organiser, people):
    offering = make.offering(capacity=2)
    enrol(offering, people[:3])  # two places, one in line
    path = f"{base(offering)}/message"
    page = client.get(path).get_data(as_text=True)
    assert "With a place: 2 people." in page and "awaiting approval: 3 people." in page
    data = {"subject": "Nytt rom", "text": "Rom Ås.", "audience": "everyone", "action": "send"}
    assert post(client, path, data, page=path).status_code == 302
    assert [len(mails(p.email, "registration_message")) for p in people[:3]] == [1, 1, 1]

    begin_now(offering)  # after check-in the statuses are attended and no-show
    manage.record_attendance(organiser, registration_of(people[0], offering).id, attended=True)
    manage.record_attendance(organiser, registration_of(people[1], offering).id, attended=False)
    db.session.commit()
    data = {
        "subject": "Takk for sist",
        "text": "Lysbildene.",
        "audience": "places",
        "action": "send",
    }
    assert post(client, path, data, page=path).status_code == 302
    assert [len(mails(p.email, "registration_message")) for p in people[:3]] == [2, 2, 1]
    assert post(client, path, {**data, "audience": "all"}, page=path).status_code == 400


def test_check_in_waits_for_the_first_day(client, organiser, people):
    """Before the first day the page says when check-in opens, where the buttons would
    be, and shows no buttons that would only be refused."""
    offering = make.offering(capacity=2, starts_in=timedelta(days=10))
    enrol(offering, people[:1])
    first = registration_of(people[0], offering)
    page = client.get(f"{base(offering)}/check-in").get_data(as_text=True)
    assert people[0].name in page
    assert "Check-in opens on the day the offering starts" in page
    assert f"/check-in/{first.id}" not in page and 'value="yes"' not in page
    response = post(client, f"{base(offering)}/check-in/{first.id}", {"attended": "yes"})
    assert response.status_code == 302
    assert status_of(people[0], offering) == "confirmed", "not ten days ahead"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Attendance can be recorded from the day the offering starts." in page


def test_check_in(client, organiser, people):
    offering = make.offering(capacity=2)
    enrol(offering, people[:2])
    begin_now(offering)
    page = client.get(f"{base(offering)}/check-in").get_data(as_text=True)
    assert people[0].name in page and "<script>" not in page  # the name is escaped
    first = registration_of(people[0], offering)
    response = post(client, f"{base(offering)}/check-in/{first.id}", {"attended": "yes"})
    assert response.headers["Location"].endswith(f"#person-{first.id}")
    assert status_of(people[0], offering) == "attended"
    page = client.get(f"{base(offering)}/check-in")
    assert pressed(page, first) == {"yes": "true", "no": "false"}
    # A missing or unknown answer is refused; it never records a no-show.
    for data in ({}, {"attended": "perhaps"}):
        assert post(client, f"{base(offering)}/check-in/{first.id}", data).status_code == 400
    assert status_of(people[0], offering) == "attended"
    post(client, f"{base(offering)}/check-in/{first.id}", {"attended": "no"})
    assert status_of(people[0], offering) == "no_show"
    page = client.get(f"{base(offering)}/check-in")
    assert pressed(page, first) == {"yes": "false", "no": "true"}
    second = registration_of(people[1], offering)
    assert pressed(page, second) == {"yes": "false", "no": "false"}


def pressed(response, registration) -> dict[str, str]:
    """aria-pressed of the person's attended (yes) and no-show (no) buttons."""
    html = response.get_data(as_text=True)
    person = html.split(f'id="person-{registration.id}"', 1)[1].split("</li>", 1)[0]
    buttons = re.findall(r'<button[^>]*value="(yes|no)"[^>]*aria-pressed="(\w+)"', person)
    assert len(buttons) == 2, person
    return dict(buttons)


def test_attendance_list_is_printable(client, organiser, people):
    offering = make.offering(capacity=2)
    enrol(offering, people[:3])
    page = client.get(f"{base(offering)}/attendance-list").get_data(as_text=True)
    assert people[0].name in page and people[2].name not in page
    assert 'media="print"' in page and "print.css" in page
    assert "style=" not in page.split("<main", 1)[1]
    assert client.get("/static/print.css").status_code == 200


def test_instructors_manage_only_their_own(client, factory, login, people):
    instructor = factory.user("teacher@example.no", roles=("instructor",))
    own = make.offering(capacity=2, instructors=[instructor])
    other = make.offering(capacity=2)
    login(instructor)
    assert client.get(f"{base(own)}/participants").status_code == 200
    assert client.get(f"{base(other)}/participants").status_code == 403
    enrol(other, people[:1])
    registration = registration_of(people[0], other)
    response = post(client, f"{base(other)}/participants/{registration.id}/cancel")
    assert response.status_code == 403
    assert status_of(people[0], other) == "confirmed"
    # a registration of another offering through this offering's address
    response = post(client, f"{base(own)}/participants/{registration.id}/cancel")
    assert response.status_code == 404
    assert status_of(people[0], other) == "confirmed"
