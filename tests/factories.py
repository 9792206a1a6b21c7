"""The one factory for test rows: users, offerings with their sessions, and outbox mail.

Dates are relative to now by default, so no test's outcome depends on the day it runs.
A test that needs a given month and day (a summer-time change, a date printed on a
page) asks for ``year_like(2027)``: a year still ahead whose calendar is 2027's.
"""

from __future__ import annotations

import calendar
import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from lms.events.models import Offering, OfferingSession
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.timeutil import utcnow

OSLO = ZoneInfo("Europe/Oslo")
TEST_PASSWORD = "correct horse battery"


def oslo(*args) -> datetime:
    """An Oslo wall-clock time as the aware UTC instant the database stores."""
    return datetime(*args, tzinfo=OSLO).astimezone(UTC)


def today_in_oslo() -> date:
    return utcnow().astimezone(OSLO).date()


def at_ten_in_oslo(days_ahead: int) -> datetime:
    """10:00 in Oslo ``days_ahead`` days from today, as aware UTC. A session that starts then
    cannot run past midnight, whatever the hour the tests run at: one that started at "now"
    plus some days did after 22:00 Oslo, which the one-day session form cannot keep."""
    day = today_in_oslo() + timedelta(days=days_ahead)
    return oslo(day.year, day.month, day.day, 10, 0)


def year_like(year: int) -> int:
    """The first year after this one whose calendar is ``year``'s: every date falls on the
    same weekday, so the summer-time changes fall on the same dates too. A test written
    for Thursday 14 January 2027 (winter time) then runs on a Thursday in winter time in a
    year wholly ahead, where registration is open and pages list the offering."""
    wanted = (date(year, 1, 1).weekday(), calendar.isleap(year))
    candidate = today_in_oslo().year + 1
    while (date(candidate, 1, 1).weekday(), calendar.isleap(candidate)) != wanted:
        candidate += 1
    return candidate


_serial = itertools.count(1)


class Factory:
    """Makes rows for tests, committed, with sensible defaults (the ``factory`` fixture)."""

    def user(
        self,
        email: str | None = None,
        *,
        roles=(),
        verified: bool = True,
        password: str = TEST_PASSWORD,
        language: str = "nb",
        name: str | None = None,
        organisation: str = "Testkommune",
        job_title: str = "",
    ):
        """A user made through the accounts service (so passwords are hashed for real)."""
        from lms.accounts import services

        serial = next(_serial)
        user = services.create_user(
            email or f"user{serial}@example.no",
            password,
            name or f"Test Person {serial}",
            organisation=organisation,
            job_title=job_title,
            language=language,
            roles=tuple(roles),
            verified=verified,
        )
        db.session.commit()
        return user

    def offering(
        self,
        title: str = "Klima og miljø i anskaffelser",
        *,
        starts: datetime | list[datetime] | None = None,
        starts_in: timedelta | None = None,
        hours: float = 3,
        sessions: int = 1,
        instructors=(),
        commit: bool = True,
        **fields,
    ) -> Offering:
        """A published seminar with a session at 10:00 Oslo time 14 days from today.

        ``starts`` is the first session's start (then ``sessions`` a week apart) or a list
        of starts, one session each; ``starts_in`` puts the first start that long from now
        (to the hour: a reminder or an offer deadline). Every session lasts ``hours``."""
        if starts_in is not None:
            starts = utcnow() + starts_in
        elif starts is None:
            starts = at_ten_in_oslo(14)
        if isinstance(starts, datetime):
            starts = [starts + timedelta(days=7 * n) for n in range(sessions)]
        fields.setdefault("kind", "seminar")
        fields.setdefault("status", "published")
        fields.setdefault("capacity", 20)
        fields.setdefault("venue", "Anskaffelseshuset")
        made = Offering(title=title, **fields)
        for start in starts:
            self.session(made, start, hours=hours)
        made.instructors.extend(instructors)
        db.session.add(made)
        if commit:
            db.session.commit()
        return made

    def session(self, offering: Offering, starts: datetime, *, hours: float = 3, **fields):
        """A session appended to ``offering`` (not committed: the caller decides when)."""
        made = OfferingSession(starts_at=starts, ends_at=starts + timedelta(hours=hours), **fields)
        offering.sessions.append(made)
        return made

    def mail(self, user, kind: str = "password_changed", **context) -> OutboxMessage:
        """An outbox row for ``user``, queued the way the app queues mail, committed."""
        from lms.mail.outbox import queue_mail

        message = queue_mail(user.email, kind, user.language, user=user, **context)
        db.session.commit()
        return message


make = Factory()


def outbox(to: str | None = None, kind: str | None = None) -> list[OutboxMessage]:
    """Outbox rows, oldest first, freshly read; optionally for one address and of one kind."""
    db.session.expire_all()
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if to is not None:
        statement = statement.where(OutboxMessage.to_address == to)
    if kind is not None:
        statement = statement.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(statement))


def make_due() -> None:
    """Let the backoff pass: every waiting row becomes due now."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending")
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
