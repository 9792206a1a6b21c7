"""One rule for the seat figures every surface shows (``lms/registrations/seats.py``):
``held = confirmed_count + offered_count`` and ``seats_left = max(0, capacity - held)``,
for an offering to come, a past one (attendance recorded), a cancelled one and a full
one (over-booked by hand), alike in the API's one offering, its listing, the catalogue
and the offering's page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from factories import make

from lms.extensions import db
from lms.registrations.catalogue import CatalogueFilters, catalogue_page
from lms.registrations.models import Registration
from lms.registrations.seats import seat_counts

# status -> how many, per case; the capacity of each case.
CASES = {
    "future": (5, {"confirmed": 2, "offered": 1, "waitlisted": 1, "pending": 1}),
    # The case from the issue: 40 seats, 8 people who came or did not, 0 "confirmed".
    "past": (40, {"attended": 5, "no_show": 3, "cancelled": 2}),
    "cancelled": (10, {"cancelled": 4}),
    "full": (2, {"confirmed": 3, "waitlisted": 2}),
}
PLACED = {"confirmed", "attended", "no_show"}


@pytest.fixture
def case(request, factory):
    capacity, statuses = CASES[request.param]
    offering = make.offering(
        f"Case {request.param}",
        capacity=capacity,
        starts_in=timedelta(days=-20 if request.param == "past" else 20),
        status="cancelled" if request.param == "cancelled" else "published",
    )
    rank = 0
    for status, count in statuses.items():
        for _ in range(count):
            rank += 1
            user = factory.user()
            db.session.add(
                Registration(
                    offering_id=offering.id, user_id=user.id, status=status, waitlist_rank=rank
                )
            )
    db.session.commit()
    return request.param, offering, capacity, statuses


def _page_seats_left(client, offering_id: int) -> int | None:
    """The page's "Places left", or None where it counts none (a cancelled offering)."""
    html = client.get(f"/events/{offering_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    found = re.search(r"<dt>Places left</dt><dd>(\d+)</dd>", html)
    return int(found.group(1)) if found else None


@pytest.mark.parametrize("case", list(CASES), indirect=True)
def test_the_seat_figures_add_up_everywhere(client, case):
    name, offering, capacity, statuses = case
    placed = sum(n for s, n in statuses.items() if s in PLACED)
    offered = statuses.get("offered", 0)
    held = placed + offered
    expected_left = max(0, capacity - held)

    counts = seat_counts(offering)
    assert (counts.held, counts.placed, counts.offered) == (held, placed, offered)
    assert counts.seats_left == expected_left

    one = client.get(f"/api/v1/events/{offering.id}").get_json()
    assert one["capacity"] == capacity
    assert one["confirmed_count"] == placed, "attended and no-show are places too"
    assert one["offered_count"] == offered
    assert one["waitlist_count"] == statuses.get("waitlisted", 0)
    assert one["seats_left"] == max(0, one["capacity"] - one["confirmed_count"] - offered)
    assert one["seats_left"] == expected_left
    shown = None if name == "cancelled" else expected_left
    assert _page_seats_left(client, offering.id) == shown

    listed = client.get("/api/v1/events").get_json()["events"]
    cards = {card.id: card for card in catalogue_page(CatalogueFilters(), 1, 50).items}
    if name in ("future", "full"):  # the listings hold offerings still to come
        (entry,) = listed
        assert entry == {key: one[key] for key in entry}, "the listing says what the detail says"
        assert cards[offering.id].seats_left == expected_left
    else:
        assert listed == [] and offering.id not in cards


@pytest.mark.parametrize("case", ["past", "full"], indirect=True)
def test_the_page_shows_a_waiting_list_only_when_someone_is_on_it(client, case):
    """With nobody waiting (places free, or none wanted) the page says nothing of a list."""
    _name, offering, _capacity, statuses = case
    html = client.get(f"/events/{offering.id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    shown = "<dt>Waiting list</dt><dd>2 people</dd>" in html
    assert shown == (statuses.get("waitlisted", 0) > 0)
    assert ("<dt>Waiting list</dt>" in html) == shown
