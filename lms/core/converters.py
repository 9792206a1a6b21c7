"""URL converters for database ids.

A plain ``<int:…>`` matches any number of digits, and an id beyond the
database's integer range makes the driver fail (PostgreSQL: "integer out of
range"; SQLite: OverflowError): a 500 for a mistyped address. ``<lms_id:…>``
matches only ids a row could have, so anything else is an ordinary 404.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest value of an SQL INTEGER primary key


class IdConverter(IntegerConverter):
    """A positive id that fits an SQL INTEGER column."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
