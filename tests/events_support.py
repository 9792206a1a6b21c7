"""Helpers for the events tests: offerings with sessions at given Oslo times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from lms.events.models import Offering, Session
from lms.extensions import db
from lms.timeutil import utcnow

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*args) -> datetime:
    """An Oslo wall-clock time as aware UTC."""
    return datetime(*args, tzinfo=OSLO).astimezone(UTC)


def _in_two_weeks_at_ten() -> datetime:
    """10:00 in Oslo two weeks from today: a time of day that cannot run past midnight, so
    the tests do not depend on the hour they run at (a 3-hour session from 'now' at 22:00
    ended the next day, which the one-day session form cannot say)."""
    day = utcnow().astimezone(OSLO).date() + timedelta(days=14)
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
    starts = starts or _in_two_weeks_at_ten()
    fields.setdefault("kind", "seminar")
    fields.setdefault("status", "published")
    fields.setdefault("capacity", 20)
    fields.setdefault("venue", "Anskaffelseshuset")
    made = Offering(title=title, **fields)
    for n in range(sessions):
        begin = starts + timedelta(days=7 * n)
        made.sessions.append(Session(starts_at=begin, ends_at=begin + timedelta(hours=hours)))
    made.instructors.extend(instructors)
    db.session.add(made)
    if commit:
        db.session.commit()
    return made
