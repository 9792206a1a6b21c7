"""Leaving a network, or being removed by an organiser, gives up the person's places at
the network's coming members-only meetings through the registrations area (next in line
promoted, person mailed); past meetings keep their attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import post_form
from factories import make
from registrations_support import mails, status_of

from lms.events import networks, services
from lms.events.models import Network, NetworkMembership
from lms.extensions import db
from lms.registrations import services as registrations
from lms.registrations.models import Registration
from lms.timeutil import utcnow


@pytest.fixture
def organiser(factory):
    return factory.user(roles=("organiser",))


@pytest.fixture
def setting(factory):
    """A network with a past meeting, a coming full meeting with someone
    waiting, a coming meeting open to everyone, and another network's meeting."""
    net = Network(name="Nettverk for samfunnsansvar", recurrence_rule="FREQ=MONTHLY;BYDAY=2TU")
    other_net = Network(name="Et annet nettverk", recurrence_rule="FREQ=MONTHLY;BYDAY=1TU")
    db.session.add_all([net, other_net])
    db.session.commit()
    member, waiting = factory.user("medlem@example.no"), factory.user("venter@example.no")
    for person in (member, waiting):
        for group in (net, other_net):
            db.session.add(NetworkMembership(network_id=group.id, user_id=person.id))
    db.session.commit()

    def meeting(group, *, starts_in, members_only=True, capacity=1):
        return make.offering(
            f"{group.name}: møte",
            kind="network_meeting",
            members_only=members_only,
            network_id=group.id,
            capacity=capacity,
            starts=utcnow() + starts_in,
        )

    past = meeting(net, starts_in=timedelta(days=-30))
    # Held, attendance not yet marked: only the "still to come" rule keeps it.
    db.session.add(Registration(offering_id=past.id, user_id=member.id, status="confirmed"))
    coming = meeting(net, starts_in=timedelta(days=20))
    open_to_all = meeting(net, starts_in=timedelta(days=50), members_only=False, capacity=5)
    elsewhere = meeting(other_net, starts_in=timedelta(days=20), capacity=5)
    db.session.commit()
    registrations.register(member, coming.id)
    registrations.register(waiting, coming.id)
    registrations.register(member, open_to_all.id)
    registrations.register(member, elsewhere.id)
    db.session.commit()
    assert status_of(waiting, coming) == "waitlisted"
    return {
        "net": net,
        "member": member,
        "waiting": waiting,
        "past": past,
        "coming": coming,
        "open_to_all": open_to_all,
        "elsewhere": elsewhere,
    }


def check_only_the_coming_members_meeting_was_given_up(s):
    member = s["member"]
    assert status_of(member, s["coming"]) == "cancelled"
    assert status_of(s["waiting"], s["coming"]) == "confirmed", "the next in line moved up"
    assert status_of(member, s["past"]) == "confirmed", "past meetings are kept"
    assert status_of(member, s["open_to_all"]) == "confirmed", "open meetings do not depend"
    assert status_of(member, s["elsewhere"]) == "confirmed", "other networks are untouched"
    assert len(mails(member.email, "registration_cancelled")) == 1
    assert len(mails(s["waiting"].email, "registration_confirmed")) == 1


def test_leaving_gives_up_coming_members_only_meetings(client, login, setting):
    login(setting["member"])
    page = f"/networks/{setting['net'].id}"
    assert post_form(client, f"{page}/leave", {}, form_page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(NetworkMembership, (setting["net"].id, setting["member"].id)) is None
    check_only_the_coming_members_meeting_was_given_up(setting)


def test_organiser_removing_a_member_does_the_same(client, login, organiser, setting):
    login(organiser)
    page = f"/manage/networks/{setting['net'].id}"
    assert setting["member"].email in client.get(page).get_data(as_text=True)
    remove = f"{page}/members/{setting['member'].id}/remove"
    assert post_form(client, remove, {}, form_page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(NetworkMembership, (setting["net"].id, setting["member"].id)) is None
    check_only_the_coming_members_meeting_was_given_up(setting)


def test_removing_is_for_organisers_and_only_for_members(app, factory, organiser, setting):
    with pytest.raises(services.PermissionDenied):
        networks.remove_member(setting["waiting"], setting["net"], setting["member"].id)
    stranger = factory.user("fremmed@example.no")
    with pytest.raises(services.EventError) as refused:
        networks.remove_member(organiser, setting["net"], stranger.id)
    assert refused.value.code == "not_a_member"


def test_a_seat_past_its_cancellation_deadline_is_kept_on_leaving(app, setting):
    coming = setting["coming"]
    coming.cancellation_deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert networks.leave_network(setting["member"], setting["net"]) == 0
    db.session.commit()
    assert status_of(setting["member"], coming) == "confirmed"
