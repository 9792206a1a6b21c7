"""CSRF attacks on the registration forms, for tests/test_security_csrf.py's table:
each forged POST (no token) must be refused and change nothing.

Every case builds data on which the same POST *with* a token would change something
(a status, the waiting-list order, the capacity, the outbox), and then checks the
offering's whole registration state: every registration's status, rank and offer, the
log, the capacity and the outbox.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from factories import make
from registrations_support import registration_of
from sqlalchemy import func, select

from lms.events.models import Offering
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.registrations import seats, services
from lms.registrations.models import Registration, RegistrationLog


@dataclass
class Attack:
    """Same shape as test_security_csrf.Attack: a forged POST and what must not change."""

    path: str
    data: dict
    unchanged: Callable[[], None]


def _state(offering_id: int) -> tuple:
    """Everything a registration POST could change about one offering."""
    db.session.expire_all()
    registrations = db.session.execute(
        select(
            Registration.id,
            Registration.user_id,
            Registration.status,
            Registration.waitlist_rank,
            Registration.offer_expires_at,
        )
        .where(Registration.offering_id == offering_id)
        .order_by(Registration.id)
    ).all()
    logs = db.session.scalar(select(func.count()).select_from(RegistrationLog))
    outbox = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    capacity = db.session.get(Offering, offering_id).capacity
    return capacity, [tuple(row) for row in registrations], logs, outbox


def _attack(path: str, data: dict, offering, check: Callable[[], None]) -> Attack:
    """The forged POST; afterwards ``check`` holds and the offering's state is as before."""
    before = _state(offering.id)

    def unchanged():
        check()
        assert _state(offering.id) == before

    return Attack(path, data, unchanged)


def _status(user, offering, expected: str | None) -> Callable[[], None]:
    def check():
        registration = registration_of(user, offering)
        assert (registration.status if registration else None) == expected

    return check


def _participant(factory, login):
    user = factory.user("victim@example.no")
    login(user)
    return user


def _organiser(factory, login):
    user = factory.user("victim@example.no", roles=("organiser",))
    login(user)
    return user


def _enrol(offering, *users):
    for user in users:
        services.register(user, offering.id)
    db.session.commit()


def _people(factory, n: int):
    return [factory.user(f"p{i}@example.no") for i in range(n)]


def _manage(offering, rest: str = "") -> str:
    return f"/manage/offerings/{offering.id}{rest}"


def _row(offering, user, action: str) -> str:
    return _manage(offering, f"/participants/{registration_of(user, offering).id}/{action}")


# --- participants ----------------------------------------------------------------------


def csrf_register(factory, login, client):
    user = _participant(factory, login)
    offering = make.offering(capacity=5)
    return _attack(f"/events/{offering.id}/register", {}, offering, _status(user, offering, None))


def csrf_cancel(factory, login, client):
    user = _participant(factory, login)
    offering = make.offering(capacity=1)
    _enrol(offering, user, *_people(factory, 1))  # someone waits for the seat
    registration = registration_of(user, offering)
    return _attack(
        f"/me/registrations/{registration.id}/cancel",
        {},
        offering,
        _status(user, offering, "confirmed"),
    )


def csrf_accept(factory, login, client):
    user = _participant(factory, login)
    [holder] = _people(factory, 1)
    offering = make.offering(capacity=1, waitlist_mode="offer", offer_hours=24)
    _enrol(offering, holder, user)
    services.cancel(holder, registration_of(holder, offering).id)
    db.session.commit()
    registration = registration_of(user, offering)
    assert registration.status == "offered"
    return _attack(
        f"/me/registrations/{registration.id}/accept",
        {},
        offering,
        _status(user, offering, "offered"),
    )


# --- organisers ------------------------------------------------------------------------


def csrf_decide(factory, login, client):
    _organiser(factory, login)
    [person] = _people(factory, 1)
    offering = make.offering(capacity=2, requires_approval=True)
    _enrol(offering, person)
    return _attack(
        _row(offering, person, "decide"),
        {"decision": "approve"},
        offering,
        _status(person, offering, "pending"),
    )


def csrf_promote(factory, login, client):
    _organiser(factory, login)
    first, waiting = _people(factory, 2)
    offering = make.offering(capacity=1)
    _enrol(offering, first, waiting)
    return _attack(
        _row(offering, waiting, "promote"),
        {"confirm": "yes"},
        offering,
        _status(waiting, offering, "waitlisted"),
    )


