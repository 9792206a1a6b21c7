"""Offerings (seminars, courses, network meetings), their dated sessions, and networks.

Predicates that templates and services ask (``can_edit``, ``registration_state``)
live here; counting seats is the registrations area's job.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    Time,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.extensions import db
from lms.timeutil import UTCDateTime, utcnow

# What organisers make with the offering form; the conference area makes its own kinds
# (registering for a conference, and for a programme item's limited seats).
KINDS = ("seminar", "course", "network_meeting")
CONFERENCE_KINDS = ("conference", "conference_item")
OFFERING_KINDS = KINDS + CONFERENCE_KINDS
STATUSES = ("draft", "published", "cancelled", "archived")
CLOSED_STATUSES = ("cancelled", "archived")
THEMES = ("human_rights", "working_conditions", "climate_environment", "anti_corruption")
PRINCIPLES = tuple(range(1, 11))  # UN Global Compact principles 1–10
WAITLIST_MODES = ("auto", "offer")
QUESTIONS = ("dietary", "accessibility", "organisation_type")
ORGANISATION_TYPES = ("state", "county", "municipality", "other")

offering_instructors = Table(
    "lms_offering_instructors",
    db.metadata,
    Column("offering_id", ForeignKey("lms_offerings.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("lms_users.id", ondelete="CASCADE"), primary_key=True),
)


def _uid() -> str:
    return uuid.uuid4().hex


class Network(db.Model):
    """A standing network (e.g. for CSR coordinators) that meets on a rule."""

    __tablename__ = "lms_networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description_md: Mapped[str] = mapped_column(Text, default="")
    membership: Mapped[str] = mapped_column(String(10), default="open")
    # An RFC 5545 RRULE, e.g. "FREQ=MONTHLY;BYDAY=2TU" for the second Tuesday.
    recurrence_rule: Mapped[str] = mapped_column(String(200), default="")
    # What a generated meeting gets unless the organiser says otherwise: the start as
    # Oslo wall-clock time (None: the organiser picks one each time), its length, and
    # its place (the same fields as an offering's).
    meeting_start: Mapped[time | None] = mapped_column(Time())
    meeting_minutes: Mapped[int] = mapped_column(default=120)
    venue: Mapped[str] = mapped_column(String(200), default="")
    room: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[NetworkMembership]] = relationship(
        back_populates="network", cascade="all, delete-orphan"
    )
    meetings: Mapped[list[Offering]] = relationship(back_populates="network")

    __table_args__ = (
        CheckConstraint("membership IN ('open', 'approval')", name="membership"),
        CheckConstraint("meeting_minutes BETWEEN 15 AND 720", name="meeting_minutes"),
    )

    def meeting_defaults(self) -> dict:
        """The offering fields a generated meeting takes from the network."""
        return {
            "venue": self.venue,
            "room": self.room,
            "address": self.address,
            "online_url": self.online_url,
        }


class NetworkMembership(db.Model):
    """A person's membership of a network: pending until approved when approval is needed."""

    __tablename__ = "lms_network_memberships"

    network_id: Mapped[int] = mapped_column(
        ForeignKey("lms_networks.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("lms_users.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(10), default="approved")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    network: Mapped[Network] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("status IN ('pending', 'approved')", name="status"),)


