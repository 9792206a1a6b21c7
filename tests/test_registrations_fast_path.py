"""The fast register path (SQLAlchemy Core) writes what the ORM path would.

For generated situations (seats, the line, approval, offer mode, the person's earlier
registration, a members-only network, the registration window …), one offering gets a
registration through ``services.register`` (Core, ``fast_register``) and an identical
twin gets one through ``register_through_orm`` below: the same decision made from the
public services on ORM objects, with ``transition()``. Both must refuse with the same
code, or write the same registration row, the same log rows and the same mail.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from lms.events.models import Network, NetworkMembership, Offering, OfferingSession
from lms.events.services import is_network_member
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.registrations import notify, services
from lms.registrations.locking import lock_offering
from lms.registrations.models import Registration, RegistrationLog
from lms.registrations.seats import next_rank, seat_counts
from lms.registrations.services import RegistrationError, find_registration, transition
from lms.registrations.statuses import ACTIVE
from lms.timeutil import utcnow


def register_through_orm(user, offering_id: int, *, answers, consent, now) -> None:
    """``register`` as the rest of the area writes a change: the offering locked and
    loaded, the seats counted, the person's row found or made, and ``transition()``.

    The decision is the documented one (``services.register``): refused when the
    offering is not found, cancelled, closed or members-only for a non-member, when the
    person is already in, or without consent; then pending when approval is needed,
    confirmed while a seat is free and nobody waits, else at the back of the line.
    """
    offering = lock_offering(offering_id)
    if offering is None or offering.status in ("draft", "archived"):
        raise RegistrationError("not_found")
    if offering.status == "cancelled":
        raise RegistrationError("cancelled")
    if not offering.registration_is_open(now):
        raise RegistrationError("closed")
    if offering.members_only and not is_network_member(user, offering.network_id):
        raise RegistrationError("members_only")
    registration = find_registration(user, offering_id)
    if registration is not None and registration.status in ACTIVE:
        raise RegistrationError("already_registered")
    if offering.consent_text and not consent:
        raise RegistrationError("consent_required")

    counts = seat_counts(offering)
    if offering.requires_approval:
        status = "pending"
    elif counts.seats_left > 0 and counts.waitlisted == 0:
        status = "confirmed"
    else:
        status = "waitlisted"
    rank = next_rank(offering_id) if status == "waitlisted" else None
    if registration is None:
        registration = Registration(offering_id=offering_id, user_id=user.id, status=None)
    registration.waitlist_rank = rank
    registration.answers = {k: v for k, v in answers.items() if k in offering.questions}
    registration.consent_given_at = now if consent else None
    transition(registration, status, actor=user, now=now)
    db.session.add(registration)
    db.session.flush()
    notify.registration_changed(registration)


SITUATIONS = st.fixed_dictionaries(
    {
        # Refusals are weighted down so that about half the examples write something.
        "status": st.sampled_from(["published"] * 12 + ["cancelled", "draft"]),
        "capacity": st.integers(0, 3),
        "held": st.lists(st.sampled_from(["confirmed", "offered"]), max_size=4),
        # Ranks with gaps, as an organiser's reordering or people leaving leave them.
        "waiting_ranks": st.lists(st.integers(1, 30), unique=True, max_size=3),
        "pending": st.integers(0, 1),
        "requires_approval": st.booleans(),
        "waitlist_mode": st.sampled_from(["auto", "offer"]),
        "offer_hours": st.integers(1, 72),
        "earlier": st.sampled_from(
            [None, None, "cancelled", "cancelled", "expired", "declined", "confirmed", "waitlisted"]
        ),
        "network": st.sampled_from(["none", "member", "pending_member", "stranger"]),
        "members_only": st.booleans(),
        "window": st.sampled_from(["open"] * 12 + ["not_yet", "closed", "started"]),
        "starts_in_hours": st.integers(1, 24 * 30),
        "questions": st.lists(st.sampled_from(["dietary", "accessibility"]), unique=True),
        "answers": st.dictionaries(
            st.sampled_from(["dietary", "accessibility", "unknown"]), st.text(max_size=5)
        ),
        "consent_text": st.booleans(),
        "consent": st.sampled_from([True] * 4 + [False]),
    }
)
PLAIN = {
    "status": "published",
    "capacity": 2,
    "held": [],
    "waiting_ranks": [],
    "pending": 0,
    "requires_approval": False,
    "waitlist_mode": "auto",
    "offer_hours": 48,
    "earlier": None,
    "network": "none",
    "members_only": False,
    "window": "open",
    "starts_in_hours": 24,
    "questions": ["dietary"],
    "answers": {"dietary": "vegan", "unknown": "x"},
    "consent_text": True,
    "consent": True,
}


def build(situation: dict, person, others: list, network, now) -> Offering:
    """One offering in ``situation``, with the same people in the same places."""
    starts_at = now + timedelta(hours=situation["starts_in_hours"])
    window = {
        "open": {"registration_opens_at": now - timedelta(days=3)},
        "not_yet": {"registration_opens_at": now + timedelta(hours=1)},
        "closed": {"registration_closes_at": now - timedelta(minutes=1)},
        "started": {},
    }[situation["window"]]
    if situation["window"] == "started":
        starts_at = now - timedelta(hours=1)
    offering = Offering(
        kind="network_meeting" if network else "seminar",
        status=situation["status"],
        title="Leverandørkjeder",
        capacity=situation["capacity"],
        requires_approval=situation["requires_approval"],
        members_only=situation["members_only"],
        waitlist_mode=situation["waitlist_mode"],
        offer_hours=situation["offer_hours"],
        questions=situation["questions"],
        consent_text="Jeg samtykker." if situation["consent_text"] else "",
        network=network,
        **window,
    )
    offering.sessions.append(
        OfferingSession(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
    )
    db.session.add(offering)
    db.session.flush()
    people = iter(others)
    for status in situation["held"]:
        expires = now + timedelta(hours=1) if status == "offered" else None
        _add(offering, next(people), status, now, offer_expires_at=expires)
    for rank in sorted(situation["waiting_ranks"]):
        _add(offering, next(people), "waitlisted", now, waitlist_rank=rank)
    for _ in range(situation["pending"]):
        _add(offering, next(people), "pending", now)
    if situation["earlier"] is not None:
        rank = 31 if situation["earlier"] == "waitlisted" else None
        _add(
            offering,
            person,
            situation["earlier"],
            now,
            waitlist_rank=rank,
            answers={"dietary": "from last time"},
            consent_given_at=now - timedelta(days=5),
        )
    return offering


def _add(offering, user, status, now, **values) -> None:
    """A registration made five days ago, with the log row it got then."""
    then = now - timedelta(days=5)
    registration = Registration(
        offering_id=offering.id,
        user_id=user.id,
        status=status,
        created_at=then,
        updated_at=then,
        **values,
    )
    registration.log.append(
        RegistrationLog(actor_id=user.id, from_status=None, to_status=status, note="", at=then)
    )
    db.session.add(registration)


def outcome(call) -> str:
    """``ok`` (committed, as a view does) or the refusal's code (rolled back)."""
    try:
        call()
    except RegistrationError as error:
        db.session.rollback()
        return error.code
    db.session.commit()
    return "ok"


