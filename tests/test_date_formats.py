"""One set of date formats (``lms/core/dates.py``) in both languages, used by pages, mail,
exports and the registration log: no seconds, no zone names or offsets in what people
read; the API's timestamps all ISO 8601 with the LMS zone's offset, to the second."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from factories import outbox, year_like
from flask_babel import force_locale
from sqlalchemy import select

from lms.accounts import services as accounts
from lms.core import dates
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.rendering import render_message
from lms.registrations import services
from lms.registrations.models import RegistrationLog

# What none of the formats may show: seconds, a zone's name or offset, Babel's long forms.
NOT_SHOWN = re.compile(
    r"\d\d:\d\d:\d\d|CET|CEST|UTC|GMT|[+-]0[12]00|normaltid|sommertid|Central European|"
    r"\bAM\b|\bPM\b|Sentral-Europa"
)
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")

WINTER = datetime(2026, 12, 22, 8, 0, 30, tzinfo=UTC)  # 09:00:30 in Oslo, a Tuesday
SUMMER = datetime(2027, 6, 1, 7, 5, tzinfo=UTC)  # 09:05 in Oslo (summer time), a Tuesday
EXPECTED = {
    "nb": {
        "when": "tirsdag 22. desember 2026 kl. 09:00",
        "summer": "tirsdag 1. juni 2027 kl. 09:05",
        "date": "22. desember 2026",
        "time": "09:00",
        "time_range": "tirsdag 22. desember 2026 kl. 09:00–12:30",
        "overnight": "tirsdag 22. desember 2026 kl. 09:00 – onsdag 23. desember 2026 kl. 09:00",
        "date_range": "22. desember 2026 – 1. juni 2027",
    },
    "en": {
        "when": "Tuesday 22 December 2026, 09:00",
        "summer": "Tuesday 1 June 2027, 09:05",
        "date": "22 December 2026",
        "time": "09:00",
        "time_range": "Tuesday 22 December 2026, 09:00–12:30",
        "overnight": "Tuesday 22 December 2026, 09:00 – Wednesday 23 December 2026, 09:00",
        "date_range": "22 December 2026 – 1 June 2027",
    },
}


@pytest.mark.pure
@pytest.mark.parametrize("language", ["nb", "en"])
def test_each_format_in_both_languages(app, language):
    want = EXPECTED[language]
    with app.test_request_context(headers={"Accept-Language": language}):
        assert dates.format_when(WINTER) == want["when"]
        assert dates.format_when(SUMMER) == want["summer"]
        assert dates.format_date(WINTER) == want["date"] == dates.format_date(date(2026, 12, 22))
        assert dates.format_time(WINTER) == want["time"]
        end = datetime(2026, 12, 22, 11, 30, tzinfo=UTC)
        assert dates.format_time_range(WINTER, end) == want["time_range"]
        overnight = datetime(2026, 12, 23, 8, 0, tzinfo=UTC)
        assert dates.format_time_range(WINTER, overnight) == want["overnight"]
        assert dates.format_date_range(WINTER, SUMMER) == want["date_range"]
        assert dates.format_date_range(WINTER, WINTER) == want["date"]
        # Every filter a template has, whatever width an old template still asks for.
        filters = app.jinja_env.filters
        for width in (None, "short", "medium", "long", "full"):
            assert filters["lms_datetime"](WINTER, width) == want["when"]
        assert filters["lms_when"](WINTER) == want["when"]
        assert filters["lms_time"](WINTER) == want["time"]
        assert filters["lms_date"](WINTER) == want["date"]
        assert filters["lms_local_iso"](WINTER) == "2026-12-22T09:00:30+01:00"
        assert filters["lms_when"](None) == filters["lms_time_range"](None, None) == ""


def test_mail_uses_the_same_formats(app, factory):
    year = year_like(2026)
    offering = factory.offering(starts=datetime(year, 12, 22, 8, 0, tzinfo=UTC), hours=3)
    for language in ("nb", "en"):
        user = factory.user(language=language)
        message = factory.mail(user, "registration_reminder", offering=offering)
        subject, text, html, _ = render_message(db.session.get(OutboxMessage, message.id))
        with force_locale(language):
            start = offering.sessions[0]
            expected = dates.format_time_range(start.starts_at, start.ends_at)
            assert dates.format_when(offering.starts_at) in text
        assert expected in text and expected in html
        assert not NOT_SHOWN.search(subject + text + html), NOT_SHOWN.search(text + html)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_log_uses_the_same_formats(app, client, factory, login, language):
    organiser = factory.user(roles=("organiser",), language=language)
    person = factory.user(language=language)
    offering = factory.offering(capacity=1)
    services.register(person, offering.id)
    db.session.commit()
    login(organiser)
    page = client.get(f"/manage/offerings/{offering.id}/log").get_data(as_text=True)
    [entry] = db.session.scalars(select(RegistrationLog)).all()
    with force_locale(language):
        assert dates.format_when(entry.at) in page
    assert not NOT_SHOWN.search(page)


def test_api_timestamps_share_one_style(client, factory):
    user = factory.user()
    _token, raw = accounts.create_api_token(user, "test")
    offering = factory.offering()
    services.register(user, offering.id)
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    client.get("/api/v1/me", headers=headers)  # the token is used: last_used_at is set
    tokens = client.get("/api/v1/tokens", headers=headers).get_json()["tokens"]
    mine = client.get("/api/v1/me/registrations", headers=headers).get_json()["registrations"]
    event = client.get(f"/api/v1/events/{offering.id}").get_json()
    stamps = [
        tokens[0]["created_at"],
        tokens[0]["last_used_at"],
        mine[0]["created_at"],
        mine[0]["event"]["starts_at"],
        event["starts_at"],
        event["sessions"][0]["ends_at"],
    ]
    assert all(ISO.match(stamp) for stamp in stamps), stamps
    assert outbox()  # the registration's mail is queued as before
