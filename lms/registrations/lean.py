"""The registration's write path in SQLAlchemy Core: one read under the lock, three writes.

Registering is the write that comes in a rush (hundreds of people the minute
registration opens), and every one of them holds the offering's lock while it runs, so
its cost is everyone else's wait. The ORM version spent over half its CPU in the unit of
work and in reloading the offering with its sessions (``docs/BENCHMARKS.md``). This path
reads everything the seat rules need in one statement *after* the lock is taken, then
inserts the registration, its log row and the mail directly. The rules themselves stay
in ``services.register``; everything else about registrations uses the ORM.

The statements are built once, with bound parameters, so SQLAlchemy compiles each once
per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, exists, func, select

from lms.events.models import NetworkMembership, Offering, Session
from lms.extensions import db
from lms.registrations.models import HOLDS_SEAT, Registration, RegistrationLog
from lms.timeutil import utcnow

_offering = Offering.__table__
_session = Session.__table__
_registration = Registration.__table__
_log = RegistrationLog.__table__
_membership = NetworkMembership.__table__


@dataclass(frozen=True)
class Snapshot:
    """What deciding a registration needs, read in one statement under the lock."""

    status: str
    capacity: int
    requires_approval: bool
    members_only: bool
    consent_text: str
    questions: list
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    starts_at: datetime | None  # the first session that takes place (else any session)
    held: int
    waitlisted: int
    highest_rank: int | None
    is_member: bool  # of the offering's network (True without one)
    existing_id: int | None  # the person's earlier registration, if any
    existing_status: str | None

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.held, 0)


def _snapshot_statement():
    def of_this_offering(table):
        return table.c.offering_id == _offering.c.id

    def count(*where):
        return (
            select(func.count())
            .select_from(_registration)
            .where(of_this_offering(_registration), *where)
            .scalar_subquery()
        )

    def first_start(*where):
        return (
            select(func.min(_session.c.starts_at))
            .where(of_this_offering(_session), *where)
            .scalar_subquery()
        )

    mine = _registration.alias("mine")
    user_id = bindparam("user_id")
    member = exists().where(
        _membership.c.network_id == _offering.c.network_id,
        _membership.c.user_id == user_id,
        _membership.c.status == "approved",
    )
    return (
        select(
            _offering.c.status,
            _offering.c.capacity,
            _offering.c.requires_approval,
            _offering.c.members_only,
            _offering.c.consent_text,
            _offering.c.questions,
            _offering.c.registration_opens_at,
            _offering.c.registration_closes_at,
            func.coalesce(first_start(_session.c.status != "cancelled"), first_start()).label(
                "starts_at"
            ),
            count(_registration.c.status.in_(HOLDS_SEAT)).label("held"),
            count(_registration.c.status == "waitlisted").label("waitlisted"),
            select(func.max(_registration.c.waitlist_rank))
            .where(of_this_offering(_registration))
            .scalar_subquery()
            .label("highest_rank"),
            (_offering.c.network_id.is_(None) | member).label("is_member"),
            mine.c.id.label("existing_id"),
            mine.c.status.label("existing_status"),
        )
        .select_from(
            _offering.outerjoin(
                mine, and_(mine.c.offering_id == _offering.c.id, mine.c.user_id == user_id)
            )
        )
        .where(_offering.c.id == bindparam("offering_id"))
    )


_SNAPSHOT = _snapshot_statement()
_INSERT = _registration.insert()
_INSERT_LOG = _log.insert()


def read_snapshot(offering_id: int, user_id: int) -> Snapshot | None:
    """The offering's rules and seat counts and the person's registration (call locked)."""
    row = (
        db.session.connection()
        .execute(_SNAPSHOT, {"offering_id": offering_id, "user_id": user_id})
        .first()
    )
    if row is None:
        return None
    values = row._asdict()
    values["is_member"] = bool(values["is_member"])
    values["questions"] = values["questions"] or []
    return Snapshot(**values)


def write_registration(
    snapshot: Snapshot,
    offering_id: int,
    user_id: int,
    status: str,
    *,
    rank: int | None,
    answers: dict,
    consent_given_at: datetime | None,
) -> int:
    """Insert the registration (or reuse the person's ended one) and log the change;
    returns its id."""
    connection = db.session.connection()
    values = {
        "status": status,
        "waitlist_rank": rank,
        "answers": answers,
        "consent_given_at": consent_given_at,
        "offer_expires_at": None,
    }
    if snapshot.existing_id is None:
        result = connection.execute(
            _INSERT, {"offering_id": offering_id, "user_id": user_id, **values}
        )
        registration_id = result.inserted_primary_key[0]
    else:
        registration_id = snapshot.existing_id
        connection.execute(
            _registration.update()
            .where(_registration.c.id == registration_id)
            .values(updated_at=utcnow(), **values)
        )
        _forget_loaded(registration_id)
    connection.execute(
        _INSERT_LOG,
        {
            "registration_id": registration_id,
            "actor_id": user_id,
            "from_status": snapshot.existing_status,
            "to_status": status,
            "note": "",
        },
    )
    return registration_id


def _forget_loaded(registration_id: int) -> None:
    """Expire the registration if this session holds it, so it is read again when used."""
    loaded = db.session.identity_map.get(db.session.identity_key(Registration, registration_id))
    if loaded is not None:
        db.session.expire(loaded)
