"""The registration core: seats, the waiting list, offers, approvals, capacity, the log
and the mail each change sends. Calls the services directly and commits like a view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make
from registrations_support import log_of, mails, registration_of, status_of

from lms.extensions import db
from lms.registrations import manage, seats, services
from lms.registrations.models import Registration
from lms.registrations.services import CapacityWarning, RegistrationError
from lms.timeutil import utcnow


def register(user, offering, **kwargs):
    """Register and commit; returns the registration as the database has it."""
    registered = services.register(user, offering.id, **kwargs)
    db.session.commit()
    registration = db.session.get(Registration, registered.id)
    assert (registration.status, registration.id) == (registered.status, registered.id)
    return registration


def cancel(actor, user, offering):
    registration = registration_of(user, offering)
    services.cancel(actor, registration.id)
    db.session.commit()


@pytest.fixture
def people(factory):
    return [factory.user(f"p{i}@example.no") for i in range(6)]


@pytest.fixture
def organiser(factory):
    return factory.user("org@example.no", roles=("organiser",))


def positions(offering, users):
    return [seats.waitlist_position(registration_of(u, offering)) for u in users]


def test_confirmed_until_full_then_waitlisted_in_order(people):
    offering = make.offering(capacity=2)
    statuses = [register(p, offering).status for p in people[:5]]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert positions(offering, people[2:5]) == [1, 2, 3]
    counts = seats.seat_counts(offering)
    assert (counts.confirmed, counts.waitlisted, counts.seats_left) == (2, 3, 0)


def test_registering_twice_is_refused(people):
    offering = make.offering(capacity=2)
    register(people[0], offering)
    with pytest.raises(RegistrationError) as error:
        services.register(people[0], offering.id)
    assert error.value.code == "already_registered"


def test_cancel_promotes_first_in_line_automatically(people):
    offering = make.offering(capacity=1)
    for p in people[:3]:
        register(p, offering)
    cancel(people[0], people[0], offering)
    assert status_of(people[1], offering) == "confirmed"
    assert status_of(people[2], offering) == "waitlisted"
    assert positions(offering, [people[2]]) == [1]
    assert mails(people[1].email, "registration_confirmed")
    assert mails(people[0].email, "registration_cancelled")


def test_offer_mode_holds_the_seat_until_accepted(people):
    offering = make.offering(capacity=1, waitlist_mode="offer", offer_hours=24)
    for p in people[:3]:
        register(p, offering)
    cancel(people[0], people[0], offering)
    offered = registration_of(people[1], offering)
    assert offered.status == "offered"
    assert offered.offer_expires_at > utcnow() + timedelta(hours=23)
    assert mails(people[1].email, "registration_offered")
    # The seat is held: a newcomer joins the list rather than taking it.
    assert register(people[3], offering).status == "waitlisted"
    services.accept_offer(people[1], offered.id)
    db.session.commit()
    assert status_of(people[1], offering) == "confirmed"
    with pytest.raises(RegistrationError):
        services.accept_offer(people[1], offered.id)  # an offer is redeemed once


def test_offer_expires_and_passes_to_the_next(people):
    offering = make.offering(capacity=1, waitlist_mode="offer", offer_hours=2)
    for p in people[:4]:
        register(p, offering)
    cancel(people[0], people[0], offering)
    first = registration_of(people[1], offering)
    with pytest.raises(RegistrationError) as error:
        # too late: the offer is past its time even before the task runs
        first.offer_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        services.accept_offer(people[1], first.id)
    assert error.value.code == "offer_expired"
    db.session.rollback()
    assert services.expire_offers() == 1
    db.session.commit()
    assert status_of(people[1], offering) == "expired"
    assert status_of(people[2], offering) == "offered"
    assert mails(people[1].email, "registration_offer_expired")
    assert services.expire_offers() == 0  # nothing due now


def test_someone_who_left_the_list_is_never_offered(people):
    offering = make.offering(capacity=1, waitlist_mode="offer")
    for p in people[:3]:
        register(p, offering)
    cancel(people[1], people[1], offering)  # leaves the list
    assert mails(people[1].email, "registration_cancelled")
    cancel(people[0], people[0], offering)
    assert status_of(people[1], offering) == "cancelled"
    assert status_of(people[2], offering) == "offered"
    assert not mails(people[1].email, "registration_offered")


@pytest.mark.parametrize("when", ["registration_closed", "event_started"])
def test_promotion_stops_when_registration_closes_or_event_starts(people, organiser, when):
    offering = make.offering(capacity=1)
    for p in people[:2]:
        register(p, offering)
    if when == "registration_closed":
        offering.registration_closes_at = utcnow() - timedelta(minutes=1)
    else:
        offering.sessions[0].starts_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    cancel(organiser, people[0], offering)
    assert status_of(people[1], offering) == "waitlisted"


def test_an_offer_never_outlasts_the_start_and_nothing_moves_after_it(people):
    offering = make.offering(
        capacity=1, waitlist_mode="offer", offer_hours=48, starts_in=timedelta(hours=5)
    )
    for p in people[:3]:
        register(p, offering)
    cancel(people[0], people[0], offering)
    offered = registration_of(people[1], offering)
    starts_at = offering.sessions[0].starts_at
    assert offered.status == "offered" and offered.offer_expires_at == starts_at
    assert services.expire_offers(now=starts_at + timedelta(minutes=1)) == 1
    db.session.commit()
    assert status_of(people[1], offering) == "expired"
    assert mails(people[1].email, "registration_offer_expired")
    # The event has started: the seat is not offered to the next in line.
    assert status_of(people[2], offering) == "waitlisted"
    assert not mails(people[2].email, "registration_offered")


def test_an_offer_that_expires_after_registration_closed_passes_to_nobody(people):
    offering = make.offering(capacity=1, waitlist_mode="offer", offer_hours=2)
    for p in people[:3]:
        register(p, offering)
    cancel(people[0], people[0], offering)
    offering.registration_closes_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert services.expire_offers(now=utcnow() + timedelta(hours=3)) == 1
    db.session.commit()
    assert status_of(people[1], offering) == "expired"
    assert status_of(people[2], offering) == "waitlisted"
    assert seats.seat_counts(offering).seats_left == 1


def test_more_places_after_registration_closed_promote_nobody(people, organiser):
    offering = make.offering(capacity=1)
    for p in people[:2]:
        register(p, offering)
    offering.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    services.set_capacity(organiser, offering.id, 2)
    db.session.commit()
    assert status_of(people[1], offering) == "waitlisted"
    manage.promote_by_hand(organiser, registration_of(people[1], offering).id)  # by hand: yes
    db.session.commit()
    assert status_of(people[1], offering) == "confirmed"


def test_an_offer_can_be_declined_after_the_deadline_and_passes_on(people, organiser):
    offering = make.offering(
        capacity=1, waitlist_mode="offer", cancellation_deadline=utcnow() - timedelta(hours=1)
    )
    for p in people[:3]:
        register(p, offering)
    cancel(organiser, people[0], offering)
    offered = registration_of(people[1], offering)
    assert offered.status == "offered"
    assert not services.cancel_deadline_passed(offered)
    cancel(people[1], people[1], offering)  # declines
    assert status_of(people[1], offering) == "cancelled"
    assert status_of(people[2], offering) == "offered"
    # A confirmed seat is bound by the deadline.
    services.accept_offer(people[2], registration_of(people[2], offering).id)
    db.session.commit()
    with pytest.raises(RegistrationError) as error:
        services.cancel(people[2], registration_of(people[2], offering).id)
    assert error.value.code == "deadline_passed"


def test_approval_flow(people, organiser):
    offering = make.offering(capacity=1, requires_approval=True)
    for p in people[:3]:
        assert register(p, offering).status == "pending"
    assert mails(people[0].email, "registration_pending")
    for p, approve in zip(people[:3], (True, True, False), strict=True):
        manage.decide_pending(organiser, registration_of(p, offering).id, approve=approve)
        db.session.commit()
    assert [status_of(p, offering) for p in people[:3]] == ["confirmed", "waitlisted", "declined"]
    assert mails(people[2].email, "registration_declined")
    with pytest.raises(RegistrationError):
        manage.decide_pending(people[3], registration_of(people[0], offering).id, approve=True)


def test_promote_by_hand_warns_over_capacity(people, organiser):
    offering = make.offering(capacity=1)
    for p in people[:2]:
        register(p, offering)
    waiting = registration_of(people[1], offering)
    with pytest.raises(CapacityWarning) as warning:
        manage.promote_by_hand(organiser, waiting.id)
    assert (warning.value.held, warning.value.capacity) == (2, 1)
    db.session.rollback()
    assert status_of(people[1], offering) == "waitlisted"
    manage.promote_by_hand(organiser, waiting.id, allow_over_capacity=True)
    db.session.commit()
    assert status_of(people[1], offering) == "confirmed"
    with pytest.raises(RegistrationError):
        manage.promote_by_hand(people[2], waiting.id, allow_over_capacity=True)


def test_move_in_waitlist(people, organiser):
    offering = make.offering(capacity=0)
    for p in people[:4]:
        register(p, offering)
    manage.move_in_waitlist(organiser, registration_of(people[3], offering).id, 1)
    db.session.commit()
    assert positions(offering, people[:4]) == [2, 3, 4, 1]
    manage.move_in_waitlist(organiser, registration_of(people[3], offering).id, 99)
    db.session.commit()
    assert positions(offering, people[:4]) == [1, 2, 3, 4]
    # raising capacity now promotes the new first in line
    manage.move_in_waitlist(organiser, registration_of(people[2], offering).id, 1)
    services.set_capacity(organiser, offering.id, 1)
    db.session.commit()
    assert status_of(people[2], offering) == "confirmed"


def test_set_capacity_below_held_warns_and_drops_nobody(people, organiser):
    offering = make.offering(capacity=3)
    for p in people[:5]:
        register(p, offering)
    with pytest.raises(CapacityWarning):
        services.set_capacity(organiser, offering.id, 1)
    db.session.rollback()
    services.set_capacity(organiser, offering.id, 1, allow_below_held=True)
    db.session.commit()
    statuses = [status_of(p, offering) for p in people[:5]]
    assert statuses == ["confirmed"] * 3 + ["waitlisted"] * 2
    # a cancellation while over capacity frees no seat
    cancel(people[0], people[0], offering)
    assert status_of(people[3], offering) == "waitlisted"
    services.set_capacity(organiser, offering.id, 4)
    db.session.commit()
    assert [status_of(p, offering) for p in people[3:5]] == ["confirmed", "confirmed"]
    with pytest.raises(RegistrationError):
        services.set_capacity(people[5], offering.id, 10)


def test_participant_cannot_cancel_after_the_deadline_but_an_organiser_can(people, organiser):
    offering = make.offering(capacity=2, cancellation_deadline=utcnow() - timedelta(hours=1))
    register(people[0], offering)
    registration = registration_of(people[0], offering)
    with pytest.raises(RegistrationError) as error:
        services.cancel(people[0], registration.id)
    assert error.value.code == "deadline_passed"
    db.session.rollback()
    with pytest.raises(RegistrationError):
        services.cancel(people[1], registration.id)  # someone else's
    db.session.rollback()
    services.cancel(organiser, registration.id)
    db.session.commit()
    assert status_of(people[0], offering) == "cancelled"


def test_every_transition_is_logged(people, organiser):
    offering = make.offering(capacity=1)
    register(people[0], offering)
    register(people[1], offering)
    cancel(organiser, people[0], offering)
    first, second = registration_of(people[0], offering), registration_of(people[1], offering)
    assert log_of(first) == [
        (people[0].id, None, "confirmed"),
        (organiser.id, "confirmed", "cancelled"),
    ]
    assert log_of(second) == [(people[1].id, None, "waitlisted"), (None, "waitlisted", "confirmed")]
    assert all(entry.at is not None for entry in second.log)


def test_reregistering_after_cancelling_joins_the_end(people):
    offering = make.offering(capacity=1)
    for p in people[:3]:
        register(p, offering)
    cancel(people[1], people[1], offering)
    assert register(people[1], offering).status == "waitlisted"
    assert positions(offering, [people[2], people[1]]) == [1, 2]


def test_mail_in_the_recipients_language(factory):
    english = factory.user("en@example.no", language="en")
    norwegian = factory.user("nb@example.no", language="nb")
    offering = make.offering(capacity=0)
    register(english, offering)
    register(norwegian, offering)
    [en_mail] = mails(english.email, "registration_waitlisted")
    [nb_mail] = mails(norwegian.email, "registration_waitlisted")
    assert en_mail.language == "en" and "waiting list" in en_mail.subject
    # (the nb catalogue is filled at the end of the issue; the language is recorded now)
    assert nb_mail.language == "nb"
    assert "1" in en_mail.body_text and "2" in nb_mail.body_text  # the positions


def test_register_refusals(people):
    closed = make.offering(capacity=2, registration_closes_at=utcnow() - timedelta(days=1))
    draft = make.offering(capacity=2, status="draft")
    consent = make.offering(capacity=2, consent_text="Vi lagrer navnet ditt.")
    for offering, code in ((closed, "closed"), (draft, "not_found"), (consent, "consent_required")):
        with pytest.raises(RegistrationError) as error:
            services.register(people[0], offering.id)
        assert error.value.code == code
        db.session.rollback()
    registration = register(people[0], consent, consent=True, answers={"dietary": "vegan", "x": 1})
    assert registration.consent_given_at is not None
    assert registration.answers == {}  # the offering asks no questions


def test_an_offer_on_a_cancelled_offering_cannot_be_taken(people):
    offering = make.offering(capacity=1, waitlist_mode="offer")
    for p in people[:2]:
        register(p, offering)
    cancel(people[0], people[0], offering)
    offering.status = "cancelled"
    db.session.commit()
    with pytest.raises(RegistrationError) as error:
        services.accept_offer(people[1], registration_of(people[1], offering).id)
    assert error.value.code == "cancelled"
