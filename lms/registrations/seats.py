"""Seat counts and waiting-list positions: the one place they are counted.

The catalogue, the register button, the API and the write path all count an offering's
seats with these functions, each built on ``statuses.holds_seat``: one offering
(``seat_counts``), a page of offerings in one grouped query (``seat_totals`` and
``seat_counts_for``), or a column of a statement (``held_count_of``).

The figures every surface shows follow one rule, for an offering to come, past,
cancelled or full alike (``SeatCounts``; ``seats_left_of`` for a row that carries the
two numbers): ``held`` (``HOLDS_SEAT``) is ``placed`` (``HAS_PLACE``: confirmed, and
after the event attended or no-show) plus ``offered``; ``seats_left`` is
``max(0, capacity - held)``. A past offering's places are still places once attendance
is recorded, so its figures add up as they did before it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, literal, select

from lms.extensions import db
from lms.registrations.models import Registration
from lms.registrations.status_change import back_of_line
from lms.registrations.statuses import HAS_PLACE, holds_seat


def seats_left_of(capacity: int, held: int) -> int:
    """The seats still free: never below zero (a list over-booked by hand shows none)."""
    return max(capacity - held, 0)


@dataclass(frozen=True)
class SeatCounts:
    capacity: int
    held: int  # statuses.HOLDS_SEAT: placed + offered
    confirmed: int  # the status itself (before the event)
    offered: int
    pending: int
    waitlisted: int
    placed: int = 0  # statuses.HAS_PLACE: confirmed, attended, no-show

    @property
    def seats_left(self) -> int:
        return seats_left_of(self.capacity, self.held)

    @property
    def recorded(self) -> int:
        """Places whose attendance is recorded (attended or no-show): they are no longer
        counted as confirmed, but still hold their seats."""
        return self.placed - self.confirmed

    @property
    def over_capacity(self) -> int:
        """How many more seats are held than there are (an organiser gave places beyond
        the capacity, or lowered it below the seats held); 0 when none."""
        return max(self.held - self.capacity, 0)


def seat_totals(offering_ids):
    """A subquery of the registrations counted by status for the offerings that
    ``offering_ids`` (a select of ids, or a list) names, in one pass: ``offering_id``,
    ``held``, ``placed``, ``confirmed``, ``offered``, ``pending``, ``waitlisted``.

    Join it (outer: an offering nobody registered for has no row) to a page of offerings.
    """

    def counted(condition):
        return func.count(case((condition, 1)))

    status = Registration.status
    return (
        select(
            Registration.offering_id,
            counted(holds_seat(status)).label("held"),
            counted(status.in_([literal(s) for s in HAS_PLACE])).label("placed"),
            counted(status == "confirmed").label("confirmed"),
            counted(status == "offered").label("offered"),
            counted(status == "pending").label("pending"),
            counted(status == "waitlisted").label("waitlisted"),
        )
        .where(Registration.offering_id.in_(offering_ids))
        .group_by(Registration.offering_id)
        .subquery("seat_totals")
    )


def seat_counts_for(offerings) -> dict[int, SeatCounts]:
    """Seat counts for every offering given, in one grouped query."""
    offerings = list(offerings)
    if not offerings:
        return {}
    totals = seat_totals([offering.id for offering in offerings])
    rows = {row.offering_id: row for row in db.session.execute(select(totals))}
    result = {}
    for offering in offerings:
        row = rows.get(offering.id)
        result[offering.id] = SeatCounts(
            capacity=offering.capacity,
            held=row.held if row else 0,
            confirmed=row.confirmed if row else 0,
            offered=row.offered if row else 0,
            pending=row.pending if row else 0,
            waitlisted=row.waitlisted if row else 0,
            placed=row.placed if row else 0,
        )
    return result


def seat_counts(offering) -> SeatCounts:
    """The seat counts of one offering, in one query."""
    return seat_counts_for([offering])[offering.id]


def held_count_of(offering_id):
    """SQL: how many registrations hold a seat of the offering ``offering_id`` (a column
    or a value), as a scalar subquery for a statement's columns or filters."""
    return (
        select(func.count())
        .select_from(Registration)
        .where(Registration.offering_id == offering_id, holds_seat(Registration.status))
        .scalar_subquery()
    )


def waitlisted_count_of(offering_id):
    """SQL: how many are in line for the offering ``offering_id``."""
    return (
        select(func.count())
        .select_from(Registration)
        .where(Registration.offering_id == offering_id, Registration.status == "waitlisted")
        .scalar_subquery()
    )


def highest_rank_of(offering_id):
    """SQL: the highest waiting-list rank the offering has given (None before the first)."""
    return (
        select(func.max(Registration.waitlist_rank))
        .where(Registration.offering_id == offering_id)
        .scalar_subquery()
    )


def waitlist_positions(registrations) -> dict[int, int]:
    """Waiting-list positions (1 = next in line) of the waitlisted ones among
    ``registrations``, by registration id, in one query for any number of offerings."""
    offering_ids = {r.offering_id for r in registrations if r.status == "waitlisted"}
    if not offering_ids:
        return {}
    rows = db.session.execute(
        select(Registration.offering_id, Registration.id)
        .where(Registration.offering_id.in_(offering_ids), Registration.status == "waitlisted")
        .order_by(Registration.offering_id, Registration.waitlist_rank, Registration.id)
    )
    positions: dict[int, int] = {}
    seen: dict[int, int] = {}
    for offering_id, registration_id in rows:
        seen[offering_id] = seen.get(offering_id, 0) + 1
        positions[registration_id] = seen[offering_id]
    return positions


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not on the list."""
    return waitlist_positions([registration]).get(registration.id)


def next_rank(offering_id: int) -> int:
    """The rank that puts someone at the back of the line (call with the offering locked)."""
    return back_of_line(db.session.scalar(select(highest_rank_of(offering_id))))
