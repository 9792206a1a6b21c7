"""The page number of a paged list, read the same way on every list."""

from __future__ import annotations

from flask import request

MAX_PAGE = 100_000


def page_number() -> int:
    """The ``page`` argument, kept within 1 and ``MAX_PAGE`` (junk reads as page 1)."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
