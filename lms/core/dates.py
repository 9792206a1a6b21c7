"""Time zones (``local_zone``, ``to_local``, ``to_utc``: wall-clock times are typed and
shown in ``LMS_TIMEZONE``), and date formatting for long lists: Babel's output, with
Babel's work done once per list.

``flask_babel.format_datetime`` looks up the locale, the time zone and the parsed
pattern on every call. A catalogue page formats a date per card, and that lookup was
most of its rendering time. :func:`datetime_formatter` resolves the locale, the zone
and the pattern once and returns a function that fills in the fields. It handles the
fields our patterns use (weekday, day, month name or number, year, hour, minute) and
falls back to Babel for any other pattern, so its output is always Babel's
(``tests/test_core_dates.py`` compares them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import parse_pattern
from flask import current_app
from flask_babel import format_datetime, get_locale, get_timezone


def local_zone() -> ZoneInfo:
    """The LMS's own time zone (``LMS_TIMEZONE``): wall-clock times are typed and shown in it."""
    return ZoneInfo(current_app.config.get("LMS_TIMEZONE", "Europe/Oslo"))


def to_utc(day: date, clock: time) -> datetime:
    """A wall-clock date and time in the LMS zone, as aware UTC."""
    return datetime.combine(day, clock, tzinfo=local_zone()).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """An aware moment as wall-clock time in the LMS zone."""
    return moment.astimezone(local_zone())


# A session's start, weekday included, 24-hour clock (the ``lms_when`` filter and the
# catalogue's cards).
WHEN_PATTERNS = {"nb": "EEEE d. MMMM y 'kl.' HH:mm", "en": "EEEE d MMMM y, HH:mm"}

# Pattern fields we can fill without Babel: name -> (locale, local time) -> text.
_FIELDS: dict[str, Callable[[Locale, datetime], str]] = {
    "EEEE": lambda loc, t: loc.days["format"]["wide"][t.weekday()],
    "d": lambda loc, t: str(t.day),
    "dd": lambda loc, t: f"{t.day:02d}",
    "MMMM": lambda loc, t: loc.months["format"]["wide"][t.month],
    "MM": lambda loc, t: f"{t.month:02d}",
    "y": lambda loc, t: str(t.year),
    "yyyy": lambda loc, t: f"{t.year:04d}",
    "HH": lambda loc, t: f"{t.hour:02d}",
    "mm": lambda loc, t: f"{t.minute:02d}",
}


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> tuple[str, tuple[str, ...]] | None:
    """``(%-format string, field names)``, or None when a field is not one of ours."""
    fmt = parse_pattern(pattern).format
    names = tuple(_field_names(fmt))
    if any(name not in _FIELDS for name in names):
        return None
    return fmt, names


def _field_names(fmt: str):
    """The ``%(name)s`` keys of a %-format string (``%%`` is a literal percent sign)."""
    start = 0
    while (i := fmt.find("%", start)) != -1:
        if fmt.startswith("%%", i):
            start = i + 2
            continue
        end = fmt.index(")s", i)
        yield fmt[i + 2 : end]
        start = end + 2


def datetime_formatter(pattern: str) -> Callable[[datetime | None], str]:
    """``value -> text`` as ``format_datetime(value, pattern)`` would write it now.

    Call it inside a request; the returned function is for that request only (it keeps
    the request's locale and zone).
    """
    compiled = _compiled(pattern)
    if compiled is None:
        return lambda value: format_datetime(value, pattern) if value else ""
    fmt, names = compiled
    locale = Locale.parse(str(get_locale()))
    zone = get_timezone()
    fields = [(name, _FIELDS[name]) for name in names]

    def format_one(value: datetime | None) -> str:
        if not value:
            return ""
        local = value.astimezone(zone)
        return fmt % {name: fill(locale, local) for name, fill in fields}

    return format_one


def iso_formatter() -> Callable[[datetime | None], str]:
    """``value -> ISO 8601`` with the offset of the request's zone (for ``<time datetime>``)."""
    zone = get_timezone()
    return lambda value: value.astimezone(zone).isoformat() if value else ""
