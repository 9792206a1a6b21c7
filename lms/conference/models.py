"""A conference and its programme as organisers edit it: days, rooms, tracks, speakers
and programme items.

These live rows are the organisers' draft. Publishing freezes them into a numbered
``Release`` (``release_models.py``): a JSON snapshot that the public programme, its feeds
and its exports read, so a draft change reaches nobody until it is published. Times are
stored in UTC; a conference's IANA zone (``timezone``) says how they are shown and in
which zone its calendar files are written.

Registering for the conference, and for an item's limited seats, is a registration of the
registrations area on an ``Offering`` (kind ``conference`` or ``conference_item``): the
same locking, waiting lists and mail, not a copy of them.
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
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.events.models import Offering
from lms.extensions import db
from lms.timeutil import UTCDateTime, utcnow

# The kinds of programme item. Breaks and networking have no speakers to clash and are
# left out of the frab "persons" lists, but are otherwise items like the rest.
SESSION_TYPES = ("keynote", "talk", "panel", "round_table", "workshop", "break", "networking")
# Items that may carry their own limited seats (registered for like any offering).
SEATED_TYPES = ("round_table", "workshop")
ITEM_STATUSES = ("scheduled", "cancelled")
LANGUAGES = ("nb", "en")


def _guid() -> str:
    return str(uuid.uuid4())


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


item_speakers = Table(
    "lms_conference_item_speakers",
    db.metadata,
    Column("item_id", ForeignKey("lms_conference_items.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "speaker_id",
        # Named by hand: the convention's name is longer than PostgreSQL's 63 characters.
        ForeignKey(
            "lms_conference_speakers.id",
            ondelete="CASCADE",
            name="fk_lms_conference_item_speakers_speaker_id",
        ),
        primary_key=True,
    ),
    Column("position", Integer, nullable=False, default=0),
)


class Conference(db.Model):
    """One edition of the conference (``slug`` is its address: ``/conferences/<slug>``)."""

    __tablename__ = "lms_conferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description_md: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Oslo")
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    # The hours of each day items may be placed in (local wall time in ``timezone``).
    day_starts: Mapped[time] = mapped_column(Time(), default=time(8, 0))
    day_ends: Mapped[time] = mapped_column(Time(), default=time(18, 0))
    # Registering for the conference: an offering of kind "conference" with one session
    # per day, so the registration engine counts, waitlists and mails as for a seminar.
    offering_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_offerings.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    offering: Mapped[Offering | None] = relationship()
    days: Mapped[list[ConferenceDay]] = relationship(
        back_populates="conference",
        cascade="all, delete-orphan",
        order_by="ConferenceDay.day",
    )
    rooms: Mapped[list[Room]] = relationship(
        back_populates="conference", cascade="all, delete-orphan", order_by="Room.position"
    )
    tracks: Mapped[list[Track]] = relationship(
        back_populates="conference", cascade="all, delete-orphan", order_by="Track.position"
    )


class ConferenceDay(db.Model):
    """A date the conference runs on (its hours are the conference's)."""

    __tablename__ = "lms_conference_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("lms_conferences.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date())

    conference: Mapped[Conference] = relationship(back_populates="days")

    __table_args__ = (UniqueConstraint("conference_id", "day"),)


class Room(db.Model):
    """A room at the venue; its capacity is checked against the interest in an item."""

    __tablename__ = "lms_conference_rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("lms_conferences.id", ondelete="CASCADE"), index=True
    )
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=_guid)
    name: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int] = mapped_column(default=100)
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    conference: Mapped[Conference] = relationship(back_populates="rooms")

    __table_args__ = (
        UniqueConstraint("conference_id", "name"),
        CheckConstraint("capacity >= 0", name="capacity"),
    )


class Track(db.Model):
    """A track (one per theme at the agency's conference); ``colour`` is ``#rrggbb``,
    checked for contrast against white text when it is set."""

    __tablename__ = "lms_conference_tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("lms_conferences.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(100))
    colour: Mapped[str] = mapped_column(String(7), default="#1e5a8a")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    conference: Mapped[Conference] = relationship(back_populates="tracks")

    __table_args__ = (UniqueConstraint("conference_id", "slug"),)


class Speaker(db.Model):
    """A speaker's profile. An organiser invites one by e-mail; the speaker confirms
    through the link (``user_id`` is then their account) and edits the profile."""

    __tablename__ = "lms_conference_speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("lms_conferences.id", ondelete="CASCADE"), index=True
    )
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=_guid)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_users.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), default="")
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    # The photo as stored: re-encoded by Pillow (pixels only, no metadata), never sniffed.
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_type: Mapped[str] = mapped_column(String(40), default="")
    # An invitation: the SHA-256 of the token mailed (the token itself is never stored).
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[User | None] = relationship()
    items: Mapped[list[Item]] = relationship(secondary=item_speakers, back_populates="speakers")

    @property
    def invitation_state(self) -> str:
        """Where the speaker's invitation stands: ``linked`` (to an account, by
        confirming or by an organiser), ``no_email`` (nothing to send it to),
        ``invited`` (a link is out, unused) or ``not_invited``."""
        if self.user_id is not None:
            return "linked"
        if not self.email:
            return "no_email"
        return "invited" if self.invite_token_hash else "not_invited"

    @property
    def can_be_invited(self) -> bool:
        """An invitation (or a new one, replacing the link) can be mailed."""
        return self.invitation_state in ("invited", "not_invited")


class Item(db.Model):
    """A programme item as the draft has it. ``guid`` names it for life (calendar UIDs,
    frab ``guid``); an item is never deleted once published, only cancelled, so feeds
    can say so."""

    __tablename__ = "lms_conference_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("lms_conferences.id", ondelete="CASCADE"), index=True
    )
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=_guid)
    title: Mapped[str] = mapped_column(String(200))
    abstract: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="talk")
    track_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_conference_tracks.id", ondelete="SET NULL"), index=True
    )
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    principles: Mapped[list[int]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(5), default="nb")
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_conference_rooms.id", ondelete="SET NULL"), index=True
    )
    # Unplaced until both are set; the builder places an item in a room and a time.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    # Limited seats: an offering of kind "conference_item" that people register for.
    offering_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_offerings.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    track: Mapped[Track | None] = relationship()
    room: Mapped[Room | None] = relationship()
    offering: Mapped[Offering | None] = relationship()
    speakers: Mapped[list[Speaker]] = relationship(
        secondary=item_speakers, back_populates="items", order_by=item_speakers.c.position
    )

    __table_args__ = (
        CheckConstraint(_in("kind", SESSION_TYPES), name="kind"),
        CheckConstraint(_in("status", ITEM_STATUSES), name="status"),
        CheckConstraint(_in("language", LANGUAGES), name="language"),
        CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at",
            name="ends_after_start",
        ),
    )

    @property
    def is_placed(self) -> bool:
        return self.room_id is not None and self.starts_at is not None and self.ends_at is not None

    @property
    def can_have_seats(self) -> bool:
        """Round tables and workshops may have limited seats of their own."""
        return self.kind in SEATED_TYPES
