"""A network meeting's page links back to its network; a network's page lists its coming
meetings for everyone who may see them (as the catalogue does: drafts only for their
editors), its members only for those inside; and every button that registers says what
it does, on the offering's page and on the registration form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from factories import make

from lms.events.models import Network, NetworkMembership
from lms.extensions import db
from lms.registrations.models import Registration
from lms.timeutil import utcnow

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def network():
    made = Network(name="Innkjøpsnettverket Nord", membership="approval")
    db.session.add(made)
    db.session.commit()
    return made


def _meeting(network, title, **fields):
    fields.setdefault("starts_in", timedelta(days=10))
    return make.offering(title, kind="network_meeting", network_id=network.id, **fields)


def test_a_meeting_page_links_back_to_its_network(client, network):
    meeting = _meeting(network, "Vårmøtet")
    html = client.get(f"/events/{meeting.id}", headers=ENGLISH).get_data(as_text=True)
    link = f'href="/networks/{network.id}"'
    assert html.count(link) >= 2, "at the top and in the facts"
    assert "A meeting of Innkjøpsnettverket Nord" in html
    seminar = make.offering("Seminar")
    plain = client.get(f"/events/{seminar.id}", headers=ENGLISH).get_data(as_text=True)
    assert "/networks/" not in plain and "All seminars and courses" in plain


def test_a_network_page_lists_its_coming_meetings_for_everyone(client, factory, login, network):
    shown = _meeting(network, "Kommer", members_only=True, starts_in=timedelta(days=5))
    cancelled = _meeting(network, "Avlyst", status="cancelled", starts_in=timedelta(days=6))
    draft = _meeting(network, "Utkast", status="draft", starts_in=timedelta(days=7))
    past = _meeting(network, "Forbi", starts_in=timedelta(days=-7))
    member = factory.user(name="Mona Medlem")
    db.session.add(NetworkMembership(network_id=network.id, user_id=member.id, status="approved"))
    db.session.commit()

    def meeting_links(html: str) -> set[int]:
        return {o.id for o in (shown, cancelled, draft, past) if f'href="/events/{o.id}"' in html}

    anonymous = client.get(f"/networks/{network.id}", headers=ENGLISH).get_data(as_text=True)
    assert meeting_links(anonymous) == {shown.id, cancelled.id}
    assert "Coming meetings" in anonymous and "for members" in anonymous
    assert "Mona Medlem" not in anonymous, "the members stay inside"

    login(factory.user(roles=("organiser",)))
    organiser = client.get(f"/networks/{network.id}").get_data(as_text=True)
    assert meeting_links(organiser) == {shown.id, cancelled.id, draft.id}
    assert "Mona Medlem" in organiser


def test_the_network_page_lists_what_the_catalogue_lists(client, network):
    _meeting(network, "Møte i nettverket")
    listed = client.get("/events?kind=network_meeting").get_data(as_text=True)
    page = client.get(f"/networks/{network.id}").get_data(as_text=True)
    (meeting_id,) = {int(n) for n in re.findall(r'href="/events/(\d+)"', listed)}
    assert f'href="/events/{meeting_id}"' in page


# --- what each register button says -------------------------------------------------------


@pytest.fixture
def person(factory, login):
    user = factory.user("me@example.no", language="en")
    login(user)
    return user


def _fill(offering, factory, n: int, status: str = "confirmed") -> None:
    for _ in range(n):
        db.session.add(
            Registration(offering_id=offering.id, user_id=factory.user().id, status=status)
        )
    db.session.commit()


@pytest.mark.parametrize(
    ("state", "verb"),
    [
        ("register", "Register"),
        ("waitlist", "Join the waiting list"),
        ("apply", "Apply for a seat"),
    ],
)
def test_each_button_that_registers_says_what_it_does(client, factory, person, state, verb):
    offering = make.offering("Kurs", capacity=1, requires_approval=state == "apply")
    if state == "waitlist":
        _fill(offering, factory, 1)
    detail = client.get(f"/events/{offering.id}").get_data(as_text=True)
    assert f'data-action="{state}"' in detail
    assert f">{verb}</a>" in detail
    form = client.get(f"/events/{offering.id}/register").get_data(as_text=True)
    assert f'<h1 class="ds-heading" data-size="lg">{verb}: Kurs</h1>' in form
    assert f">{verb}</button>" in form
    if state != "register":
        assert ">Register</button>" not in form


def test_the_waiting_list_button_in_norwegian(client, factory, login):
    offering = make.offering("Kurs", capacity=1)
    _fill(offering, factory, 1)
    login(factory.user(language="nb"))
    nb = {"Accept-Language": "nb"}
    detail = client.get(f"/events/{offering.id}", headers=nb).get_data(as_text=True)
    form = client.get(f"/events/{offering.id}/register", headers=nb).get_data(as_text=True)
    for html in (detail, form):
        assert "Sett meg på ventelisten" in html
    assert ">Meld deg på</button>" not in form


@pytest.mark.parametrize(
    ("state", "says"),
    [
        ("members_only", "Only members of the network can register."),
        ("closed", "Registration is closed."),
        ("not_open", "Registration is not open yet."),
        ("cancelled", "This offering is cancelled."),
    ],
)
def test_where_nobody_can_register_there_is_no_button_and_the_page_says_why(
    client, person, network, state, says
):
    fields = {
        "members_only": {"kind": "network_meeting", "members_only": True, "network_id": network.id},
        "closed": {"registration_closes_at": utcnow() - timedelta(days=1)},
        "not_open": {"registration_opens_at": utcnow() + timedelta(days=3)},
        "cancelled": {"status": "cancelled"},
    }[state]
    offering = make.offering("Kurs", **fields)
    detail = client.get(f"/events/{offering.id}").get_data(as_text=True)
    assert f'data-action="{state}"' in detail and says in detail
    assert f'href="/events/{offering.id}/register"' not in detail
    if state == "members_only":
        assert "See how to join the network" in detail
    form = client.get(f"/events/{offering.id}/register").get_data(as_text=True)
    main = form.split("<main", 1)[1].split("</main>")[0]
    assert says in main and 'type="submit"' not in main


def test_an_offered_seat_says_what_to_do(client, factory, person):
    offering = make.offering("Kurs", capacity=1)
    db.session.add(Registration(offering_id=offering.id, user_id=person.id, status="offered"))
    db.session.commit()
    detail = client.get(f"/events/{offering.id}").get_data(as_text=True)
    assert 'data-action="offered"' in detail and "Accept or decline the offer" in detail
