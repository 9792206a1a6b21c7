"""Helpers for the events tests: offerings with sessions at given Oslo times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from lms.events.models import Offering, OfferingSession
from lms.extensions import db
from lms.timeutil import utcnow

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*args) -> datetime:
    """An Oslo wall-clock time as aware UTC."""
    return datetime(*args, tzinfo=OSLO).astimezone(UTC)


def at_ten_in_oslo(days_ahead: int) -> datetime:
    """10:00 in Oslo ``days_ahead`` days from today, as aware UTC. A session that starts then
    cannot run past midnight, whatever the hour the tests run at: one that started at "now"
    plus some days did after 22:00 Oslo, which the one-day session form cannot keep."""
    day = utcnow().astimezone(OSLO).date() + timedelta(days=days_ahead)
    return oslo(day.year, day.month, day.day, 10, 0)


def offering(
    title="Klima og miljø i anskaffelser",
    *,
    starts: datetime | None = None,
    hours: float = 3,
    sessions: int = 1,
    commit: bool = True,
    instructors=(),
    **fields,
) -> Offering:
    starts = starts or at_ten_in_oslo(14)
    fields.setdefault("kind", "seminar")
    fields.setdefault("status", "published")
    fields.setdefault("capacity", 20)
    fields.setdefault("venue", "Anskaffelseshuset")
    made = Offering(title=title, **fields)
    for n in range(sessions):
        begin = starts + timedelta(days=7 * n)
        made.sessions.append(
            OfferingSession(starts_at=begin, ends_at=begin + timedelta(hours=hours))
        )
    made.instructors.extend(instructors)
    db.session.add(made)
    if commit:
        db.session.commit()
    return made
