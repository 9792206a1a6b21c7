"""A members-only network meeting's online link is for the network's members (and those
who run it): the page, the public ``.ics`` and the API leave it out for everyone else."""

from __future__ import annotations

import pytest
from api_support import bearer
from factories import make

from lms.accounts import services
from lms.events.models import Network, NetworkMembership
from lms.extensions import db

LINK = "https://meet.example.no/csr-network-secret"


@pytest.fixture
def meeting():
    network = Network(name="CSR network", membership="approval")
    db.session.add(network)
    db.session.commit()
    return make.offering(
        capacity=2,
        kind="network_meeting",
        members_only=True,
        network_id=network.id,
        online_url=LINK,
    )


@pytest.fixture
def token_of(factory):
    def make(email: str, roles=(), member_of=None):
        user = factory.user(email, roles=roles, language="en")
        if member_of is not None:
            db.session.add(NetworkMembership(network_id=member_of.network_id, user_id=user.id))
        _token, raw = services.create_api_token(user, "test")
        db.session.commit()
        return user, bearer(raw)

    return make


def test_the_page_shows_the_link_to_members_only(client, factory, login, meeting):
    english = {"Accept-Language": "en"}
    outside = client.get(f"/events/{meeting.id}", headers=english).get_data(as_text=True)
    assert LINK not in outside
    assert "Members of the network see the link here." in outside

    member = factory.user("member@example.no", language="en")
    db.session.add(NetworkMembership(network_id=meeting.network_id, user_id=member.id))
    db.session.commit()
    login(member)
    assert LINK in client.get(f"/events/{meeting.id}").get_data(as_text=True)


def test_the_public_calendar_file_leaves_the_link_out(client, meeting):
    response = client.get(f"/events/{meeting.id}/calendar.ics")
    assert response.status_code == 200
    assert b"meet.example.no" not in response.data
    open_seminar = make.offering(capacity=2, online_url=LINK)
    assert b"meet.example.no" in client.get(f"/events/{open_seminar.id}/calendar.ics").data


@pytest.mark.parametrize(
    ("who", "sees"), [("outsider", False), ("member", True), ("organiser", True)]
)
def test_the_api_gives_the_link_to_members_and_organisers(client, token_of, meeting, who, sees):
    _user, headers = {
        "outsider": lambda: token_of("out@example.no"),
        "member": lambda: token_of("in@example.no", member_of=meeting),
        "organiser": lambda: token_of("org@example.no", roles=("organiser",)),
    }[who]()
    expected = LINK if sees else None
    listed = client.get("/api/v1/events?kind=network_meeting", headers=headers).get_json()
    assert [e["online_url"] for e in listed["events"]] == [expected]
    one = client.get(f"/api/v1/events/{meeting.id}", headers=headers).get_json()
    assert one["online_url"] == expected
