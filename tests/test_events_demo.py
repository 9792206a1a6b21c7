"""The demo: a year of offerings on the four themes, networks with monthly meetings,
full offerings with waiting lists, past ones with attendance; a second run adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.conference.models import Conference, Item, Speaker
from lms.conference.release_models import Attendee, Release, Star
from lms.events.models import THEMES, Network, Offering, OfferingSession
from lms.extensions import db
from lms.learning.progress_models import LessonView
from lms.registrations.models import Registration, SessionAttendance


def counts():
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Offering)),
        db.session.scalar(select(func.count()).select_from(Network)),
        db.session.scalar(select(func.count()).select_from(Registration)),
        db.session.scalar(select(func.count()).select_from(LessonView)),
    )


@pytest.mark.slow
def test_demo_content_and_idempotent(runner, client):
    first = runner.invoke(args=["lms", "load-demo"])
    assert first.exit_code == 0, first.output
    offerings = db.session.scalars(select(Offering)).all()
    courses = [o for o in offerings if o.kind in ("seminar", "course")]
    assert len(courses) >= 12
    assert {t for o in courses for t in o.themes} == set(THEMES)
    assert all(o.status == "published" and o.sessions for o in courses)
    networks = db.session.scalars(select(Network)).all()
    assert len(networks) == 3
    for network in networks:
        meetings = [o for o in offerings if o.network_id == network.id]
        assert len(meetings) >= 12 and all(m.members_only for m in meetings)
        months = {(m.starts_at.year, m.starts_at.month) for m in meetings}
        assert len(months) == len(meetings)  # monthly, for a year
        assert max(m.starts_at for m in meetings) - min(m.starts_at for m in meetings) > timedelta(
            days=300
        )
    statuses = db.session.scalars(select(Registration.status)).all()
    assert "waitlisted" in statuses and "attended" in statuses and "no_show" in statuses

    # The demo participant has begun a module: two lessons read.
    assert db.session.scalar(select(func.count()).select_from(LessonView)) == 2

    _check_the_conference()

    before = counts()
    second = runner.invoke(args=["lms", "load-demo"])
    assert second.exit_code == 0, second.output
    assert counts() == before
    # The catalogue shows the demo.
    assert "Klima og miljø i anskaffelser" in client.get("/events").get_data(as_text=True)


def _check_the_conference():
    """The Public Procurement Conference: two days from the day it is loaded, four theme
    tracks, 78 items with a round table per theme whose seats fill up, 60 speakers,
    release 1, and 600 attendees registered through the engine, each with a code and an
    agenda, a third of the first day's already checked in at the door."""
    conference = db.session.scalar(select(Conference))
    assert len(conference.days) == 2 and len(conference.tracks) == 4
    assert conference.days[0].day == date.today()
    items = db.session.scalars(select(Item)).all()
    assert len(items) == 78
    round_tables = [item for item in items if item.kind == "round_table"]
    assert {tuple(item.themes) for item in round_tables} == {(theme,) for theme in THEMES}
    assert all(item.offering is not None for item in round_tables)
    assert db.session.scalar(select(func.count()).select_from(Speaker)) == 60
    assert db.session.scalars(select(Release.number)).all() == [1]
    registered = db.session.scalars(
        select(Registration.status).where(Registration.offering_id == conference.offering_id)
    ).all()
    assert registered.count("confirmed") + registered.count("attended") == 600
    assert db.session.scalar(select(func.count()).select_from(Attendee)) == 600
    assert db.session.scalar(select(func.count(func.distinct(Star.user_id)))) == 600
    seats = db.session.scalars(
        select(Registration.status).where(
            Registration.offering_id.in_([item.offering_id for item in round_tables])
        )
    ).all()
    assert seats.count("confirmed") == 160 and seats.count("waitlisted") == 20
    first_day = conference.days[0].day.isoformat()
    coming = [
        code
        for code, answers in db.session.execute(
            select(Attendee.code, Registration.answers)
            .join(Registration, Registration.id == Attendee.registration_id)
            .order_by(Attendee.id)
        )
        if first_day in answers["days"]
    ]
    checked_in = db.session.scalars(
        select(Attendee.code).where(Attendee.checked_in_at.is_not(None)).order_by(Attendee.id)
    ).all()
    assert 0 < len(checked_in) < len(coming) and set(checked_in) <= set(coming)
    # Each went through the door: the engine's attendance for the first day's session.
    attended = db.session.scalar(
        select(func.count())
        .select_from(SessionAttendance)
        .join(OfferingSession, OfferingSession.id == SessionAttendance.session_id)
        .where(OfferingSession.offering_id == conference.offering_id)
    )
    assert attended == len(checked_in)