def csrf_move(factory, login, client):
    _organiser(factory, login)
    seated, second, third = _people(factory, 3)
    offering = make.offering(capacity=1)
    _enrol(offering, seated, second, third)

    def check():
        assert seats.waitlist_position(registration_of(third, offering)) == 2

    return _attack(_row(offering, third, "move"), {"position": "1"}, offering, check)


def csrf_cancel_participant(factory, login, client):
    _organiser(factory, login)
    [person] = _people(factory, 1)
    offering = make.offering(capacity=2)
    _enrol(offering, person)
    return _attack(
        _row(offering, person, "cancel"), {}, offering, _status(person, offering, "confirmed")
    )


def csrf_capacity(factory, login, client):
    _organiser(factory, login)
    seated, waiting = _people(factory, 2)
    offering = make.offering(capacity=1)
    _enrol(offering, seated, waiting)

    def check():
        db.session.expire_all()
        assert db.session.get(Offering, offering.id).capacity == 1
        _status(waiting, offering, "waitlisted")()

    return _attack(_manage(offering, "/capacity"), {"capacity": "5"}, offering, check)


def csrf_import(factory, login, client):
    _organiser(factory, login)
    [person] = _people(factory, 1)
    offering = make.offering(capacity=5)
    csv = f"email,status\n{person.email},confirmed\n".encode()
    return _attack(
        _manage(offering, "/import"),
        {"file": (io.BytesIO(csv), "people.csv")},
        offering,
        _status(person, offering, None),
    )


def csrf_message(factory, login, client):
    _organiser(factory, login)
    [person] = _people(factory, 1)
    offering = make.offering(capacity=2)
    _enrol(offering, person)

    def check():
        db.session.expire_all()
        sent = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.subject.contains("Forged"))
        )
        assert db.session.scalar(sent) == 0

    return _attack(
        _manage(offering, "/message"),
        {"subject": "Forged", "text": "Click this link", "action": "send"},
        offering,
        check,
    )


def csrf_mark_attendance(factory, login, client):
    _organiser(factory, login)
    [person] = _people(factory, 1)
    offering = make.offering(capacity=2)
    _enrol(offering, person)
    registration = registration_of(person, offering)
    return _attack(
        _manage(offering, f"/check-in/{registration.id}"),
        {"attended": "yes"},
        offering,
        _status(person, offering, "confirmed"),
    )


def csrf_mark_session(factory, login, client):
    from registrations_support import begin_now

    from lms.registrations.models import SessionAttendance

    _organiser(factory, login)
    [person] = _people(factory, 1)
    offering = make.offering(capacity=2)
    _enrol(offering, person)
    begin_now(offering)  # check-in is open: the same POST with a token would check in
    registration = registration_of(person, offering)

    def nobody_checked_in():
        _status(person, offering, "confirmed")()
        assert db.session.scalar(select(func.count()).select_from(SessionAttendance)) == 0

    return _attack(
        _manage(offering, f"/check-in/{registration.id}/sessions/{offering.sessions[0].id}"),
        {"present": "yes"},
        offering,
        nobody_checked_in,
    )


def csrf_bulk_action(factory, login, client):
    _organiser(factory, login)
    [person] = _people(factory, 1)
    offering = make.offering(capacity=2)
    _enrol(offering, person)
    registration = registration_of(person, offering)
    return _attack(
        _manage(offering, "/participants/bulk"),
        {"action": "cancel", "confirm": "yes", "selected": str(registration.id)},
        offering,
        _status(person, offering, "confirmed"),
    )


REGISTRATIONS_CSRF_ATTACKS = {
    "lms_registrations.bulk_action": csrf_bulk_action,
    "lms_registrations.register": csrf_register,
    "lms_registrations.cancel": csrf_cancel,
    "lms_registrations.accept": csrf_accept,
    "lms_registrations.decide": csrf_decide,
    "lms_registrations.promote": csrf_promote,
    "lms_registrations.move": csrf_move,
    "lms_registrations.cancel_participant": csrf_cancel_participant,
    "lms_registrations.capacity": csrf_capacity,
    "lms_registrations.import_csv": csrf_import,
    "lms_registrations.message": csrf_message,
    "lms_registrations.mark_attendance": csrf_mark_attendance,
    "lms_registrations.mark_session": csrf_mark_session,
}
