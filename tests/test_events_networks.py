"""Networks: joining (open or by approval), members-only pages, meetings from a
recurrence rule in Oslo time (DST-correct), moving and skipping a meeting."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from conftest import post_form
from factories import oslo, year_like
from registrations_support import mails
from sqlalchemy import select

from lms.core.dates import to_local
from lms.events import networks, services
from lms.events.models import Network, NetworkMembership, Offering
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.registrations import services as registrations
from lms.registrations.models import Registration

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2030 = year_like(2030)

RULE = "FREQ=MONTHLY;BYDAY=2TU"


@pytest.fixture
def organiser(factory):
    return factory.user(roles=("organiser",))


def network(membership="open", rule=RULE):
    made = Network(
        name="Nettverk for samfunnsansvar i offentlige anskaffelser",
        membership=membership,
        recurrence_rule=rule,
    )
    db.session.add(made)
    db.session.commit()
    return made


def membership_status(net, user):
    db.session.expire_all()
    found = db.session.get(NetworkMembership, (net.id, user.id))
    return found.status if found else None


def test_second_tuesday_at_nine_across_the_dst_change(app):
    starts = networks.meeting_dates(RULE, date(2030, 9, 1), time(9, 0), 4)
    assert starts == [
        oslo(2030, 9, 10, 9),
        oslo(2030, 10, 8, 9),
        oslo(2030, 11, 12, 9),  # after the October change: 08:00 UTC, still 09:00 in Oslo
        oslo(2030, 12, 10, 9),
    ]
    assert [s.hour for s in starts] == [7, 7, 8, 8]  # UTC


@pytest.mark.parametrize(
    "rule", ["", "FREQ=SOMETIMES", "DTSTART:20300101T000000\nFREQ=DAILY", "FREQ=SECONDLY"]
)
def test_unreadable_rules_are_refused(organiser, rule):
    with pytest.raises(services.EventError):
        networks.create_network(
            organiser, name="X", description_md="", membership="open", rule=rule or "BYDAY=XX"
        )


def test_open_network_join_and_leave(client, factory, login):
    net = network("open")
    user = factory.user()
    login(user)
    page = f"/networks/{net.id}"
    assert "Nettverk for samfunnsansvar" in client.get("/networks").get_data(as_text=True)
    assert post_form(client, f"{page}/join", {}, form_page=page).status_code == 302
    assert membership_status(net, user) == "approved"
    assert post_form(client, f"{page}/leave", {}, form_page=page).status_code == 302
    assert membership_status(net, user) is None


def test_approval_network(client, factory, login, organiser):
    net = network("approval")
    user, other = factory.user(), factory.user()
    networks.join_network(user, net)
    networks.join_network(other, net)
    db.session.commit()
    assert membership_status(net, user) == "pending"
    with pytest.raises(services.PermissionDenied):
        networks.decide_membership(other, net, user.id, approve=True)
    login(organiser)
    manage = f"/manage/networks/{net.id}"
    assert user.email in client.get(manage).get_data(as_text=True)
    url = f"{manage}/members/{user.id}/approve"
    assert post_form(client, url, {}, form_page=manage).status_code == 302
    url = f"{manage}/members/{other.id}/decline"
    assert post_form(client, url, {}, form_page=manage).status_code == 302
    assert membership_status(net, user) == "approved"
    assert membership_status(net, other) is None
    (approved,) = mails(user.email, "network_membership_approved")
    assert net.name in approved.subject and f"/networks/{net.id}" in approved.body_text
    (declined,) = mails(other.email, "network_membership_declined")
    assert "declined" in declined.body_text or "avslått" in declined.body_text


def test_withdrawing_a_request_says_so_not_that_you_left(client, factory, login):
    net = network("approval")
    user = factory.user(language="en")
    networks.join_network(user, net)
    db.session.commit()
    login(user)
    page = f"/networks/{net.id}"
    confirm = client.get(f"{page}/leave").get_data(as_text=True)
    assert "Withdraw your request" in confirm and "No, keep the request" in confirm
    response = post_form(client, f"{page}/leave", {}, form_page=page, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert f"Your request to join {net.name} is withdrawn." in text
    assert "You have left" not in text
    assert membership_status(net, user) is None


def test_meetings_and_members_only_for_members_and_organisers(client, factory, login, organiser):
    net = network("approval")
    networks.generate_meetings(
        organiser, net, after=date(Y2030, 1, 1), start=time(9), minutes=120, count=2
    )
    member, pending = factory.user(name="Mona Medlem"), factory.user(name="Per Venter")
    db.session.add(NetworkMembership(network_id=net.id, user_id=member.id, status="approved"))
    db.session.add(NetworkMembership(network_id=net.id, user_id=pending.id, status="pending"))
    db.session.commit()
    page = f"/networks/{net.id}"

    def sees_inside() -> bool:
        html = client.get(page).get_data(as_text=True)
        return 'id="meetings-heading"' in html and "Mona Medlem" in html

    assert not sees_inside()  # anonymous
    login(pending)
    assert not sees_inside()
    client.post("/logout", data={"csrf_token": _token(client)})
    login(member)
    assert sees_inside()
    client.post("/logout", data={"csrf_token": _token(client)})
    login(organiser)
    assert sees_inside()


def _token(client):
    from conftest import csrf_token

    return csrf_token(client, "/")


def test_generate_meetings_as_members_only_offerings(client, login, organiser):
    net = network()
    login(organiser)
    manage = f"/manage/networks/{net.id}"
    data = {"after": f"{Y2030}-09-01", "start": "09:00", "minutes": "120", "count": "3"}
    data |= {"capacity": "30", "venue": "Digitalt", "online_url": ""}
    assert post_form(client, f"{manage}/meetings", data, form_page=manage).status_code == 302
    meetings = db.session.scalars(select(Offering).order_by(Offering.id)).all()
    assert [(m.kind, m.status, m.members_only, m.network_id) for m in meetings] == [
        ("network_meeting", "published", True, net.id)
    ] * 3
    assert [m.sessions[0].starts_at for m in meetings] == [
        oslo(Y2030, 9, 10, 9),
        oslo(Y2030, 10, 8, 9),
        oslo(Y2030, 11, 12, 9),
    ]
    assert all(m.capacity == 30 for m in meetings)
    # Running it again adds no duplicate dates.
    assert post_form(client, f"{manage}/meetings", data, form_page=manage).status_code == 302
    assert len(db.session.scalars(select(Offering)).all()) == 3
    bad = data | {"count": "0"}
    assert post_form(client, f"{manage}/meetings", bad, form_page=manage).status_code == 400


def test_the_move_form_starts_from_the_meetings_date_and_time(client, login, organiser):
    """Moving only the time (or only the day) must not mean typing both again."""
    [meeting] = networks.generate_meetings(
        organiser, network(), after=date(Y2030, 9, 1), start=time(9, 30), minutes=120, count=1
    )
    db.session.commit()
    login(organiser)
    page = client.get(f"/manage/networks/{meeting.network_id}").get_data(as_text=True)
    assert f'id="day-{meeting.id}" name="day" value="{Y2030}-09-10"' in page
    assert f'id="start-{meeting.id}" name="start" value="09:30"' in page


def test_a_moved_meeting_is_named_by_its_new_day(client, login, organiser):
    """Its title named the day it was planned for, in every list and mail after a move."""
    net = network()
    first, second = networks.generate_meetings(
        organiser, net, after=date(Y2030, 9, 1), start=time(9), minutes=120, count=2
    )
    second.title = "Nettverkssamling med egen tittel"
    db.session.commit()
    assert first.title == f"{net.name}: 10.09.{Y2030}"
    login(organiser)
    manage = f"/manage/networks/{net.id}"
    for meeting, day in ((first, f"{Y2030}-12-03"), (second, f"{Y2030}-12-10")):
        data = {"day": day, "start": "13:00"}
        move = f"{manage}/meetings/{meeting.id}/move"
        assert post_form(client, move, data, form_page=manage).status_code == 302
    db.session.expire_all()
    assert db.session.get(Offering, first.id).title == f"{net.name}: 03.12.{Y2030}"
    assert db.session.get(Offering, second.id).title == "Nettverkssamling med egen tittel"


def test_move_and_skip_a_meeting(client, factory, login, organiser):
    net = network()
    first, second = networks.generate_meetings(
        organiser, net, after=date(Y2030, 9, 1), start=time(9), minutes=120, count=2
    )
    member = factory.user()
    networks.join_network(member, net)
    db.session.commit()
    registrations.register(member, first.id)
    registrations.register(member, second.id)
    db.session.commit()

    login(organiser)
    manage = f"/manage/networks/{net.id}"
    move = f"{manage}/meetings/{first.id}/move"
    response = post_form(
        client, move, {"day": f"{Y2030}-09-17", "start": "13:00"}, form_page=manage
    )
    assert response.status_code == 302
    db.session.expire_all()
    session = db.session.get(Offering, first.id).sessions[0]
    assert (session.starts_at, session.ends_at) == (oslo(Y2030, 9, 17, 13), oslo(Y2030, 9, 17, 15))
    assert session.sequence == 1
    changed = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "offering_changed")
    ).all()
    assert [m.to_address for m in changed] == [member.email]

    skip = f"{manage}/meetings/{second.id}/skip"
    assert post_form(client, skip, {}, form_page=manage).status_code == 302
    db.session.expire_all()
    skipped = db.session.get(Offering, second.id)
    assert skipped.status == "cancelled"
    assert [(s.status, s.sequence) for s in skipped.sessions] == [("cancelled", 1)]
    registration = db.session.scalar(
        select(Registration).where(Registration.offering_id == second.id)
    )
    assert registration.status == "cancelled"

    other = network()
    wrong = f"/manage/networks/{other.id}/meetings/{first.id}/skip"
    assert post_form(client, wrong, {}, form_page=manage).status_code == 302
    db.session.expire_all()
    assert db.session.get(Offering, first.id).status == "published"


def test_generating_again_keeps_moved_and_skipped_dates(organiser):
    """A moved meeting still holds its rule date, and a skipped one its own: generating
    the same months again only adds the dates that never had a meeting."""
    net = network()
    first, second = networks.generate_meetings(
        organiser, net, after=date(Y2030, 9, 1), start=time(9), minutes=120, count=2
    )
    db.session.commit()
    rule_days = [to_local(m.starts_at).date() for m in (first, second)]
    networks.move_meeting(organiser, net, first.id, rule_days[0] + timedelta(days=7), time(13))
    networks.skip_meeting(organiser, net, second.id)
    db.session.commit()

    again = networks.generate_meetings(
        organiser, net, after=date(Y2030, 9, 1), start=time(9), minutes=120, count=3
    )
    db.session.commit()
    assert len(again) == 1
    assert to_local(again[0].starts_at).date() > rule_days[1]
    assert again[0].occurrence_date == to_local(again[0].starts_at).date()


def test_create_network_page(client, login, organiser):
    login(organiser)
    data = {"name": "Innkjøpernettverket", "membership": "approval", "recurrence_rule": RULE}
    assert post_form(client, "/manage/networks", data).status_code == 302
    assert db.session.scalar(select(Network)).membership == "approval"
    bad = data | {"recurrence_rule": "FREQ=NEVER"}
    assert post_form(client, "/manage/networks", bad).status_code == 400


def test_a_rule_that_never_matches_is_refused(app):
    with pytest.raises(services.EventError) as refused:
        networks.meeting_dates("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", date(2030, 1, 1), time(9), 3)
    assert refused.value.code == "bad_rule"
