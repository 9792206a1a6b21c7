"""Time zones (``local_zone``, ``to_local``, ``to_utc``: wall-clock times are typed and
shown in ``LMS_TIMEZONE``), the one set of date formats every page, mail, export and log
uses, and date formatting for long lists: Babel's output, with Babel's work done once
per list.

The formats (``format_date``, ``format_when``, ``format_time``, ``format_time_range``,
``format_date_range``; the ``lms_*`` template filters call them) never show seconds,
a zone name or an offset: every time shown is wall-clock time in ``LMS_TIMEZONE``.
Machines get ``iso`` (ISO 8601 with the zone's offset, to the second): the API and
``<time datetime>``.

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


# The one set of formats. A date and time: weekday included, 24-hour clock (every
# session start, deadline and log entry; the catalogue's cards too).
WHEN_PATTERNS = {"nb": "EEEE d. MMMM y 'kl.' HH:mm", "en": "EEEE d MMMM y, HH:mm"}
# A day without its time.
DATE_PATTERNS = {"nb": "d. MMMM y", "en": "d MMMM y"}
# A time of day (the end of a session on its first day).
TIME_PATTERN = "HH:mm"

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
    return lambda value: value.astimezone(zone).isoformat(timespec="seconds") if value else ""


def _locale_key() -> str:
    return "nb" if str(get_locale() or "nb").startswith("nb") else "en"


def format_when(value: datetime | None) -> str:
    """A date and time, e.g. "tirsdag 22. desember 2026 kl. 09:00" / "Tuesday 22
    December 2026, 09:00"; "" for None."""
    return datetime_formatter(WHEN_PATTERNS[_locale_key()])(value)


def format_date(value: date | datetime | None) -> str:
    """A day, e.g. "22. desember 2026" / "22 December 2026"; a moment's local day."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(12), tzinfo=get_timezone())
    return datetime_formatter(DATE_PATTERNS[_locale_key()])(value)


def format_time(value: datetime | None) -> str:
    """A time of day in the LMS zone, e.g. "09:00"."""
    return datetime_formatter(TIME_PATTERN)(value)


def format_time_range(start: datetime | None, end: datetime | None) -> str:
    """From a start to an end: "… kl. 09:00–12:00" on one day, else both in full."""
    if start is None:
        return ""
    if end is None:
        return format_when(start)
    zone = get_timezone()
    if start.astimezone(zone).date() == end.astimezone(zone).date():
        return f"{format_when(start)}–{format_time(end)}"
    return f"{format_when(start)} – {format_when(end)}"


def format_date_range(start: date | datetime | None, end: date | datetime | None) -> str:
    """From a day to a day: one day once, else "22. desember 2026 – 3. januar 2027"."""
    first, last = format_date(start), format_date(end)
    if not first or not last or first == last:
        return first or last
    return f"{first} – {last}"


def iso(value: datetime | None, zone: ZoneInfo | None = None) -> str | None:
    """ISO 8601 in the LMS zone with its offset, to the second ("2026-12-22T09:00:00+01:00"):
    every timestamp the API gives; None stays None."""
    if value is None:
        return None
    return value.astimezone(zone or local_zone()).isoformat(timespec="seconds")