def written(offering: Offering, person) -> dict:
    """Every registration of the offering with its log rows, and the person's mail about
    it, as the database has them: all columns but ids; the offering's id in the mail is
    ``<offering>``."""
    registrations = Registration.__table__
    log = RegistrationLog.__table__
    outbox = OutboxMessage.__table__
    rows = db.session.execute(
        sa.select(registrations)
        .where(registrations.c.offering_id == offering.id)
        .order_by(registrations.c.user_id)
    ).mappings()
    result = {}
    for row in rows:
        log_rows = db.session.execute(
            sa.select(log).where(log.c.registration_id == row["id"]).order_by(log.c.id)
        ).mappings()
        result[row["user_id"]] = {
            "row": _without(row, "id", "offering_id"),
            "log": [_without(entry, "id", "registration_id") for entry in log_rows],
        }
    mail = db.session.execute(
        sa.select(outbox.c.kind, outbox.c.to_address, outbox.c.language, outbox.c.context).where(
            outbox.c.to_address == person.email
        )
    ).all()
    result["mail"] = [
        _offering_as_placeholder(tuple(m), offering.id)
        for m in mail
        if m.context["values"]["offering"] == {"$ref": ["lms_offerings", offering.id]}
    ]
    return result


def _without(row, *names) -> dict:
    return {key: value for key, value in row.items() if key not in names}


