"""The fast date formatter writes exactly what Babel writes, in both languages, across
daylight-saving changes; other patterns fall back to Babel itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import format_datetime

from lms.core.dates import WHEN_PATTERNS, _compiled, datetime_formatter, iso_formatter

# Date formatting, a pure function: the SQLite pass runs it alone.
pytestmark = pytest.mark.pure

PATTERNS = [*WHEN_PATTERNS.values(), "HH:mm", "d. MMMM y", "dd.MM.yyyy"]


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("pattern", PATTERNS)
def test_same_text_as_babel(app, language, pattern):
    assert _compiled(pattern) is not None, "a pattern the fast path handles"
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with app.test_request_context(headers={"Accept-Language": language}):
        formatter = datetime_formatter(pattern)
        # Every 7 hours for two years: each weekday, month, and both DST changes twice.
        for hours in range(0, 24 * 730, 7):
            moment = start + timedelta(hours=hours, minutes=hours % 60)
            assert formatter(moment) == format_datetime(moment, pattern), moment


def test_a_pattern_it_does_not_handle_is_left_to_babel(app):
    assert _compiled("EEE d MMM") is None
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert datetime_formatter("EEE d MMM")(moment) == format_datetime(moment, "EEE d MMM")
        assert datetime_formatter("medium")(moment) == format_datetime(moment, "medium")


def test_iso_has_the_oslo_offset_and_empty_is_empty(app):
    with app.test_request_context():
        iso = iso_formatter()
        assert iso(datetime(2026, 7, 1, 7, 0, tzinfo=UTC)) == "2026-07-01T09:00:00+02:00"
        assert iso(datetime(2026, 12, 1, 8, 0, tzinfo=UTC)) == "2026-12-01T09:00:00+01:00"
        assert iso(None) == "" and datetime_formatter(WHEN_PATTERNS["nb"])(None) == ""
