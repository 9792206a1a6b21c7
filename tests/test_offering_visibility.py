"""One rule for who may see an offering (``events.services.may_see``): for every status
and every kind of viewer, the page, the API, the calendar file and registering agree."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from lms.events.models import STATUSES, Offering, OfferingSession
from lms.events.services import may_see
from lms.extensions import db
from lms.registrations import services
from lms.timeutil import utcnow

VIEWERS = ("anonymous", "participant", "instructor", "organiser")


def _offering(status: str, instructor) -> int:
    start = utcnow() + timedelta(days=30)
    offering = Offering(kind="seminar", status=status, title=f"Seminar ({status})", capacity=5)
    offering.sessions.append(OfferingSession(starts_at=start, ends_at=start + timedelta(hours=2)))
    offering.instructors.append(instructor)
    db.session.add(offering)
    db.session.commit()
    return offering.id


def _answers(client, offering_id: int) -> dict[str, int]:
    return {
        "page": client.get(f"/events/{offering_id}").status_code,
        "api": client.get(f"/api/v1/events/{offering_id}").status_code,
        "calendar": client.get(f"/events/{offering_id}/calendar.ics").status_code,
    }


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_surface_answers_the_same(app, client, factory, login, status, viewer):
    teacher = factory.user("teacher@example.no", roles=("instructor",))
    people = {
        "participant": factory.user("ola@example.no"),
        "instructor": teacher,
        "organiser": factory.user("org@example.no", roles=("organiser",)),
    }
    offering_id = _offering(status, teacher)
    user = people.get(viewer)
    if user is not None:
        login(user)
    seen = may_see(user or AnonymousUserMixin(), db.session.get(Offering, offering_id))
    expected = 200 if seen else 404
    assert _answers(client, offering_id) == {
        "page": expected,
        "api": expected,
        "calendar": expected,
    }
    # Drafts are hidden from all but those who may edit them; everything else is public.
    assert seen == (status != "draft" or viewer in ("instructor", "organiser"))


@pytest.mark.parametrize("status", STATUSES)
def test_registering_for_an_offering_one_may_not_see_is_not_found(client, factory, login, status):
    """The write path asks the same question: a draft is not found, not "closed"."""
    teacher = factory.user("teacher@example.no", roles=("instructor",))
    offering_id = _offering(status, teacher)
    ola = factory.user("ola@example.no")
    try:
        registered = services.register(ola, offering_id, consent=True)
        outcome = registered.status
    except services.RegistrationError as error:
        db.session.rollback()
        outcome = error.code
    # Seen but not open: a cancelled offering says so, an archived one is closed.
    expected = {"draft": "not_found", "published": "confirmed", "cancelled": "cancelled"}
    assert outcome == expected.get(status, "closed")
