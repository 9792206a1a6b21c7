"""The organisers' overview (lms/registrations/overview.py, /manage): what is coming with
its seats and waiting list, approvals waiting, offers about to expire, failed mail (for
administrators), each with a link to where it is dealt with; a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import at_ten_in_oslo, make
from sqlalchemy import update

from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.registrations import services as registrations
from lms.registrations.overview import organiser_overview


@pytest.fixture
def organiser(factory):
    return factory.user(roles=("organiser",), language="en")


def _register(factory, offering, count: int):
    people = [factory.user() for _ in range(count)]
    for person in people:
        registrations.register(person, offering.id)
    db.session.commit()
    return people


def _offered(factory, offer_hours: int, title="Tilbud"):
    """A full offering whose one seat is offered to the next in line for ``offer_hours``."""
    offering = make.offering(title, capacity=1, waitlist_mode="offer", offer_hours=offer_hours)
    first, second = _register(factory, offering, 2)
    registrations.cancel(first, registrations.find_registration(first, offering.id).id)
    db.session.commit()
    return offering, second


def test_coming_weeks_with_seats_and_waiting_list(factory, organiser):
    full = make.offering("Fullt seminar", starts=at_ten_in_oslo(3), capacity=2)
    _register(factory, full, 3)
    make.offering("Om fem uker", starts=at_ten_in_oslo(35))
    make.offering("Utkast snart", starts=at_ten_in_oslo(10), status="draft")
    make.offering("For langt fram", starts=at_ten_in_oslo(60))
    make.offering("Forbi", starts=at_ten_in_oslo(-2))
    make.offering("Avlyst", starts=at_ten_in_oslo(4), status="cancelled")
    # Begun: listed by its next session.
    make.offering("Kurs i gang", starts=[at_ten_in_oslo(-1), at_ten_in_oslo(20)], kind="course")

    overview = organiser_overview(organiser, weeks=6)
    assert [c.title for c in overview.coming] == [
        "Fullt seminar",
        "Utkast snart",
        "Kurs i gang",
        "Om fem uker",
    ]
    first = overview.coming[0]
    assert (first.capacity, first.held, first.waitlisted, first.percent_full) == (2, 2, 1, 100)
    assert overview.coming[2].next_start == at_ten_in_oslo(20)
    assert overview.coming_total == 4
    assert [c.title for c in organiser_overview(organiser, weeks=2).coming] == [
        "Fullt seminar",
        "Utkast snart",
    ]


def test_approvals_waiting_per_offering_still_to_end(factory, organiser):
    asks = make.offering("Med godkjenning", requires_approval=True)
    _register(factory, asks, 2)
    over = make.offering("Over", requires_approval=True)
    _register(factory, over, 1)
    for session in over.sessions:
        session.starts_at -= timedelta(days=30)
        session.ends_at -= timedelta(days=30)
    db.session.commit()
    overview = organiser_overview(organiser, weeks=6)
    assert [(a.title, a.pending) for a in overview.awaiting] == [("Med godkjenning", 2)]
    assert overview.awaiting_total == 2


def test_offers_expiring_within_48_hours(factory, organiser):
    soon, person = _offered(factory, 24, "Snart ute")
    _offered(factory, 72, "God tid")
    [offer] = organiser_overview(organiser, weeks=6).offers
    assert (offer.title, offer.person, offer.offering_id) == ("Snart ute", person.name, soon.id)


def test_failed_mail_only_for_administrators(factory, organiser):
    admin = factory.user(roles=("admin",))
    mail = factory.mail(organiser)
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == mail.id).values(status="failed")
    )
    db.session.commit()
    assert organiser_overview(admin, weeks=6).failed_mail == 1
    assert organiser_overview(organiser, weeks=6).failed_mail is None


def test_an_instructor_sees_their_own_offerings_and_a_participant_nothing(factory):
    instructor = factory.user(roles=("instructor",))
    make.offering("Mitt", instructors=[instructor], requires_approval=True)
    other = make.offering("Andres", requires_approval=True)
    _register(factory, other, 1)
    overview = organiser_overview(instructor, weeks=6)
    assert [c.title for c in overview.coming] == ["Mitt"]
    assert overview.awaiting == []
    with pytest.raises(PermissionDenied):
        organiser_overview(factory.user(), weeks=6)


def test_the_page_links_each_item_to_where_it_is_dealt_with(client, factory, login):
    admin = factory.user(roles=("admin",), language="en")
    asks = make.offering("Med godkjenning", requires_approval=True)
    _register(factory, asks, 1)
    offered, _person = _offered(factory, 24)
    full = make.offering("Fullt", capacity=1, starts=at_ten_in_oslo(5))
    _register(factory, full, 3)
    draft = make.offering("Utkast snart", starts=at_ten_in_oslo(8), status="draft")
    mail = factory.mail(admin)
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == mail.id).values(status="failed")
    )
    db.session.commit()
    login(admin)
    html = client.get("/manage").get_data(as_text=True)
    assert f"/manage/offerings/{asks.id}/participants?status=pending" in html
    assert f"/manage/offerings/{offered.id}/participants?status=offered" in html
    assert f"/manage/offerings/{full.id}/participants?status=waitlisted" in html
    assert "/admin/mail?status=failed" in html
    assert f'href="/manage/offerings/{draft.id}"' in html  # a draft: to its form, to publish it
    assert "1 of 1 seat (100%)" in html
    assert "2 in line" in html
    assert "Coming in the next 6 weeks" in html


def test_the_number_of_weeks_is_a_setting(app, client, factory, login, organiser):
    app.config["LMS_OVERVIEW_WEEKS"] = 1
    make.offering("Om ti dager", starts=at_ten_in_oslo(10))
    login(organiser)
    html = client.get("/manage").get_data(as_text=True)
    assert "Coming in the next week" in html
    assert "Om ti dager" not in html


def test_the_page_is_a_fixed_number_of_queries(client, factory, login, count_queries):
    admin = factory.user(roles=("admin",))
    login(admin)

    def queries() -> int:
        client.get("/manage")
        with count_queries() as statements:
            assert client.get("/manage").status_code == 200
        return len(statements)

    def busy(n):
        offering = make.offering(f"Seminar {n}", starts=at_ten_in_oslo(n + 2), capacity=1)
        _register(factory, offering, 2)
        _offered(factory, 24, f"Tilbud {n}")
        _register(factory, make.offering(f"Godkjenning {n}", requires_approval=True), 1)

    busy(0)
    few = queries()
    for n in range(1, 6):
        busy(n)
    assert queries() == few
