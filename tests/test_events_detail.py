"""The offering page: facts, sanitised description, and what the register button says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make, oslo, year_like

from lms.events.models import Network, NetworkMembership
from lms.extensions import db
from lms.registrations import services as registrations
from lms.timeutil import utcnow

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2030 = year_like(2030)


def action_of(response) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:300]
    return html.split('data-action="', 1)[1].split('"', 1)[0]


def test_shows_facts_description_and_calendar_links(client, factory):
    speaker = factory.user(roles=("instructor",), name="Siri Foredragsholder")
    made = make.offering(
        "Menneskerettigheter i leverandørkjeden",
        starts=oslo(Y2030, 10, 28, 9, 0),
        description_md="## Program\n\n<script>alert(1)</script>[Les mer](https://dfo.no)",
        themes=["human_rights"],
        principles=[1, 2, 4],
        online_url="https://teams.example/m",
        instructors=[speaker],
    )
    html = client.get(f"/events/{made.id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Siri Foredragsholder" in html
    assert "Human rights and the ILO core conventions" in html
    assert "1, 2, 4" in html
    assert f"28 October {Y2030}, 09:00" in html  # Oslo time (UTC+1 after the DST change)
    assert "<h3>Program</h3>" in html
    assert "<script>alert(1)" not in html
    assert 'href="https://dfo.no" rel="noopener noreferrer"' in html
    assert f"/events/{made.id}/calendar.ics" in html
    assert f"webcal://lms.test/events/{made.id}/calendar.ics" in html
    assert f"/events/{made.id}/register" in html


def test_draft_is_hidden_from_the_public(client, factory, login):
    draft = make.offering(status="draft")
    assert client.get(f"/events/{draft.id}").status_code == 404
    login(factory.user(roles=("organiser",)))
    assert client.get(f"/events/{draft.id}").status_code == 200


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda o, u, other: None, "register"),
        (lambda o, u, other: _fill(o, other), "waitlist"),
        (lambda o, u, other: setattr(o, "requires_approval", True), "apply"),
        (
            lambda o, u, other: setattr(o, "registration_opens_at", utcnow() + timedelta(days=1)),
            "not_open",
        ),
        (
            lambda o, u, other: setattr(o, "registration_closes_at", utcnow() - timedelta(days=1)),
            "closed",
        ),
        (lambda o, u, other: setattr(o, "status", "cancelled"), "cancelled"),
        (lambda o, u, other: registrations.register(u, o.id), "registered"),
    ],
)
def test_register_button_says_what_will_happen(client, factory, login, setup, expected):
    made = make.offering(capacity=1)
    user, other = factory.user(), factory.user()
    setup(made, user, other)
    db.session.commit()
    login(user)
    assert action_of(client.get(f"/events/{made.id}")) == expected


def _fill(made, other):
    registrations.register(other, made.id)


def test_waitlisted_person_is_told_and_linked(client, factory, login):
    made = make.offering(capacity=1)
    user = factory.user()
    registrations.register(factory.user(), made.id)
    registrations.register(user, made.id)
    db.session.commit()
    login(user)
    response = client.get(f"/events/{made.id}", headers={"Accept-Language": "en"})
    assert action_of(response) == "waitlisted"
    html = response.get_data(as_text=True)
    assert "1 person" in html  # the waiting list's length


def test_members_only_meeting(client, factory, login):
    network = Network(name="Nettverk for samfunnsansvar", membership="open")
    db.session.add(network)
    db.session.commit()
    meeting = make.offering(kind="network_meeting", members_only=True, network_id=network.id)
    user = factory.user()
    assert action_of(client.get(f"/events/{meeting.id}")) == "members_only"  # anonymous
    login(user)
    assert action_of(client.get(f"/events/{meeting.id}")) == "members_only"
    db.session.add(NetworkMembership(network_id=network.id, user_id=user.id, status="approved"))
    db.session.commit()
    assert action_of(client.get(f"/events/{meeting.id}")) == "register"


def test_unknown_offering_is_404(client):
    assert client.get("/events/999999").status_code == 404
