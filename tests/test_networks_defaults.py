"""A network's meeting defaults (start, length, place): kept on the network, edited on
the organiser's pages, prefilled in the meetings form and used when meetings are made."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from conftest import csrf_token, post_form
from factories import oslo, year_like

from lms.events import networks, services
from lms.events.models import Network
from lms.extensions import db

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2030 = year_like(2030)

RULE = "FREQ=MONTHLY;BYDAY=2TU"


@pytest.fixture
def organiser(factory):
    return factory.user(roles=("organiser",))


def network(**fields) -> Network:
    fields.setdefault("name", "Nettverk for klimakrav")
    fields.setdefault("recurrence_rule", RULE)
    made = Network(**fields)
    db.session.add(made)
    db.session.commit()
    return made


def with_defaults() -> Network:
    return network(
        meeting_start=time(13, 0),
        meeting_minutes=90,
        venue="Anskaffelseshuset",
        room="Møterom Fjorden",
        address="Postboks 7154 St. Olavs plass, Oslo",
        online_url="https://meet.example.no/klima",
    )


def input_value(html: str, field_id: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def post_settings(client, network_id: int, data: dict, form_page: str):
    """The settings form is prefixed ("network-"), its CSRF field too."""
    token = csrf_token(client, form_page)
    return client.post(
        f"/manage/networks/{network_id}/settings", data={"network-csrf_token": token, **data}
    )


def test_generated_meetings_take_the_networks_start_length_and_place(app, organiser):
    net = with_defaults()
    first, second = networks.generate_meetings(organiser, net, after=date(Y2030, 9, 1), count=2)
    db.session.commit()
    assert [(m.starts_at, m.ends_at) for m in (first, second)] == [
        (oslo(Y2030, 9, 10, 13), oslo(Y2030, 9, 10, 14, 30)),
        (oslo(Y2030, 10, 8, 13), oslo(Y2030, 10, 8, 14, 30)),
    ]
    for meeting in (first, second):
        assert (meeting.venue, meeting.room, meeting.address, meeting.online_url) == (
            "Anskaffelseshuset",
            "Møterom Fjorden",
            "Postboks 7154 St. Olavs plass, Oslo",
            "https://meet.example.no/klima",
        )
        assert meeting.members_only and meeting.status == "published"


def test_what_the_organiser_gives_wins_over_the_defaults(app, organiser):
    net = with_defaults()
    (meeting,) = networks.generate_meetings(
        organiser,
        net,
        after=date(Y2030, 9, 1),
        count=1,
        start=time(9, 0),
        minutes=60,
        defaults={"venue": "Digitalt", "address": "", "capacity": 12},
    )
    assert (meeting.starts_at, meeting.ends_at) == (oslo(Y2030, 9, 10, 9), oslo(Y2030, 9, 10, 10))
    assert (meeting.venue, meeting.room, meeting.address) == ("Digitalt", "Møterom Fjorden", "")
    assert meeting.capacity == 12


def test_without_a_start_anywhere_nothing_is_made(app, organiser):
    net = network()
    with pytest.raises(services.EventError) as refused:
        networks.generate_meetings(organiser, net, after=date(Y2030, 9, 1), count=2)
    assert refused.value.code == "no_start"


def test_create_page_stores_the_defaults(client, login, organiser):
    login(organiser)
    data = {
        "name": "Innkjøpernettverket",
        "membership": "open",
        "recurrence_rule": RULE,
        "meeting_start": "10:30",
        "meeting_minutes": "150",
        "venue": "Anskaffelseshuset",
        "room": "Sal 2",
        "address": "Oslo",
        "online_url": "https://meet.example.no/innkjop",
    }
    assert post_form(client, "/manage/networks", data).status_code == 302
    db.session.expire_all()
    made = db.session.query(Network).one()
    assert (made.meeting_start, made.meeting_minutes) == (time(10, 30), 150)
    assert (made.venue, made.room, made.address, made.online_url) == (
        "Anskaffelseshuset",
        "Sal 2",
        "Oslo",
        "https://meet.example.no/innkjop",
    )

    too_short = data | {"name": "Kort", "meeting_minutes": "10"}
    assert post_form(client, "/manage/networks", too_short).status_code == 400
    not_a_link = data | {"name": "Lenke", "online_url": "javascript:alert(1)"}
    assert post_form(client, "/manage/networks", not_a_link).status_code == 400
    assert db.session.query(Network).count() == 1


def test_meetings_form_is_prefilled_from_the_network(client, login, organiser):
    net = with_defaults()
    login(organiser)
    html = client.get(f"/manage/networks/{net.id}").get_data(as_text=True)
    assert input_value(html, "start") == "13:00"
    assert input_value(html, "minutes") == "90"
    assert input_value(html, "room") == "Møterom Fjorden"
    assert input_value(html, "online_url") == "https://meet.example.no/klima"
    # The settings form beside it has its own ids (no duplicates on the page).
    assert input_value(html, "network-meeting_start") == "13:00"
    assert html.count('id="room"') == 1


def test_settings_page_edits_the_defaults(client, login, organiser, factory):
    net = with_defaults()
    page = f"/manage/networks/{net.id}"
    data = {
        "network-name": "Nytt navn",
        "network-membership": "approval",
        "network-recurrence_rule": "freq=monthly;byday=3we",
        "network-meeting_start": "08:15",
        "network-meeting_minutes": "45",
        "network-venue": "",
        "network-room": "",
        "network-address": "",
        "network-online_url": "https://meet.example.no/ny",
    }
    login(organiser)
    response = post_settings(client, net.id, data, page)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Network, net.id)
    assert (saved.name, saved.membership, saved.recurrence_rule) == (
        "Nytt navn",
        "approval",
        "FREQ=MONTHLY;BYDAY=3WE",
    )
    assert (saved.meeting_start, saved.meeting_minutes, saved.venue, saved.online_url) == (
        time(8, 15),
        45,
        "",
        "https://meet.example.no/ny",
    )

    bad = data | {"network-recurrence_rule": "FREQ=SOMETIMES"}
    response = post_settings(client, net.id, bad, page)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    rule_input = re.search(r'<input[^>]*id="network-recurrence_rule"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in rule_input
    db.session.expire_all()
    assert db.session.get(Network, net.id).recurrence_rule == "FREQ=MONTHLY;BYDAY=3WE"


def test_settings_are_for_organisers_only(client, login, factory):
    net = with_defaults()
    login(factory.user())
    data = {"network-name": "Kapret", "network-recurrence_rule": RULE}
    response = post_settings(client, net.id, data, "/networks")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Network, net.id).name == "Nettverk for klimakrav"
