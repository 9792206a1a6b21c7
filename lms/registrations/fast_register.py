"""``register()``'s write path in SQLAlchemy Core: one read under the lock, three writes.

Registering is the write that comes in a rush (hundreds of people the minute
registration opens), and every one of them holds the offering's lock while it runs, so
its cost is everyone else's wait. This path therefore reads everything the seat rules
need in one statement *after* the lock is taken (``read_snapshot``), then inserts the
registration, its log row and the mail directly, without the ORM's unit of work
(``write_registration``); on PostgreSQL a new registration's three INSERTs are one
statement, so the lock is held for one round trip instead of three.

This module decides nothing. The rules that choose the status are in
``services.register``; the values a status change writes (timestamps, rank, offer
expiry, the log row) come from ``status_change``, the same function ``transition()``
uses for every other change, which goes through the ORM.

The statements are built once, with bound parameters, so SQLAlchemy compiles each once
per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import and_, bindparam, exists, select, true

from lms.events.models import NetworkMembership, Offering, first_start_of
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.outbox import hand_over, insert_mail_row
from lms.registrations.models import Registration, RegistrationLog
from lms.registrations.seats import (
    held_count_of,
    highest_rank_of,
    seats_left_of,
    waitlisted_count_of,
)
from lms.registrations.status_change import StatusChange

_offering = Offering.__table__
_registration = Registration.__table__
_log = RegistrationLog.__table__
_membership = NetworkMembership.__table__
_outbox = OutboxMessage.__table__


@dataclass(frozen=True)
class Snapshot:
    """What deciding a registration needs, read in one statement under the lock."""

    kind: str
    status: str
    capacity: int
    offer_hours: int
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
        return seats_left_of(self.capacity, self.held)


def _snapshot_statement():
    mine = _registration.alias("mine")
    user_id = bindparam("user_id")
    member = exists().where(
        _membership.c.network_id == _offering.c.network_id,
        _membership.c.user_id == user_id,
        _membership.c.status == "approved",
    )
    return (
        select(
            _offering.c.kind,
            _offering.c.status,
            _offering.c.capacity,
            _offering.c.offer_hours,
            _offering.c.requires_approval,
            _offering.c.members_only,
            _offering.c.consent_text,
            _offering.c.questions,
            _offering.c.registration_opens_at,
            _offering.c.registration_closes_at,
            first_start_of(_offering.c.id).label("starts_at"),
            held_count_of(_offering.c.id).label("held"),
            waitlisted_count_of(_offering.c.id).label("waitlisted"),
            highest_rank_of(_offering.c.id).label("highest_rank"),
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
    offering_id: int,
    user_id: int,
    existing_id: int | None,
    change: StatusChange,
    *,
    answers: dict,
    consent_given_at: datetime | None,
    mail: dict,
) -> int:
    """Write ``change`` (from ``status_change``) with the registration's ``answers`` and
    consent: a new row, or the person's ended one (``existing_id``) reused, since there
    is one row per person and offering. Then its log row and ``mail`` (an outbox row's
    values); returns the registration's id.
    """
    connection = db.session.connection()
    values = {**change.registration, "answers": answers, "consent_given_at": consent_given_at}
    if existing_id is None and connection.dialect.name == "postgresql":
        parts = {
            "registration": {"offering_id": offering_id, "user_id": user_id, **values},
            "log": change.log,
            "mail": mail,
        }
        params = {
            f"{part}_{name}": value
            for part, given in parts.items()
            for name, value in with_defaults(_TABLES[part], given).items()
        }
        registration_id, message_id = connection.execute(_insert_all_at_once(), params).one()
        hand_over(message_id)
        return registration_id
    if existing_id is None:
        result = connection.execute(
            _INSERT, {"offering_id": offering_id, "user_id": user_id, **values}
        )
        registration_id = result.inserted_primary_key[0]
    else:
        registration_id = existing_id
        connection.execute(
            _registration.update().where(_registration.c.id == registration_id).values(**values)
        )
        _forget_loaded(registration_id)
    connection.execute(_INSERT_LOG, {"registration_id": registration_id, **change.log})
    insert_mail_row(mail)
    return registration_id


_TABLES = {"registration": _registration, "log": _log, "mail": _outbox}
# The columns a new registration's write gives (write_registration, status_change's values
# for a new row, outbox.mail_row); the statement binds these and their tables' defaults.
# If they drift apart, every PostgreSQL registration test fails.
_GIVEN = {
    "registration": ("offering_id", "user_id", "status", "waitlist_rank", "answers",
                     "consent_given_at", "offer_expires_at", "created_at", "updated_at"),
    "log": ("actor_id", "from_status", "to_status", "note", "at"),
    "mail": ("message_id", "kind", "to_address", "language", "context"),
}  # fmt: skip


@lru_cache(maxsize=1)
def _insert_all_at_once():
    """``INSERT`` registration, log row and mail in one PostgreSQL statement, built once.

    Every column is a bound parameter ``<part>_<column>`` (``with_defaults`` fills those
    with a Python-side default): SQLAlchemy computes defaults for one INSERT a statement.
    """

    def params(part: str) -> dict:
        table = _TABLES[part]
        names = with_defaults(table, dict.fromkeys(_GIVEN[part])).keys()
        return {name: bindparam(f"{part}_{name}", type_=table.c[name].type) for name in names}

    inserted = (
        _registration.insert()
        .values(params("registration"))
        .returning(_registration.c.id)
        .cte("registration")
    )
    log_params = params("log")
    logged = _log.insert().from_select(
        ["registration_id", *log_params], select(inserted.c.id, *log_params.values())
    )
    mailed = _outbox.insert().values(params("mail")).returning(_outbox.c.id).cte("mail")
    return (
        select(inserted.c.id, mailed.c.id)
        .select_from(inserted.join(mailed, true()))  # one row each
        .add_cte(logged.cte("log"))
    )


def with_defaults(table, values: dict) -> dict:
    """``values`` and the Python-side default of every other column that has one."""
    filled = dict(values)
    for column in table.columns:
        default = column.default
        if column.name in filled or default is None:
            continue
        if default.is_callable:
            filled[column.name] = default.arg(None)  # SQLAlchemy's wrapper takes a context
        elif default.is_scalar:
            filled[column.name] = default.arg
    return filled


def _forget_loaded(registration_id: int) -> None:
    """Expire the registration if this session holds it, so it is read again when used."""
    loaded = db.session.identity_map.get(db.session.identity_key(Registration, registration_id))
    if loaded is not None:
        db.session.expire(loaded)
