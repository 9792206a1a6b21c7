"""Participant pages: register (questions, consent), my registrations, cancel, leave the
list, accept an offer. Through the real forms, with CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import csrf_token, post_form
from factories import make
from registrations_support import log_of, mails, registration_of, status_of

from lms.events.models import Network, OfferingSession
from lms.extensions import db
from lms.registrations import manage, services
from lms.registrations.models import Registration
from lms.timeutil import utcnow


@pytest.fixture
def me(factory, login):
    user = factory.user("me@example.no", language="en", name="Åse Ørnulfsdóttir")
    login(user)
    return user


def flashes(response) -> str:
    return response.get_data(as_text=True)


def test_register_page_shows_questions_and_consent(client, me):
    offering = make.offering(
        capacity=2,
        questions=["dietary", "accessibility", "organisation_type"],
        consent_text="Vi lagrer navnet og svarene dine til kurset er over.",
    )
    page = client.get(f"/events/{offering.id}/register").get_data(as_text=True)
    for field_id in ("dietary", "accessibility", "organisation_type", "consent"):
        assert f'id="{field_id}"' in page
    assert "Vi lagrer navnet" in page
    assert 'value="municipality"' in page


def test_register_without_questions_shows_none(client, me):
    offering = make.offering(capacity=2)
    page = client.get(f"/events/{offering.id}/register").get_data(as_text=True)
    for field_id in ("dietary", "accessibility", "organisation_type", "consent"):
        assert f'id="{field_id}"' not in page


def test_consent_is_required(client, me):
    offering = make.offering(capacity=2, consent_text="Samtykke.")
    path = f"/events/{offering.id}/register"
    response = post_form(client, path, {})
    assert response.status_code == 400
    assert "You must agree" in response.get_data(as_text=True)
    assert status_of(me, offering) is None


def test_register_confirmed_with_answers(client, me):
    offering = make.offering(
        capacity=2, questions=["dietary", "organisation_type"], consent_text="Ok?"
    )
    path = f"/events/{offering.id}/register"
    data = {"dietary": "Glutenfri", "organisation_type": "county", "consent": "y"}
    response = post_form(client, path, data, follow_redirects=True)
    assert response.request.path == "/me/registrations"
    assert "You have a place" in response.get_data(as_text=True)
    registration = registration_of(me, offering)
    assert registration.status == "confirmed"
    assert registration.answers == {"dietary": "Glutenfri", "organisation_type": "county"}
    assert registration.consent_given_at is not None
    assert mails(me.email, "registration_confirmed")


def test_bad_organisation_type_is_a_form_error(client, me):
    offering = make.offering(capacity=2, questions=["organisation_type"])
    response = post_form(
        client, f"/events/{offering.id}/register", {"organisation_type": "kingdom"}
    )
    assert response.status_code == 400
    assert status_of(me, offering) is None


def test_register_waitlisted_says_the_number(client, me, factory):
    offering = make.offering(capacity=0)
    services.register(factory.user(), offering.id)
    db.session.commit()
    response = post_form(client, f"/events/{offering.id}/register", {}, follow_redirects=True)
    assert "waiting list as number 2" in response.get_data(as_text=True)
    page = client.get("/me/registrations").get_data(as_text=True)
    assert "number 2 in line" in page


def test_register_pending(client, me):
    offering = make.offering(capacity=2, requires_approval=True)
    response = post_form(client, f"/events/{offering.id}/register", {}, follow_redirects=True)
    assert "waiting for an organiser" in response.get_data(as_text=True)
    assert status_of(me, offering) == "pending"


def test_register_closed_or_draft(client, me):
    closed = make.offering(capacity=2, registration_closes_at=utcnow() - timedelta(hours=1))
    response = post_form(client, f"/events/{closed.id}/register", {})
    assert response.status_code == 422
    assert status_of(me, closed) is None
    draft = make.offering(capacity=2, status="draft")
    assert client.get(f"/events/{draft.id}/register").status_code == 404
    assert client.get("/events/999999/register").status_code == 404


def test_register_members_only_is_forbidden_for_others(client, me):
    """A valid form the offering refuses answers as the API does: 403 for members only."""
    network = Network(name="Nettverk for innkjøpere", membership="approval")
    db.session.add(network)
    db.session.commit()
    meeting = make.offering(
        capacity=2, network_id=network.id, members_only=True, kind="network_meeting"
    )
    response = post_form(client, f"/events/{meeting.id}/register", {})
    assert response.status_code == 403
    assert "Only members of the network can register." in response.get_data(as_text=True)
    assert status_of(me, meeting) is None


def test_register_twice_goes_to_my_registrations(client, me):
    offering = make.offering(capacity=2)
    post_form(client, f"/events/{offering.id}/register", {})
    response = client.get(f"/events/{offering.id}/register")
    assert response.status_code == 302 and response.headers["Location"] == "/me/registrations"


def test_register_needs_login(client):
    offering = make.offering(capacity=2)
    response = client.get(f"/events/{offering.id}/register")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_register_post_without_csrf_is_refused(client, me):
    offering = make.offering(capacity=2)
    response = client.post(f"/events/{offering.id}/register", data={})
    assert response.status_code == 400
    assert status_of(me, offering) is None


def test_my_registrations_groups(client, me, factory):
    upcoming = make.offering(capacity=2, title="Klima i kontrakter")
    full = make.offering(capacity=0, title="Antikorrupsjon")
    pending = make.offering(capacity=2, requires_approval=True, title="Lønns- og arbeidsvilkår")
    past = make.offering(capacity=2, title="Fjorårets seminar")
    for offering in (upcoming, full, pending, past):
        services.register(me, offering.id)
    db.session.commit()
    past.sessions[0].starts_at = utcnow() - timedelta(days=3)
    past.sessions[0].ends_at = utcnow() - timedelta(days=3) + timedelta(hours=2)
    organiser = factory.user(roles=("organiser",))
    manage.record_attendance(organiser, registration_of(me, past).id, attended=True)
    db.session.commit()
    page = client.get("/me/registrations").get_data(as_text=True)
    upcoming_at = page.index("Upcoming")
    assert upcoming_at < page.index("Klima i kontrakter")
    assert page.index("On the waiting list") < page.index("Antikorrupsjon")
    assert "number 1 in line" in page
    assert page.index("Waiting for approval") < page.index("Lønns- og arbeidsvilkår")
    assert page.index("Past") < page.index("Fjorårets seminar")
    assert "Attended" in page


def test_a_course_under_way_stays_upcoming_until_its_last_session(me):
    course = make.offering(capacity=2, kind="course", title="Bærekraftige innkjøp, 4 samlinger")
    services.register(me, course.id)
    db.session.commit()
    first = course.sessions[0]
    first.starts_at = utcnow() - timedelta(days=2)
    first.ends_at = first.starts_at + timedelta(hours=3)
    later = utcnow() + timedelta(days=18)
    course.sessions.append(OfferingSession(starts_at=later, ends_at=later + timedelta(hours=3)))
    db.session.commit()
    mine = services.my_registrations(me)
    assert [r.offering_id for r in mine.upcoming] == [course.id]
    assert mine.past == []
    after = services.my_registrations(me, now=later + timedelta(days=1))
    assert [r.offering_id for r in after.past] == [course.id]


def test_cancel_asks_first_then_promotes_the_next(client, me, factory):
    offering = make.offering(capacity=1)
    services.register(me, offering.id)
    other = factory.user()
    services.register(other, offering.id)
    db.session.commit()
    registration = registration_of(me, offering)
    path = f"/me/registrations/{registration.id}/cancel"
    page = client.get(path)
    assert page.status_code == 200 and status_of(me, offering) == "confirmed"
    assert "next person on the waiting list" in page.get_data(as_text=True)
    response = post_form(client, path, {}, follow_redirects=True)
    assert "Your place is cancelled" in response.get_data(as_text=True)
    assert status_of(me, offering) == "cancelled"
    assert status_of(other, offering) == "confirmed"
    assert log_of(registration_of(me, offering))[-1] == (me.id, "confirmed", "cancelled")


def test_cancel_promises_the_seat_to_the_waiting_list_only_when_someone_gets_it(
    client, me, factory
):
    """Nobody in line, or a line that no longer moves (registration closed): the page
    must not say the place goes to the next person on the waiting list."""
    offering = make.offering(capacity=1)
    services.register(me, offering.id)
    db.session.commit()
    path = f"/me/registrations/{registration_of(me, offering).id}/cancel"
    page = client.get(path).get_data(as_text=True)
    assert "waiting list" not in page and "You will lose your place." in page
    services.register(factory.user(), offering.id)
    offering.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "waiting list" not in page and "You will lose your place." in page


def test_declining_the_last_offer_does_not_say_it_goes_to_the_next(client, me, factory):
    offering = make.offering(capacity=1, waitlist_mode="offer")
    first = factory.user()
    for person in (first, me):
        services.register(person, offering.id)
    db.session.commit()
    services.cancel(first, registration_of(first, offering).id)
    db.session.commit()
    path = f"/me/registrations/{registration_of(me, offering).id}/cancel"
    page = client.get(path).get_data(as_text=True)
    assert "waiting list" not in page
    text = post_form(client, path, {}, follow_redirects=True).get_data(as_text=True)
    assert "You have declined the place." in text and "next in line" not in text
    assert status_of(me, offering) == "cancelled"


def test_leave_the_waiting_list(client, me, factory):
    offering = make.offering(capacity=0)
    services.register(me, offering.id)
    db.session.commit()
    registration = registration_of(me, offering)
    path = f"/me/registrations/{registration.id}/cancel"
    assert "Leave the waiting list" in client.get(path).get_data(as_text=True)
    response = post_form(client, path, {}, follow_redirects=True)
    assert "left the waiting list" in response.get_data(as_text=True)
    assert status_of(me, offering) == "cancelled"


def test_cancel_after_the_deadline_is_refused(client, me):
    offering = make.offering(capacity=2, cancellation_deadline=utcnow() + timedelta(days=1))
    services.register(me, offering.id)
    offering.cancellation_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    registration = registration_of(me, offering)
    path = f"/me/registrations/{registration.id}/cancel"
    assert "deadline for cancelling has passed" in client.get(path).get_data(as_text=True)
    token = csrf_token(client, "/me/registrations")
    response = client.post(path, data={"csrf_token": token}, follow_redirects=True)
    assert "deadline for cancelling has passed" in response.get_data(as_text=True)
    assert status_of(me, offering) == "confirmed"


def test_someone_elses_registration_is_not_found(client, me, factory):
    offering = make.offering(capacity=2)
    other = factory.user()
    services.register(other, offering.id)
    db.session.commit()
    registration = registration_of(other, offering)
    assert client.get(f"/me/registrations/{registration.id}/cancel").status_code == 404
    token = csrf_token(client, "/me/registrations")
    path = f"/me/registrations/{registration.id}/accept"
    assert client.post(path, data={"csrf_token": token}).status_code == 404
    assert status_of(other, offering) == "confirmed"


def test_accept_an_offer(client, me, factory):
    offering = make.offering(capacity=1, waitlist_mode="offer", offer_hours=12)
    first = factory.user()
    services.register(first, offering.id)
    services.register(me, offering.id)
    db.session.commit()
    services.cancel(first, registration_of(first, offering).id)
    db.session.commit()
    page = client.get("/me/registrations").get_data(as_text=True)
    assert "Accept the place" in page and "held for you until" in page
    registration = registration_of(me, offering)
    response = post_form(
        client,
        f"/me/registrations/{registration.id}/accept",
        {},
        form_page="/me/registrations",
        follow_redirects=True,
    )
    assert "You have a place" in response.get_data(as_text=True)
    assert status_of(me, offering) == "confirmed"


def test_decline_an_offer_after_the_cancellation_deadline(client, me, factory):
    """Turning down an offer is always allowed: the next in line gets it sooner."""
    offering = make.offering(capacity=1, waitlist_mode="offer")
    first, third = factory.user(), factory.user()
    for person in (first, me, third):
        services.register(person, offering.id)
    offering.cancellation_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    services.cancel(factory.user(roles=("organiser",)), registration_of(first, offering).id)
    db.session.commit()
    path = f"/me/registrations/{registration_of(me, offering).id}/cancel"
    page = client.get(path).get_data(as_text=True)
    assert "Decline the place" in page and "deadline for cancelling" not in page
    response = post_form(client, path, {}, follow_redirects=True)
    assert "You have declined the place. It goes to the next" in response.get_data(as_text=True)
    assert status_of(me, offering) == "cancelled"
    assert status_of(third, offering) == "offered"


def test_each_offer_names_its_offering_in_its_controls(client, factory, login):
    """Two offers on one page: each "Accept" and "Decline" says which offering it is for,
    on the home and on "My registrations" alike (one macro for both)."""
    person = factory.user(language="en")
    titles = ("Klima i anskaffelser", "Sosial dumping i bygg")
    for title in titles:
        offering = factory.offering(title, capacity=1)
        db.session.add(
            Registration(
                offering_id=offering.id,
                user_id=person.id,
                status="offered",
                offer_expires_at=utcnow() + timedelta(hours=20),
            )
        )
    db.session.commit()
    login(person)
    for page in ("/me", "/me/registrations"):
        html = client.get(page).get_data(as_text=True)
        for title in titles:
            assert f'Accept the place<span class="ds-sr-only">: {title}</span>' in html, page
            assert f'Decline<span class="ds-sr-only">: {title}</span>' in html, page