def _offering_as_placeholder(value, offering_id: int):
    """The mail's reference to its offering, which is a different row for each twin."""
    if value == ["lms_offerings", offering_id]:
        return ["lms_offerings", "<offering>"]
    if isinstance(value, dict):
        return {k: _offering_as_placeholder(v, offering_id) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_offering_as_placeholder(v, offering_id) for v in value)
    return value


# The people stay from one example to the next: registering never changes them, and
# making them (a password hash each) was a third of the test's time.
PEOPLE_TABLES = ("lms_users", "lms_user_roles")


def reset_database() -> None:
    """Empty every table an example writes, as the ``app`` fixture does after a test."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in PEOPLE_TABLES:
                connection.execute(table.delete())


@pytest.fixture
def people(factory):
    """The person who registers (in English, so the mail's language is checked too) and
    eight others who hold seats, wait or await approval."""
    return factory.user(language="en"), [factory.user() for _ in range(8)]


# The ``app`` and ``people`` fixtures are function-scoped, so Hypothesis warns that every
# example shares them. That is deliberate: making an app and people per example would cost
# more than the test, and what examples could leak through, the offerings, registrations,
# networks and mail, is emptied at the start of each example (``reset_database``).
@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(situation=SITUATIONS)
@example(situation=PLAIN)
@example(situation={**PLAIN, "status": "cancelled", "earlier": "cancelled"})
@example(situation={**PLAIN, "capacity": 1, "held": ["offered"], "waiting_ranks": [4, 9]})
@example(situation={**PLAIN, "earlier": "cancelled", "capacity": 0, "waiting_ranks": [2]})
# A seat free while people wait (the line is not moved once registration has closed, and
# an organiser may have reopened it): the newcomer still joins the back of the line.
@example(situation={**PLAIN, "capacity": 3, "held": ["confirmed"], "waiting_ranks": [7]})
@example(situation={**PLAIN, "earlier": "expired", "waitlist_mode": "offer"})
@example(situation={**PLAIN, "requires_approval": True, "earlier": "declined"})
@example(situation={**PLAIN, "network": "pending_member", "members_only": True})
@example(situation={**PLAIN, "network": "member", "members_only": True, "consent": False})
def test_the_fast_path_writes_what_the_orm_path_writes(app, people, situation):
    reset_database()  # the previous example's rows; the fixture empties the last's
    person, others = people
    network = None
    if situation["network"] != "none":
        network = Network(name="Innkjøpernettverket")
        db.session.add(network)
        if situation["network"] != "stranger":
            status = "approved" if situation["network"] == "member" else "pending"
            db.session.add(NetworkMembership(network=network, user=person, status=status))
    now = utcnow()
    fast = build(situation, person, others, network, now)
    twin = build(situation, person, others, network, now)
    db.session.commit()
    fast_id, twin_id = fast.id, twin.id
    given = {"answers": situation["answers"], "consent": situation["consent"]}

    fast_result = outcome(lambda: services.register(person, fast_id, **given, now=now))
    orm_result = outcome(lambda: register_through_orm(person, twin_id, **given, now=now))

    db.session.expire_all()
    event(f"outcome: {fast_result}")  # --hypothesis-show-statistics tells how they spread
    assert fast_result == orm_result
    assert written(fast, person) == written(twin, person)
