"""A network's recurrence rule: read and checked part by part, built from words, said in
words, and turned into dates.

The rule is an RFC 5545 RRULE body (``FREQ=MONTHLY;BYDAY=2TU``) without DTSTART, UNTIL
or COUNT: the first date and the number of meetings are chosen each time meetings are
planned. ``check_rule`` reads every part itself before dateutil sees it, because
dateutil accepts rules it cannot iterate (``BYDAY=9TU`` raises ``IndexError`` only when
the dates are asked for); a rule that passes yields dates without raising, and
``occurrences`` still turns any failure into ``RuleError`` so a rule stored before
these checks cannot reach a 500 either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.events.services import EventError

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A rule is searched this far ahead; one that never matches (30 February) ends here.
HORIZON = timedelta(days=3660)
# The parts the LMS reads, each with the range of its numbers (None: not a number list).
NUMBER_PARTS = {
    "BYMONTHDAY": (1, 31),
    "BYMONTH": (1, 12),
    "BYSETPOS": (1, 366),
    "BYWEEKNO": (1, 53),
    "BYYEARDAY": (1, 366),
}
SIGNED = {"BYMONTHDAY", "BYSETPOS", "BYWEEKNO", "BYYEARDAY"}
DAY_RE = re.compile(r"^([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


class RuleError(EventError):
    """A recurrence rule refused; ``message`` says what is wrong, for the form."""

    def __init__(self, message) -> None:
        super().__init__("bad_rule")
        self.message = message


def _fail(message) -> None:
    raise RuleError(message)


def check_rule(rule: str) -> str:
    """The rule, upper-cased and trimmed, once every part is known and in range and it
    yields at least one date; raises ``RuleError`` saying what is wrong otherwise."""
    rule = (rule or "").strip().upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    if not rule:
        _fail(_l("Give a recurrence rule, for example FREQ=MONTHLY;BYDAY=2TU."))
    if not rule.isascii() or any(ch.isspace() for ch in rule):
        _fail(_l("The rule may not hold spaces or line breaks."))
    parts: dict[str, str] = {}
    for piece in rule.strip(";").split(";"):
        name, sep, value = piece.partition("=")
        if not sep or not name or not value:
            _fail(_l("Each part of the rule is NAME=VALUE, separated by semicolons."))
        if name in parts:
            _fail(_l("%(part)s is given twice.", part=name))
        parts[name] = value
    freq = parts.pop("FREQ", None)
    if freq not in FREQUENCIES:
        _fail(_l("The rule must start with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."))
    for name, value in parts.items():
        _check_part(freq, name, value)
    normal = ";".join([f"FREQ={freq}", *(f"{k}={v}" for k, v in parts.items())])
    try:
        first = next(iter(_recurrence(normal, datetime(2026, 1, 1, 9))), None)
    except Exception:  # whatever dateutil raises, the rule is refused
        raise RuleError(_l("The rule cannot be read.")) from None
    if first is None:
        _fail(_l("The rule gives no date in the next ten years."))
    return normal


def _check_part(freq: str, name: str, value: str) -> None:
    if name in ("DTSTART", "UNTIL", "COUNT"):
        _fail(
            _l(
                "Leave out %(part)s: the first date and the number of meetings are chosen"
                " when meetings are planned.",
                part=name,
            )
        )
    if name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        _fail(_l("Leave out %(part)s: the start time is set with the meetings.", part=name))
    if name == "INTERVAL":
        if not value.isdigit() or not 1 <= int(value) <= 99:
            _fail(_l("INTERVAL must be a whole number from 1 to 99."))
    elif name == "WKST":
        if value not in WEEKDAYS:
            _fail(_l("WKST must be one of MO, TU, WE, TH, FR, SA, SU."))
    elif name == "BYDAY":
        for item in value.split(","):
            _check_day(freq, item)
    elif name in NUMBER_PARTS:
        low, high = NUMBER_PARTS[name]
        for item in value.split(","):
            sign_ok = item[:1] != "-" or name in SIGNED
            digits = item.lstrip("+-") if item[:1] in "+-" else item
            if not sign_ok or not digits.isdigit() or not low <= int(digits) <= high:
                _fail(
                    _l(
                        "%(part)s takes numbers from %(low)s to %(high)s.",
                        part=name,
                        low=low,
                        high=high,
                    )
                )
        if name == "BYWEEKNO" and freq != "YEARLY":
            _fail(_l("BYWEEKNO works only with FREQ=YEARLY."))
        if name == "BYMONTHDAY" and freq == "WEEKLY":
            _fail(_l("BYMONTHDAY does not work with FREQ=WEEKLY."))
    else:
        _fail(_l("%(part)s is not a part the rule can have.", part=name))


def _check_day(freq: str, item: str) -> None:
    match = DAY_RE.match(item)
    if match is None:
        _fail(_l("BYDAY takes weekdays (MO, TU, WE, TH, FR, SA, SU), e.g. 2TU or -1FR."))
    sign, number, _day = match.groups()
    if number is None:
        if sign:
            _fail(_l("BYDAY takes weekdays (MO, TU, WE, TH, FR, SA, SU), e.g. 2TU or -1FR."))
        return
    if freq not in ("MONTHLY", "YEARLY"):
        _fail(_l("A number before a weekday (2TU) works only with FREQ=MONTHLY or YEARLY."))
    high = 5 if freq == "MONTHLY" else 53
    if not 1 <= int(number) <= high:
        _fail(
            _l(
                "In BYDAY the number before a weekday goes from 1 to %(high)s"
                " (or -1 for the last).",
                high=high,
            )
        )


def _recurrence(rule: str, first: datetime):
    return rrulestr(rule, dtstart=first).replace(until=first + HORIZON)


def occurrences(rule: str, after: date, start: time, count: int) -> list[datetime]:
    """The next ``count`` wall-clock starts (naive, LMS zone) on or after ``after``;
    ``RuleError`` for a rule that cannot give them, never anything else."""
    rule = check_rule(rule)
    first = datetime.combine(after, start)
    found = []
    try:
        for local in _recurrence(rule, first):
            found.append(local)
            if len(found) >= count:
                break
    except Exception:  # a rule stored before the checks existed
        _fail(_l("The rule cannot be read."))
    return found


# --- the picker: a rule in words -----------------------------------------------------------

ORDINALS = {1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"), -1: _l("last")}
DAY_NAMES = {
    "MO": _l("Monday"),
    "TU": _l("Tuesday"),
    "WE": _l("Wednesday"),
    "TH": _l("Thursday"),
    "FR": _l("Friday"),
    "SA": _l("Saturday"),
    "SU": _l("Sunday"),
}


@dataclass(frozen=True)
class Pattern:
    """What the picker says: ``monthly`` on the ``ordinal`` weekday every ``interval``
    months, or ``weekly`` on a weekday every ``interval`` weeks."""

    frequency: str  # "weekly" or "monthly"
    weekday: str  # "MO" .. "SU"
    interval: int = 1
    ordinal: int = 1  # monthly only: 1-4, or -1 for the last

    def rule(self) -> str:
        parts = ["FREQ=MONTHLY" if self.frequency == "monthly" else "FREQ=WEEKLY"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        day = f"{self.ordinal}{self.weekday}" if self.frequency == "monthly" else self.weekday
        parts.append(f"BYDAY={day}")
        return ";".join(parts)


PATTERN_RE = re.compile(
    r"^FREQ=(WEEKLY|MONTHLY)(?:;INTERVAL=([1-9]\d?))?;BYDAY=(-1|[1-4])?(MO|TU|WE|TH|FR|SA|SU)$"
)


def pattern_of(rule: str) -> Pattern | None:
    """The picker's reading of ``rule``, or None when only the raw rule can say it."""
    match = PATTERN_RE.match((rule or "").strip().upper())
    if match is None:
        return None
    freq, interval, ordinal, weekday = match.groups()
    if (freq == "MONTHLY") != (ordinal is not None):
        return None
    return Pattern(
        frequency=freq.lower(),
        weekday=weekday,
        interval=int(interval or 1),
        ordinal=int(ordinal or 1),
    )


def describe(rule: str) -> str:
    """The rule in words ("the second Tuesday of every month"); the raw rule when the
    picker cannot say it."""
    pattern = pattern_of(rule)
    if pattern is None:
        return rule
    day = DAY_NAMES[pattern.weekday]
    if pattern.frequency == "weekly":
        if pattern.interval == 1:
            return _("every %(day)s", day=day)
        if pattern.interval == 2:
            return _("every other %(day)s", day=day)
        return ngettext(
            "every %(num)s week on %(day)s",
            "every %(num)s weeks on %(day)s",
            pattern.interval,
            day=day,
        )
    ordinal = ORDINALS[pattern.ordinal]
    if pattern.interval == 1:
        return _("the %(ordinal)s %(day)s of every month", ordinal=ordinal, day=day)
    if pattern.interval == 2:
        return _("the %(ordinal)s %(day)s of every other month", ordinal=ordinal, day=day)
    return ngettext(
        "the %(ordinal)s %(day)s every %(num)s month",
        "the %(ordinal)s %(day)s every %(num)s months",
        pattern.interval,
        ordinal=ordinal,
        day=day,
    )
