"""The registration statuses and the named sets of them: the one place each set is written.

Every rule that asks "does this registration hold a seat?", "is it still active?" or
"has it ended?" uses a set from here, so a new status is added in one place.
"""

from __future__ import annotations

from sqlalchemy import literal

STATUSES = (
    "pending",  # waiting for an organiser's approval; holds no seat
    "confirmed",  # holds a seat
    "waitlisted",  # in line, ordered by waitlist_rank
    "offered",  # a seat is held for them until offer_expires_at
    "cancelled",  # by the participant or an organiser
    "expired",  # an offer that was not taken in time
    "declined",  # an organiser said no to a pending registration
    "attended",  # after the event
    "no_show",  # after the event
)

# Counted against capacity: a seat taken, held on offer, or used (checked in or not).
HOLDS_SEAT = ("confirmed", "offered", "attended", "no_show")
# A place that is the person's own: confirmed, or past the event with attendance recorded.
HAS_PLACE = ("confirmed", "attended", "no_show")
# Holds a seat for an event still to come: losing it frees a seat, a change is mailed.
SEAT_TO_COME = ("confirmed", "offered")
# Still in the offering in any way: registering again is a conflict.
ACTIVE = ("pending", "confirmed", "waitlisted", "offered", "attended", "no_show")
# What the person or an organiser may still cancel.
CANCELLABLE = ("pending", "confirmed", "waitlisted", "offered")
# Over without a place; the row is reused if the person registers again.
ENDED = ("cancelled", "expired", "declined")


def holds_seat(status_column):
    """SQL: ``status_column`` is one of ``HOLDS_SEAT``. One bound value per status rather
    than ``in_(HOLDS_SEAT)``: a list is an "expanding" parameter, which SQLAlchemy renders
    into the statement's text again at every execution (docs/BENCHMARKS.md)."""
    return status_column.in_([literal(status) for status in HOLDS_SEAT])


def status_check() -> str:
    """The CHECK constraint's text: the column holds one of ``STATUSES``."""
    return "status IN (" + ", ".join(f"'{status}'" for status in STATUSES) + ")"
