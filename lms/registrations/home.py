"""A participant's home after login: what is next and what waits for an answer.

Plain data out, read only: the page (``views.home``) prints it. The grouping of a person's
registrations (offers, places, the waiting list, pending) is ``services.my_registrations``;
this module orders those groups for the home and picks the next sessions from the places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from lms.events.models import Network, NetworkMembership
from lms.extensions import db
from lms.registrations.services import my_registrations
from lms.timeutil import utcnow

NEXT_SESSIONS = 5


@dataclass(frozen=True)
class NextSession:
    """One session still to come of an offering the person has a place at."""

    offering_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    online: bool


@dataclass(frozen=True)
class Offer:
    """A seat held for the person until ``expires_at``: accept or decline before then."""

    registration_id: int
    offering_id: int
    title: str
    starts_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True)
class Entry:
    """An offering the person is in: a place, a place in line (``position``, 1 = next in
    line), or a registration awaiting an organiser's approval."""

    registration_id: int
    offering_id: int
    title: str
    starts_at: datetime | None
    position: int | None = None


@dataclass
class ParticipantHome:
    """What the home shows: offers first (they expire), then the next sessions, the
    places, the waiting lists and what waits for an organiser's approval."""

    offers: list[Offer] = field(default_factory=list)
    next_sessions: list[NextSession] = field(default_factory=list)
    places: list[Entry] = field(default_factory=list)
    waitlisted: list[Entry] = field(default_factory=list)
    pending: list[Entry] = field(default_factory=list)
    # (network id, name) of each network the person asked to join, not yet approved.
    network_requests: list[tuple[int, str]] = field(default_factory=list)


def participant_home(user, now: datetime | None = None) -> ParticipantHome:
    """``user``'s home: a bounded number of queries however many registrations they have
    (the registrations with their offerings, the sessions, the waiting-list positions, the
    requests to join a network)."""
    now = now or utcnow()
    groups = my_registrations(user, now)
    home = ParticipantHome()
    home.offers = sorted(
        (
            Offer(r.id, r.offering_id, r.offering.title, r.offering.starts_at, r.offer_expires_at)
            for r in groups.offered
        ),
        key=lambda offer: offer.expires_at or now,
    )
    home.places = [_entry(r) for r in groups.upcoming]
    home.waitlisted = [_entry(r, position) for r, position in groups.waitlisted]
    home.pending = [_entry(r) for r in groups.pending]
    sessions = [
        NextSession(
            offering_id=r.offering_id,
            title=r.offering.title,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            venue=session.venue or r.offering.venue,
            online=bool(r.offering.online_url),
        )
        for r in groups.upcoming
        for session in r.offering.active_sessions
        if session.ends_at > now
    ]
    home.next_sessions = sorted(sessions, key=lambda s: s.starts_at)[:NEXT_SESSIONS]
    home.network_requests = [
        (network_id, name)
        for network_id, name in db.session.execute(
            select(Network.id, Network.name)
            .join(NetworkMembership, NetworkMembership.network_id == Network.id)
            .where(NetworkMembership.user_id == user.id, NetworkMembership.status == "pending")
            .order_by(Network.name)
        )
    ]
    return home


def _entry(registration, position: int | None = None) -> Entry:
    offering = registration.offering
    return Entry(registration.id, offering.id, offering.title, offering.starts_at, position)
