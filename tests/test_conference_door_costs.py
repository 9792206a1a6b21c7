"""What the door costs, whatever the size of the conference: checking someone in sends
the same number of SQL statements for 2 attendees as for 12, every attendee's code is
their own, and registering again keeps the code already printed on their mail."""

from __future__ import annotations

from datetime import timedelta

import conference_door_support as door
import pytest
from sqlalchemy import select

from lms.conference import attendees
from lms.conference.registration import register_attendee
from lms.conference.release_models import Attendee
from lms.extensions import db
from lms.registrations import services as registrations
from lms.timeutil import utcnow


@pytest.fixture
def organiser(factory):
    return factory.user(roles=("organiser",))


def _registered(factory, conference, people: int) -> list[Attendee]:
    """``people`` attendees of ``conference`` (registered before it began), with codes."""
    for _ in range(people):
        register_attendee(
            factory.user(),
            conference,
            days=[conference.days[0].day.isoformat()],
            now=utcnow() - timedelta(days=2),
        )
    db.session.commit()
    return list(db.session.scalars(select(Attendee).where(Attendee.conference_id == conference.id)))


def _statements_to_check_in(count_queries, organiser, conference, attendee) -> int:
    """Statements of one check-in, as a fresh request finds the session (nothing loaded)."""
    code = attendee.code
    db.session.expire_all()
    with count_queries() as statements:
        result = attendees.check_in(organiser, conference, code)
        db.session.commit()
    assert result.outcome == "checked_in"
    return len(statements)


def test_check_in_costs_the_same_for_2_and_12_attendees(factory, organiser, count_queries):
    small = door.conference(organiser, days_ahead=0)
    large = door.conference(organiser, days_ahead=0)
    few, many = _registered(factory, small, 2), _registered(factory, large, 12)

    for_few = _statements_to_check_in(count_queries, organiser, small, few[-1])
    for_many = _statements_to_check_in(count_queries, organiser, large, many[-1])

    assert for_many == for_few
    assert for_few <= 20, "a check-in is a handful of statements, not one per attendee"


def test_every_attendee_has_a_code_of_their_own(factory, organiser):
    conference = door.conference(organiser)
    codes = [attendee.code for attendee in _registered(factory, conference, 12)]

    assert len(codes) == 12
    assert len(set(codes)) == 12
    assert all(len(code) == attendees.CODE_LENGTH for code in codes)
    assert all(set(code) <= set(attendees.ALPHABET) for code in codes)


def test_registering_again_keeps_the_code(factory, organiser):
    conference = door.conference(organiser)
    person = factory.user()
    days = [day.day.isoformat() for day in conference.days]
    first = register_attendee(person, conference, days=days)
    db.session.commit()
    code = db.session.scalar(select(Attendee.code).where(Attendee.registration_id == first.id))

    registrations.cancel(person, first.id)
    db.session.commit()
    again = register_attendee(person, conference, days=days)
    db.session.commit()

    rows = db.session.scalars(select(Attendee).where(Attendee.conference_id == conference.id)).all()
    assert again.id == first.id, "the engine reuses the person's registration row"
    assert [row.code for row in rows] == [code], "one attendee row, the code on their mail"
