"""What the conference's public side reads and records: published releases of the
programme, the items people star into their agendas, and attendees' check-in codes.

A ``Release`` is the programme as published, frozen: ``snapshot`` holds every item
(cancelled ones too) with its time, room, speakers, SEQUENCE and last modification as
they were in that release; ``changes`` says what moved since the release before. The
public pages, feeds, schedule files and API read the newest release (or the one asked
for by number), never the draft rows, so the same release always gives the same bytes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.conference.models import Conference, Item
from lms.extensions import db
from lms.registrations.models import Registration
from lms.timeutil import UTCDateTime, utcnow

CHANGE_KINDS = ("new", "moved", "changed", "cancelled")


class Release(db.Model):
    """Release number ``number`` (1, 2, …) of a conference's programme."""

    __tablename__ = "lms_conference_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("lms_conferences.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_users.id", ondelete="SET NULL")
    )
    # {"conference": {...}, "days": [...], "rooms": [...], "tracks": [...],
    #  "speakers": [...], "items": [...]}: plain JSON values, times as ISO 8601 UTC.
    snapshot: Mapped[dict] = mapped_column(JSON)
    # [{"guid": item guid, "kind": one of CHANGE_KINDS, "title": ...}, ...]
    changes: Mapped[list] = mapped_column(JSON, default=list)

    conference: Mapped[Conference] = relationship()
    published_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("conference_id", "number"),)


class Star(db.Model):
    """An item a person has put in their personal agenda."""

    __tablename__ = "lms_conference_stars"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(
        ForeignKey("lms_conference_items.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[Item] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "item_id"),)


class Attendee(db.Model):
    """A registration for a conference, as the door sees it: the short code printed under
    the QR code of the confirmation mail, and when the person was checked in."""

    __tablename__ = "lms_conference_attendees"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("lms_conferences.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lms_registrations.id", ondelete="CASCADE"), unique=True
    )
    # Typed at the door when a camera cannot read the QR code: short, unambiguous
    # characters, unique per conference; the QR code carries the same code.
    code: Mapped[str] = mapped_column(String(12))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_users.id", ondelete="SET NULL")
    )

    registration: Mapped[Registration] = relationship()

    __table_args__ = (UniqueConstraint("conference_id", "code"),)
