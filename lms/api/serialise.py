"""What the API says about an offering: the summary (the listing's entry, also the head
of one offering's answer) and the detail, and how it writes a moment (``iso``).

The listing fills a :class:`Listed` from a catalogue row (``events.services.
catalogue_rows``), one offering from its ORM object: both go through the same
``summary``, so an entry reads the same wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from lms.core import dates
from lms.core.templating import id_url_maker
from lms.events.models import Offering, registration_window_open
from lms.registrations.catalogue import CatalogueCard
from lms.registrations.online_links import linked_offerings
from lms.registrations.seats import SeatCounts
from lms.timeutil import utcnow

# The catalogue row's columns after a card's own (``catalogue_rows(extra=…)``).
ROW_EXTRA = (
    "status", "registration_opens_at", "registration_closes_at", "members_only",
    "network_id", "last_end", "placed", "offered",
)  # fmt: skip


@dataclass(frozen=True)
class Listed(CatalogueCard):
    """What a summary shows: a catalogue card's values, then ``ROW_EXTRA``'s, in a
    catalogue row's order; or the same from an ORM offering."""

    status: str
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    members_only: bool
    network_id: int | None
    ends_at: datetime | None
    placed: int
    offered: int

    @classmethod
    def of(cls, offering: Offering, counts: SeatCounts) -> Listed:
        """An offering and its seat counts."""
        return cls(
            id=offering.id,
            kind=offering.kind,
            title=offering.title,
            summary=offering.summary,
            themes=offering.themes,
            venue=offering.venue,
            room=offering.room,
            address=offering.address,
            online_url=offering.online_url,
            capacity=offering.capacity,
            starts_at=offering.starts_at,
            session_count=len(offering.sessions),
            held=counts.held,
            waitlisted=counts.waitlisted,
            status=offering.status,
            registration_opens_at=offering.registration_opens_at,
            registration_closes_at=offering.registration_closes_at,
            members_only=offering.members_only,
            network_id=offering.network_id,
            ends_at=offering.ends_at,
            placed=counts.placed,
            offered=counts.offered,
        )

    @classmethod
    def field_index(cls, name: str) -> int:
        """Where ``name`` is in a catalogue row."""
        return [f.name for f in fields(cls)].index(name)

    def registration_is_open(self, now: datetime) -> bool:
        return registration_window_open(
            self.status,
            self.registration_opens_at,
            self.registration_closes_at,
            self.starts_at,
            now,
        )


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LMS_TIMEZONE"])


def iso(value: datetime | None, tz: ZoneInfo | None = None) -> str | None:
    """Every timestamp of the API: ISO 8601 in the LMS time zone with its offset, to the
    second (``core.dates.iso``); ``None`` stays ``None``."""
    return dates.iso(value, tz or zone())


_ID, _ONLINE_URL = (Listed.field_index(name) for name in ("id", "online_url"))
_STATUS, _OPENS, _CLOSES, _STARTS = (
    Listed.field_index(name)
    for name in ("status", "registration_opens_at", "registration_closes_at", "starts_at")
)


def shown_links(viewer, rows) -> list[str | None]:
    """Each catalogue row's online link as the listing shows it to ``viewer``: only to
    those with a place and those who run it (``online_links``; one query for a whole
    page, none for an anonymous viewer)."""
    linked = linked_offerings(viewer, {row[_ID] for row in rows if row[_ONLINE_URL]})
    return [row[_ONLINE_URL] if row[_ID] in linked else None for row in rows]


def is_open(row, now: datetime, *, moment=lambda value: value) -> bool:
    """Whether a catalogue row's offering takes registrations at ``now``; ``moment``
    reads a timestamp of the row (``driver_moment`` for a row as the driver returns it)."""
    return registration_window_open(
        row[_STATUS], moment(row[_OPENS]), moment(row[_CLOSES]), moment(row[_STARTS]), now
    )


def driver_moment(value) -> datetime | None:
    """A timestamp as the database driver returned it, as aware UTC: SQLite gives the
    stored UTC text, PostgreSQL an aware datetime (``timeutil.UTCDateTime`` stores both)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(UTC) if value is not None else None


class Summaries:
    """``summary(item, online_url, is_open) -> dict``, with the zone, the URL patterns
    looked up once per answer, not once per offering."""

    def __init__(self) -> None:
        self.tz_name = current_app.config["LMS_TIMEZONE"]
        self.tz = ZoneInfo(self.tz_name)
        self.detail_url = id_url_maker("lms_events.detail", external=True)
        self.ics_url = id_url_maker("lms_calendar.offering_ics", external=True)

    def summary(self, item: Listed, online_url: str | None, is_open: bool) -> dict:
        tz = self.tz
        return {
            "id": item.id,
            "kind": item.kind,
            "status": item.status,
            "title": item.title,
            "summary": item.summary,
            "themes": list(item.themes or []),
            "starts_at": iso(item.starts_at, tz),
            "ends_at": iso(item.ends_at, tz),
            "timezone": self.tz_name,
            "location": ", ".join(p for p in (item.venue, item.room, item.address) if p),
            "online_url": online_url,
            "capacity": item.capacity,
            # ``seats.SeatCounts``' rule: held = confirmed_count + offered_count, and
            # seats_left = max(0, capacity - held), past, cancelled or full alike.
            "confirmed_count": item.placed,
            "offered_count": item.offered,
            "waitlist_count": item.waitlisted,
            "seats_left": item.seats_left,
            "registration_open": is_open,
            "url": self.detail_url(item.id),
            "ics_url": self.ics_url(item.id),
        }


def detail(offering: Offering, counts: SeatCounts, online_url: str) -> dict:
    """One offering: its summary, what registering asks for, and its sessions.

    ``online_url`` is the link as the viewer may see it (``online_links.online_url_for``,
    as its page shows it).
    """
    summaries = Summaries()
    item = Listed.of(offering, counts)
    body = summaries.summary(item, online_url or None, item.registration_is_open(utcnow()))
    body["description_md"] = offering.description_md
    body["questions"] = list(offering.questions or [])
    body["consent_text"] = offering.consent_text or None
    body["requires_approval"] = offering.requires_approval
    body["members_only"] = offering.members_only
    body["sessions"] = [
        {
            "id": s.id,
            "uid": s.uid,
            "title": s.title,
            "starts_at": iso(s.starts_at, summaries.tz),
            "ends_at": iso(s.ends_at, summaries.tz),
            "venue": s.venue,
            "room": s.room,
            "status": s.status,
        }
        for s in offering.sessions
    ]
    return body
