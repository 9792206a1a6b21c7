"""CSRF attacks on the calendar area's forms, for tests/test_security_csrf.py's table:
each forged POST (no token) must be refused and change nothing."""

from __future__ import annotations

from registrations_csrf import Attack

from lms.accounts.models import User
from lms.extensions import db


def csrf_reset_feed(factory, login, client):
    """A forged reset would silently break the victim's calendar subscriptions."""
    user = factory.user("victim@example.no")
    login(user)
    secret = user.calendar_secret

    def unchanged():
        db.session.expire_all()
        assert db.session.get(User, user.id).calendar_secret == secret

    return Attack("/me/calendar/reset", {}, unchanged)


CALENDAR_CSRF_ATTACKS = {
    "lms_calendar.reset_feed": csrf_reset_feed,
}
