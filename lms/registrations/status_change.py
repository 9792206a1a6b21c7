"""What a change of a registration's status writes, as plain values: one rule for both
write paths.

A status change is written in two ways: ``services.transition`` sets it on an ORM
object (every change a participant, an organiser or a periodic task makes), and
``services.register`` inserts it with SQLAlchemy Core (``fast_register``: a new
registration, in a rush). Both take every value they write from ``status_change``, so
a row and its log read the same whichever path wrote them, and a rule changed here
changes for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class OfferTerms:
    """How long a seat offered from the waiting list is held for someone: ``hours``
    (the offering's ``offer_hours``), but never past the first session's start
    (``starts_at``), since a seat cannot be taken once the event has begun."""

    hours: int
    starts_at: datetime | None

    def expires_at(self, now: datetime) -> datetime:
        expires = now + timedelta(hours=self.hours)
        return expires if self.starts_at is None else min(expires, self.starts_at)


@dataclass(frozen=True)
class StatusChange:
    """The column values a status change writes: ``registration`` to the registration's
    row (``lms_registrations``), ``log`` to its new log row (``lms_registration_log``,
    all but ``registration_id``)."""

    registration: dict
    log: dict


def back_of_line(highest_rank: int | None) -> int:
    """The waiting-list rank after every other in the offering (``highest_rank``: the
    largest rank it has, or None). Ranks only grow, so first come is first served even
    after an organiser reordered the line."""
    return (highest_rank or 0) + 1


def status_change(
    from_status: str | None,
    to_status: str,
    *,
    actor_id: int | None,
    note: str,
    now: datetime,
    offer: OfferTerms | None = None,
    waitlist_rank: int | None = None,
) -> StatusChange:
    """The values of a change from ``from_status`` (None: a new registration) to
    ``to_status``, made by ``actor_id`` (None: the system) at ``now``.

    - A rank exactly while on the waiting list: ``waitlist_rank`` is the place the caller
      gave it (``back_of_line`` for a newcomer); leaving the list clears it, so a rank
      never outlives the place it stood for.
    - An expiry exactly while offered, from ``offer`` (the offering's ``OfferTerms``);
      any other status clears it, so no page or API answer shows a deadline that no
      longer applies.
    - ``updated_at`` and the log's ``at`` are ``now``; a new registration is also
      created then. The log row keeps who, from, to and why (``note``).
    """
    if to_status == "waitlisted" and waitlist_rank is None:
        raise ValueError("a waitlisted registration needs its rank")
    if to_status == "offered" and offer is None:
        raise ValueError("an offered seat needs the offering's offer terms")
    registration = {
        "status": to_status,
        "waitlist_rank": waitlist_rank if to_status == "waitlisted" else None,
        "offer_expires_at": offer.expires_at(now) if to_status == "offered" else None,
        "updated_at": now,
    }
    if from_status is None:
        registration["created_at"] = now
    log = {
        "actor_id": actor_id,
        "from_status": from_status,
        "to_status": to_status,
        "note": note,
        "at": now,
    }
    return StatusChange(registration, log)
