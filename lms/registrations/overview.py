"""The organisers' overview (``/manage``): what needs them now.

- what is coming in the next weeks (``LMS_OVERVIEW_WEEKS``), with seats taken and the
  waiting list: published offerings and drafts (a draft that starts soon and is not
  published is something to deal with), by their next session;
- registrations waiting for approval, per offering still to end;
- waiting-list offers whose deadline falls in the next 48 hours;
- for administrators (who alone may read the outbox), how many mails failed.

It counts registrations, so it lives in the registrations area. Each part is one query,
whatever the number of offerings; an instructor sees the offerings they teach, as on
their offering list (``managed_offerings_statement`` is the one rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select

from lms.accounts.models import User
from lms.events.manage import managed_offerings_statement
from lms.events.models import Offering, OfferingSession, first_start_of
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.registrations.models import Registration
from lms.registrations.seats import seat_totals
from lms.timeutil import utcnow

OFFER_HOURS_AHEAD = 48
MAX_ROWS = 25  # per part; the rest are a link away


@dataclass(frozen=True)
class Coming:
    """An offering with a session in the coming weeks, and how full it is."""

    offering_id: int
    title: str
    kind: str
    status: str
    next_start: datetime
    capacity: int
    held: int
    waitlisted: int
    pending: int

    @property
    def percent_full(self) -> int | None:
        """Seats taken as a whole percentage of the capacity (over 100 when overbooked);
        None when the offering has no seats."""
        return round(100 * self.held / self.capacity) if self.capacity else None


@dataclass(frozen=True)
class AwaitingApproval:
    offering_id: int
    title: str
    starts_at: datetime | None
    pending: int


@dataclass(frozen=True)
class ExpiringOffer:
    registration_id: int
    offering_id: int
    title: str
    person: str
    expires_at: datetime


@dataclass(frozen=True)
class Overview:
    weeks: int
    coming: list[Coming]
    coming_total: int
    awaiting: list[AwaitingApproval]
    awaiting_total: int  # registrations, over every offering
    offers: list[ExpiringOffer]
    offers_total: int
    failed_mail: int | None  # None: not the viewer's to see

    @property
    def nothing_to_do(self) -> bool:
        return not (self.awaiting_total or self.offers_total or self.failed_mail)


def _managed_ids(actor):
    """A select of the ids of the offerings ``actor`` manages (``PermissionDenied`` else)."""
    return managed_offerings_statement(actor).order_by(None).with_only_columns(Offering.id)


def _coming(managed, now: datetime, horizon: datetime) -> tuple[list[Coming], int]:
    next_starts = (
        select(OfferingSession.offering_id, func.min(OfferingSession.starts_at).label("next"))
        .where(
            OfferingSession.status == "scheduled",
            OfferingSession.starts_at >= now,
            OfferingSession.starts_at < horizon,
        )
        .group_by(OfferingSession.offering_id)
        .subquery("next_starts")
    )
    totals = seat_totals(select(next_starts.c.offering_id))
    rows = db.session.execute(
        select(
            Offering.id,
            Offering.title,
            Offering.kind,
            Offering.status,
            next_starts.c.next,
            Offering.capacity,
            func.coalesce(totals.c.held, 0),
            func.coalesce(totals.c.waitlisted, 0),
            func.coalesce(totals.c.pending, 0),
            func.count().over(),
        )
        .join(next_starts, next_starts.c.offering_id == Offering.id)
        .outerjoin(totals, totals.c.offering_id == Offering.id)
        .where(Offering.id.in_(managed), Offering.status.in_(("published", "draft")))
        .order_by(next_starts.c.next, Offering.id)
        .limit(MAX_ROWS)
    ).all()
    return [Coming(*row[:-1]) for row in rows], (rows[0][-1] if rows else 0)


def _awaiting(managed, now: datetime) -> tuple[list[AwaitingApproval], int]:
    still_to_end = exists().where(
        OfferingSession.offering_id == Offering.id,
        OfferingSession.status == "scheduled",
        OfferingSession.ends_at >= now,
    )
    starts = first_start_of(Offering.id)
    rows = db.session.execute(
        select(
            Offering.id,
            Offering.title,
            starts.label("starts_at"),
            func.count(Registration.id),
            func.sum(func.count(Registration.id)).over(),
        )
        .join(Registration, Registration.offering_id == Offering.id)
        .where(
            Registration.status == "pending",
            Offering.id.in_(managed),
            Offering.status == "published",
            still_to_end,
        )
        .group_by(Offering.id, Offering.title)
        .order_by(starts, Offering.id)
        .limit(MAX_ROWS)
    ).all()
    return [AwaitingApproval(*row[:-1]) for row in rows], int(rows[0][-1]) if rows else 0


def _offers(managed, now: datetime) -> tuple[list[ExpiringOffer], int]:
    rows = db.session.execute(
        select(
            Registration.id,
            Offering.id,
            Offering.title,
            User.name,
            Registration.offer_expires_at,
            func.count().over(),
        )
        .join(Offering, Offering.id == Registration.offering_id)
        .join(User, User.id == Registration.user_id)
        .where(
            Registration.status == "offered",
            and_(
                Registration.offer_expires_at >= now,
                Registration.offer_expires_at < now + timedelta(hours=OFFER_HOURS_AHEAD),
            ),
            Offering.id.in_(managed),
        )
        .order_by(Registration.offer_expires_at, Registration.id)
        .limit(MAX_ROWS)
    ).all()
    return [ExpiringOffer(*row[:-1]) for row in rows], (rows[0][-1] if rows else 0)


def failed_mail_count() -> int:
    """How many outgoing mails gave up (``LMS_MAIL_MAX_ATTEMPTS`` reached)."""
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed")
    )


def organiser_overview(actor, *, weeks: int, now: datetime | None = None) -> Overview:
    """What ``actor`` (an organiser, or an instructor for their own offerings) has to
    deal with; ``PermissionDenied`` for someone who manages nothing."""
    now = now or utcnow()
    managed = _managed_ids(actor)
    coming, coming_total = _coming(managed, now, now + timedelta(weeks=weeks))
    awaiting, awaiting_total = _awaiting(managed, now)
    offers, offers_total = _offers(managed, now)
    return Overview(
        weeks=weeks,
        coming=coming,
        coming_total=coming_total,
        awaiting=awaiting,
        awaiting_total=awaiting_total,
        offers=offers,
        offers_total=offers_total,
        failed_mail=failed_mail_count() if actor.is_admin else None,
    )
