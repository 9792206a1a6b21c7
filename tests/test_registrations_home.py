"""The home after login (/me): offers with their deadlines, the next sessions, places,
waiting-list positions and pending registrations, each linking to where one acts."""

from __future__ import annotations

from datetime import timedelta

from accounts_support import post_form
from factories import TEST_PASSWORD, at_ten_in_oslo

from lms.events.models import Network, NetworkMembership
from lms.extensions import db
from lms.registrations import services as registrations
from lms.registrations.home import participant_home


def _offered(factory, person):
    """``person`` is offered the seat someone else gave up (a time-limited offer)."""
    offering = factory.offering("Tilbud om plass", capacity=1, waitlist_mode="offer")
    first = factory.user()
    registrations.register(first, offering.id)
    registrations.register(person, offering.id)
    db.session.commit()
    registrations.cancel(first, registrations.find_registration(first, offering.id).id)
    db.session.commit()
    return offering


def test_login_lands_on_the_home_unless_asked_elsewhere(client, factory):
    user = factory.user()
    data = {"email": user.email, "password": TEST_PASSWORD}
    assert post_form(client, "/login", data).headers["Location"] == "/me"
    post_form(client, "/logout", {}, form_page="/")
    other = factory.user()
    data = {"email": other.email, "password": TEST_PASSWORD, "next": "/events"}
    response = post_form(client, "/login?next=/events", data)
    assert response.headers["Location"] == "/events"


def test_the_home_needs_a_login(client):
    response = client.get("/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_home_shows_what_is_next_and_what_waits(client, factory, login):
    person = factory.user(name="Pia Deltaker")
    soon = factory.offering("Snart", starts=at_ten_in_oslo(3), sessions=2)
    later = factory.offering("Senere", starts=at_ten_in_oslo(30))
    full = factory.offering("Fullt", capacity=1)
    approval = factory.offering("Med godkjenning", requires_approval=True)
    offer = _offered(factory, person)
    for offering in (later, soon, approval):
        registrations.register(person, offering.id)
    registrations.register(factory.user(), full.id)
    registrations.register(factory.user(), full.id)
    registrations.register(person, full.id)
    db.session.commit()

    home = participant_home(person)
    assert [o.title for o in home.offers] == ["Tilbud om plass"]
    assert home.offers[0].expires_at is not None
    assert [s.title for s in home.next_sessions] == ["Snart", "Snart", "Senere"]
    assert [s.starts_at for s in home.next_sessions] == sorted(
        s.starts_at for s in home.next_sessions
    )
    assert [p.title for p in home.places] == ["Snart", "Senere"]
    assert [(w.title, w.position) for w in home.waitlisted] == [("Fullt", 2)]
    assert [p.title for p in home.pending] == ["Med godkjenning"]

    login(person)
    html = client.get("/me").get_data(as_text=True)
    assert "Velkommen, Pia Deltaker." in html
    mine = registrations.find_registration(person, offer.id)
    assert f'action="/me/registrations/{mine.id}/accept"' in html  # answer here
    assert f'href="/me/registrations/{mine.id}/cancel"' in html  # or decline
    for offering in (soon, later, full, approval, offer):
        assert f'href="/events/{offering.id}"' in html
    assert "nummer 2 i køen" in html
    assert 'href="/me/calendar"' in html


def test_past_sessions_and_ended_registrations_are_left_out(factory):
    person = factory.user()
    course = factory.offering("Kurs", starts=at_ten_in_oslo(-6), sessions=3)
    gone = factory.offering("Avmeldt")
    registrations.register(person, gone.id)
    db.session.commit()
    registrations.cancel(person, registrations.find_registration(person, gone.id).id)
    # A course under way: a place taken before it began; its first session is over.
    from lms.registrations.models import Registration

    db.session.add(Registration(offering_id=course.id, user_id=person.id, status="confirmed"))
    db.session.commit()

    home = participant_home(person)
    assert [p.title for p in home.places] == ["Kurs"]
    assert len(home.next_sessions) == 2  # the two sessions still to come
    assert all(s.ends_at > course.sessions[0].ends_at for s in home.next_sessions)
    assert not home.offers and not home.waitlisted and not home.pending


def test_the_home_of_an_empty_account_points_to_the_catalogue(client, factory, login):
    login(factory.user())
    html = client.get("/me").get_data(as_text=True)
    assert 'href="/events"' in html
    assert 'href="/manage"' not in html


def test_those_who_run_offerings_get_the_way_to_their_overview(client, factory, login):
    login(factory.user(roles=("organiser",)))
    html = client.get("/me").get_data(as_text=True)
    main = html[html.index("<main") :]
    assert 'href="/manage"' in main


def test_the_home_takes_the_same_queries_for_one_or_many_registrations(
    client, factory, login, count_queries
):
    person = factory.user()
    login(person)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/me").status_code == 200
        return len(statements)

    def place_and_line(n: int) -> None:
        registrations.register(person, factory.offering(f"Plass {n}", sessions=2).id)
        full = factory.offering(f"Fullt {n}", capacity=1)
        registrations.register(factory.user(), full.id)
        registrations.register(person, full.id)
        db.session.commit()

    place_and_line(0)
    one = queries()
    for n in range(1, 6):
        place_and_line(n)
    many = queries()
    assert many == one, f"{one} queries for two registrations, {many} for twelve"
    assert many <= 8


def test_the_next_sessions_are_a_handful(factory):
    person = factory.user()
    for n in range(4):
        offering = factory.offering(f"Kurs {n}", starts=at_ten_in_oslo(3 + n), sessions=3)
        registrations.register(person, offering.id)
    db.session.commit()
    home = participant_home(person)
    assert len(home.next_sessions) == 5
    assert home.next_sessions[0].starts_at - home.next_sessions[-1].starts_at < timedelta(0)


def test_a_request_to_join_a_network_waits_on_the_home(client, factory, login):
    """Asked to join a network that approves its members: the home says it waits."""
    person = factory.user(language="en")
    waiting = Network(name="Nettverk for klima", membership="approval")
    joined = Network(name="Nettverk for bygg", membership="approval")
    db.session.add_all([waiting, joined])
    db.session.flush()
    db.session.add_all(
        [
            NetworkMembership(network_id=waiting.id, user_id=person.id, status="pending"),
            NetworkMembership(network_id=joined.id, user_id=person.id, status="approved"),
        ]
    )
    db.session.commit()
    assert participant_home(person).network_requests == [(waiting.id, "Nettverk for klima")]
    login(person)
    html = client.get("/me").get_data(as_text=True)
    section = html[html.index('id="pending-heading"') :]
    assert f'href="/networks/{waiting.id}">Nettverk for klima</a>' in section
    assert "Nettverk for bygg" not in html
