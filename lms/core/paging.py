"""The page number of a paged list, read the same way on every list."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

MAX_PAGE = 100_000


def page_number() -> int:
    """The ``page`` argument, kept within 1 and ``MAX_PAGE`` (junk reads as page 1)."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


@dataclass(frozen=True)
class Page:
    """One page of a list built by hand (not by ``db.paginate``), with what the pager
    macro (``templates/lms/_pagination.html``) reads, under Flask-SQLAlchemy's names."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page) if self.total else 0

    @property
    def beyond_last(self) -> bool:
        """A page past the last one (page 1 always exists, even when nothing matches)."""
        return self.page > max(self.pages, 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None
