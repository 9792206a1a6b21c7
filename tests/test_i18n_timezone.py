"""Dates and times: stored in UTC, shown in ``LMS_TIMEZONE`` (Europe/Oslo) in the user's
language, with summer time, on a real page (the API tokens on the profile)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from lms.accounts import services
from lms.accounts.models import ApiToken
from lms.extensions import db

WINTER = datetime(2026, 1, 15, 12, 30, tzinfo=UTC)  # 13:30 in Oslo (CET, UTC+1)
SUMMER = datetime(2026, 7, 1, 10, 5, tzinfo=UTC)  # 12:05 in Oslo (CEST, UTC+2)


def token_made_at(user, created_at: datetime, last_used_at: datetime | None = None) -> None:
    token, _raw = services.create_api_token(user, "Rapportverktøy")
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id)
        .values(created_at=created_at, last_used_at=last_used_at)
    )
    db.session.commit()


def profile_html(client, **headers) -> str:
    response = client.get("/profile", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "winter", "summer"),
    [
        ("nb", "torsdag 15. januar 2026 kl. 13:30", "onsdag 1. juli 2026 kl. 12:05"),
        ("en", "Thursday 15 January 2026, 13:30", "Wednesday 1 July 2026, 12:05"),
    ],
)
def test_profile_shows_token_times_in_oslo_in_the_users_language(
    app, client, factory, login, language, winter, summer
):
    user = factory.user(language=language)
    token_made_at(user, WINTER, last_used_at=SUMMER)
    login(user)
    # The browser asks for the other language; the account's language decides.
    html = profile_html(client, **{"Accept-Language": "en" if language == "nb" else "nb"})
    assert winter in html  # created: winter time, UTC+1
    assert summer in html  # last used: summer time, UTC+2
    assert "12:30" not in html and "10:05" not in html  # never the raw UTC


def test_the_time_zone_is_configurable(app, client, factory, login):
    user = factory.user(language="nb")
    token_made_at(user, WINTER)
    login(user)
    assert "torsdag 15. januar 2026 kl. 13:30" in profile_html(client)
    app.config["LMS_TIMEZONE"] = "UTC"
    assert "torsdag 15. januar 2026 kl. 12:30" in profile_html(client)


def test_times_read_back_from_the_database_are_aware_utc(app, factory):
    user = factory.user()
    token_made_at(user, WINTER)
    db.session.expire_all()
    stored = db.session.get(ApiToken, db.session.query(ApiToken.id).scalar())
    assert stored.created_at == WINTER
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset().total_seconds() == 0
