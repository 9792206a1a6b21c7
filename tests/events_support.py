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
    starts = starts or utcnow() + timedelta(days=14)
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