class Offering(db.Model):
    """Something people register for: a seminar, a course, or one network meeting."""

    __tablename__ = "lms_offerings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description_md: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    principles: Mapped[list[int]] = mapped_column(JSON, default=list)
    audience: Mapped[str] = mapped_column(String(200), default="")
    # Speakers who are not users here (a guest from the ILO, a supplier): one per line,
    # shown with the instructors. Instructors are accounts, and may edit the offering.
    guest_speakers: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="nb")
    venue: Mapped[str] = mapped_column(String(200), default="")
    room: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int] = mapped_column(default=30)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancellation_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    requires_approval: Mapped[bool] = mapped_column(default=False)
    members_only: Mapped[bool] = mapped_column(default=False)
    waitlist_mode: Mapped[str] = mapped_column(String(10), default="auto")
    offer_hours: Mapped[int] = mapped_column(default=48)
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_text: Mapped[str] = mapped_column(Text, default="")
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_networks.id", ondelete="SET NULL"), index=True
    )
    # A generated network meeting: the rule's date it was made for, kept when the meeting
    # is moved, so generating again does not bring the old date back.
    occurrence_date: Mapped[date | None] = mapped_column(Date())
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_users.id", ondelete="SET NULL")
    )
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    sessions: Mapped[list[OfferingSession]] = relationship(
        back_populates="offering",
        cascade="all, delete-orphan",
        order_by="OfferingSession.starts_at",
        lazy="selectin",
    )
    instructors: Mapped[list[User]] = relationship(secondary=offering_instructors)
    network: Mapped[Network | None] = relationship(back_populates="meetings")

    __table_args__ = (
        CheckConstraint(
            f"kind IN ({', '.join(repr(kind) for kind in OFFERING_KINDS)})", name="kind"
        ),
        CheckConstraint("status IN ('draft', 'published', 'cancelled', 'archived')", name="status"),
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint("waitlist_mode IN ('auto', 'offer')", name="waitlist_mode"),
        CheckConstraint("offer_hours > 0", name="offer_hours"),
        CheckConstraint("language IN ('nb', 'en')", name="language"),
    )

    @property
    def active_sessions(self) -> list[OfferingSession]:
        """The sessions that will take place (cancelled ones stay only for calendars)."""
        return [s for s in self.sessions if s.status != "cancelled"]

    @property
    def starts_at(self) -> datetime | None:
        """The first start: of the sessions that will take place, else of any (an offering
        cancelled whole keeps the date it had). ``first_start_of`` is the same rule in SQL."""
        active = self.active_sessions or self.sessions
        return min((s.starts_at for s in active), default=None)

    @property
    def ends_at(self) -> datetime | None:
        """The last end, by the same rule as ``starts_at``."""
        active = self.active_sessions or self.sessions
        return max((s.ends_at for s in active), default=None)

    @property
    def is_closed(self) -> bool:
        """Cancelled or archived: kept as it was, for the people who were told, and read
        only (it cannot be edited, and no session can be added to it)."""
        return self.status in CLOSED_STATUSES

    def is_instructor(self, user) -> bool:
        return any(i.id == user.id for i in self.instructors)

    def can_edit(self, user) -> bool:
        """Organisers edit every offering; instructors only those they are assigned to."""
        if not getattr(user, "is_authenticated", False):
            return False
        return user.has_role("organiser") or self.is_instructor(user)

    def registration_is_open(self, now: datetime | None = None) -> bool:
        """Open while published, inside the window, and before the first session starts."""
        return registration_window_open(
            self.status,
            self.registration_opens_at,
            self.registration_closes_at,
            self.starts_at,
            now or utcnow(),
        )


def registration_window_open(
    status: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    starts_at: datetime | None,
    now: datetime,
) -> bool:
    """The rule behind ``Offering.registration_is_open``, on plain values, so the
    registration's write path can apply it to the columns it read under the lock."""
    if status != "published":
        return False
    if opens_at and now < opens_at:
        return False
    if closes_at and now >= closes_at:
        return False
    return starts_at is None or now < starts_at


class OfferingSession(db.Model):
    """One dated meeting of an offering; its UID stays for life, SEQUENCE counts changes."""

    __tablename__ = "lms_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("lms_offerings.id", ondelete="CASCADE"), index=True
    )
    uid: Mapped[str] = mapped_column(String(40), unique=True, default=_uid)
    title: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    venue: Mapped[str] = mapped_column(String(200), default="")
    room: Mapped[str] = mapped_column(String(100), default="")
    # A session taken off a published offering is not deleted but marked "cancelled"
    # (SEQUENCE + 1): calendar clients only drop an event the feed marks cancelled.
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    offering: Mapped[Offering] = relationship(back_populates="sessions")

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="status"),
    )


def _over_active_else_all(aggregate, column, offering_id):
    """``aggregate(column)`` over an offering's sessions that are not cancelled, else over
    all of them: the rule of ``Offering.starts_at`` and ``Offering.ends_at``, as SQL."""

    def over(*where):
        return (
            select(aggregate(column))
            .where(OfferingSession.offering_id == offering_id, *where)
            .scalar_subquery()
        )

    return func.coalesce(over(OfferingSession.status != "cancelled"), over())


def first_start_of(offering_id):
    """SQL: the first start of the offering whose id is ``offering_id`` (a column or a
    value), as ``Offering.starts_at`` has it."""
    return _over_active_else_all(func.min, OfferingSession.starts_at, offering_id)


def last_end_of(offering_id):
    """SQL: the last end of the offering whose id is ``offering_id``, as
    ``Offering.ends_at`` has it."""
    return _over_active_else_all(func.max, OfferingSession.ends_at, offering_id)
