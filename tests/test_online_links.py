"""An offering's online meeting link is for those with a place and those who run it
(``lms/registrations/online_links.py``): its page, the API (one offering and the
listing), the network feed and the personal feed leave it out for everyone else, the
public ``.ics`` download leaves it out for everyone, and the mail to a person with a
place carries it (text and calendar file) while the waiting list's does not."""

from __future__ import annotations

import pytest
from api_support import bearer
from factories import make, outbox

from lms.accounts import services as accounts
from lms.calendar.feeds import feed_token
from lms.events.models import Network, NetworkMembership
from lms.extensions import db
from lms.mail.rendering import render_message
from lms.registrations import services as registrations
from lms.registrations.models import Registration

LINK = "https://meet.example.no/seminar-secret"
VIEWERS = ("anonymous", "no_place", "waitlisted", "pending", "offered", "confirmed",
           "instructor", "organiser")  # fmt: skip
SEES = {"confirmed", "instructor", "organiser"}


@pytest.fixture
def network():
    made = Network(name="Klimanettverket", membership="open")
    db.session.add(made)
    db.session.commit()
    return made


@pytest.fixture
def setting(factory, network):
    """A members-only network meeting with an online link, and one person per viewer
    kind (each an approved member of the network, so membership alone shows nothing)."""
    people = {
        who: factory.user(f"{who}@example.no", language="en",
                          roles=("organiser",) if who == "organiser" else ())
        for who in VIEWERS if who != "anonymous"
    }  # fmt: skip
    meeting = make.offering(
        "Nettverksmøte",
        kind="network_meeting",
        members_only=True,
        network_id=network.id,
        online_url=LINK,
        capacity=5,
        instructors=[people["instructor"]],
    )
    for who, user in people.items():
        db.session.add(NetworkMembership(network_id=network.id, user_id=user.id))
        if who in ("waitlisted", "pending", "offered", "confirmed"):
            db.session.add(
                Registration(offering_id=meeting.id, user_id=user.id, status=who, waitlist_rank=1)
            )
    db.session.commit()
    return meeting, people


def _token(user) -> dict:
    _token, raw = accounts.create_api_token(user, "test")
    db.session.commit()
    return bearer(raw)


@pytest.mark.parametrize("who", VIEWERS)
def test_the_page_shows_the_link_only_with_a_place_or_to_those_who_run_it(
    client, login, setting, who
):
    meeting, people = setting
    if who != "anonymous":
        login(people[who])
    page = client.get(f"/events/{meeting.id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert (LINK in text) == (who in SEES)
    if who not in SEES:
        assert "Those with a place see the link here" in text


@pytest.mark.parametrize("who", VIEWERS)
def test_the_api_gives_the_link_only_with_a_place_or_to_those_who_run_it(client, setting, who):
    meeting, people = setting
    headers = {} if who == "anonymous" else _token(people[who])
    expected = LINK if who in SEES else None
    one = client.get(f"/api/v1/events/{meeting.id}", headers=headers).get_json()
    assert one["online_url"] == expected
    listed = client.get("/api/v1/events?kind=network_meeting", headers=headers).get_json()
    assert [e["online_url"] for e in listed["events"]] == [expected]


@pytest.mark.parametrize("who", [w for w in VIEWERS if w != "anonymous"])
def test_the_network_feed_carries_the_link_only_with_a_place_or_to_those_who_run_it(
    client, setting, who
):
    meeting, people = setting
    data = client.get(f"/calendar/{feed_token(people[who])}/networks/{meeting.network_id}.ics")
    assert data.status_code == 200
    assert (b"meet.example.no" in data.data) == (who in SEES)


@pytest.mark.parametrize("who", ["offered", "confirmed"])
def test_the_personal_feed_carries_the_link_only_with_a_place(client, setting, who):
    meeting, people = setting
    data = client.get(f"/calendar/{feed_token(people[who])}.ics").data
    assert meeting.title.encode() in data
    assert (b"meet.example.no" in data) == (who in SEES)


def test_the_public_calendar_file_never_carries_the_link(client, login, setting):
    meeting, people = setting
    assert b"meet.example.no" not in client.get(f"/events/{meeting.id}/calendar.ics").data
    seminar = make.offering(online_url=LINK)
    login(people["organiser"])  # the same file for everyone, even those who run it
    for offering in (meeting, seminar):
        response = client.get(f"/events/{offering.id}/calendar.ics")
        assert response.status_code == 200
        assert b"meet.example.no" not in response.data


def test_the_confirmation_mail_carries_the_link_and_the_waiting_lists_does_not(app, factory):
    seminar = make.offering(capacity=1, online_url=LINK)
    first = factory.user("first@example.no", language="en")
    second = factory.user("second@example.no", language="en")
    registrations.register(first, seminar.id)
    registrations.register(second, seminar.id)
    db.session.commit()

    def rendered(user, kind):
        (message,) = outbox(to=user.email, kind=kind)
        _subject, text, html, attachments = render_message(message)
        return text + html + "".join(a[2].decode() for a in attachments)

    with app.test_request_context("/"):
        assert LINK in rendered(first, "registration_confirmed")
        assert "meet.example.no" not in rendered(second, "registration_waitlisted")
        # Promoted from the list: the confirmation brings the link.
        registrations.cancel(first, _registration(first, seminar))
        db.session.commit()
        assert LINK in rendered(second, "registration_confirmed")


def _registration(user, offering) -> int:
    return db.session.scalar(
        db.select(Registration.id).where(
            Registration.user_id == user.id, Registration.offering_id == offering.id
        )
    )


def test_a_message_and_a_change_carry_the_link_only_to_those_with_a_place(app, setting):
    from lms.registrations import notify

    meeting, people = setting
    registrations_of = {
        who: db.session.scalar(
            db.select(Registration).where(
                Registration.offering_id == meeting.id, Registration.user_id == people[who].id
            )
        )
        for who in ("waitlisted", "offered", "confirmed")
    }
    for registration in registrations_of.values():
        notify.message(registration, "Husk", "Vi sees.")
    notify.offering_changed(meeting)  # to those holding or offered a seat
    db.session.commit()
    with app.test_request_context("/"):
        for who in registrations_of:
            for message in outbox(to=people[who].email):
                _subject, text, html, attachments = render_message(message)
                carried = text + html + "".join(a[2].decode() for a in attachments)
                assert ("meet.example.no" in carried) == (who == "confirmed"), (who, message.kind)
