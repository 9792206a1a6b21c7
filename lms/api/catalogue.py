"""``GET /api/v1/events``: the catalogue, filtered and paginated, for anyone who asks.

Which offerings are listed, in what order, their first start and their seat counts are
the events area's catalogue (``events.services.catalogue_rows``): published offerings
with a session still to come, soonest first, network meetings only when asked for by
kind (or ``kind=all``). A page is one query. The response carries the page's metadata and
the neighbouring pages' URLs, in the body and in a ``Link`` header (RFC 8288).

The body of a page is memoised on every value it prints (the address asked for, the
zone, the number found and each row as read, with what the clock and the viewer make
of it: open or not, link shown or not), as ``lms/core/fragments.py`` does for the
HTML catalogue: a changed value is a new key, never a stale page. The query still runs
on every request, so seats are as fresh as without the cache; the cache saves building,
encoding and hashing the body, which was most of what a page cost.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from flask import current_app, request
from flask_login import current_user

from lms.api.blueprint import body_etag, bp, cacheable, json_bytes, public
from lms.api.serialise import ROW_EXTRA, Listed, Summaries, driver_moment, is_open, shown_links
from lms.api.serialise import zone as lms_zone
from lms.core.errors import api_error
from lms.core.fragments import MemoCache, fragment_cache
from lms.core.paging import Page
from lms.core.urls import base_url, external_url
from lms.events.models import KINDS, THEMES
from lms.registrations.catalogue import (
    ALL_KINDS,
    CatalogueFilters,
    catalogue_rows,
    converted,
    parse_month,
)
from lms.timeutil import utcnow

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
_NUMBER = re.compile(r"[0-9]{1,7}")
KEPT_ARGS = ("kind", "theme", "month", "q", "from", "to", "per_page")  # in other pages' URLs
PAGE_CACHE_SIZE = 256  # pages per worker, about 30 kB each at 50 a page


class BadParameter(ValueError):
    """A query parameter the API refuses (a 400 with ``invalid_parameter``)."""


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


def _day_start(value: str, name: str) -> datetime:
    """The start of an ISO date in the LMS time zone."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadParameter(f"'{name}' must be an ISO date (YYYY-MM-DD).") from None
    if not FIRST_DAY <= day <= LAST_DAY:  # beyond these, UTC falls off the calendar
        raise BadParameter(f"'{name}' must be a date from {FIRST_DAY} to {LAST_DAY}.")
    return datetime.combine(day, time.min, tzinfo=lms_zone())


def _number(name: str, default: int, highest: int) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    if not _NUMBER.fullmatch(value) or not 1 <= int(value) <= highest:
        raise BadParameter(f"'{name}' must be a whole number from 1 to {highest}.")
    return int(value)


def _parameters() -> tuple[CatalogueFilters, int, int]:
    """``(filters, page, per_page)`` from the query string; ``BadParameter`` says what
    is wrong. ``from``/``to`` keep offerings with a session to come in those days."""
    args = request.args
    kind, theme, month = args.get("kind"), args.get("theme"), args.get("month")
    if kind is not None and kind not in (*KINDS, ALL_KINDS):
        raise BadParameter(f"'kind' must be one of {', '.join((*KINDS, ALL_KINDS))}.")
    if theme is not None and theme not in THEMES:
        raise BadParameter(f"'theme' must be one of {', '.join(THEMES)}.")
    if month is not None and parse_month(month) is None:
        raise BadParameter("'month' must be a year and a month (YYYY-MM).")
    after = _day_start(args["from"], "from") if "from" in args else None
    before = _day_start(args["to"], "to") + timedelta(days=1) if "to" in args else None
    filters = CatalogueFilters(
        kind=kind or "",
        theme=theme or "",
        month=month or "",
        q=args.get("q", "").strip()[:100],
        after=after,
        before=before,
    )
    per_page = _number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    return filters, _number("page", 1, MAX_PAGE), per_page


def _hashable(value):
    """A driver value as a cache key may hold it: a JSON list (PostgreSQL's driver
    decodes JSON itself) as a tuple; everything else is already hashable."""
    return tuple(value) if isinstance(value, list) else value


def _page_url(number: int) -> str:
    """This listing's URL (its filters and page size kept) at page ``number``."""
    args = {name: request.args[name] for name in KEPT_ARGS if name in request.args}
    return external_url("lms_api.events") + "?" + urlencode({**args, "page": number})


def _render(items, shown, now, total: int, page: int, per_page: int) -> tuple[bytes, str, str]:
    """``(body, etag, Link header)`` of one page: ``shown`` is each item's link as the
    viewer sees it, ``now`` decides which are open."""
    pages = -(-total // per_page)
    links = {
        "first": _page_url(1),
        "prev": _page_url(min(page - 1, pages)) if page > 1 and pages else None,
        "next": _page_url(page + 1) if page < pages else None,
        "last": _page_url(max(pages, 1)),
    }
    summaries = Summaries()
    body = {
        "events": [
            summaries.summary(item, link, item.registration_is_open(now))
            for item, link in zip(items, shown, strict=True)
        ],
        "pagination": {
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": pages,
            "next": links["next"],
            "prev": links["prev"],
        },
    }
    data = json_bytes(body)
    header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    return data, body_etag(data), header


@bp.get("/events")
@public
def events():
    """Offerings as the catalogue lists them; filters: kind (seminars and courses when
    not given, ``all`` for network meetings too), theme, month (YYYY-MM), q (words in
    any order, each found in the texts, the place or the speakers), from, to (ISO
    dates); ``page`` and ``per_page`` (default 50, at most 100). A filter that means
    nothing is a 400; a page past the last (page 1 always exists) a 404."""
    try:
        filters, page, per_page = _parameters()
    except BadParameter as error:
        return api_error(400, str(error), "invalid_parameter")
    # The key is every value the page prints, read as the driver returns it (no column
    # converted); the rows are converted, made into entries and the body built, encoded
    # and hashed only for a new key.
    now = utcnow()
    total, raw = catalogue_rows(filters, page, per_page, now, extra=ROW_EXTRA, raw=True)
    paging = Page([], page, per_page, total)  # the HTML catalogue's rule
    if paging.beyond_last:
        last = max(paging.pages, 1)
        message = f"There is no page {page}: the listing has {last} page{'s' if last > 1 else ''}."
        return api_error(404, message, "page_out_of_range")
    shown = shown_links(current_user, raw)
    key = (
        base_url(), request.path, request.query_string,
        current_app.config["LMS_TIMEZONE"],
        total,
        *((tuple(map(_hashable, row)), link, is_open(row, now, moment=driver_moment))
          for row, link in zip(raw, shown, strict=True)),
    )  # fmt: skip

    def render():
        rows = converted(raw, filters, ROW_EXTRA)
        return _render([Listed(*row) for row in rows], shown, now, total, page, per_page)

    pages = fragment_cache("api_event_pages", PAGE_CACHE_SIZE, kind=MemoCache)
    body, etag, link_header = pages.get(key, render)
    response = cacheable(body, etag)
    response.headers["Link"] = link_header
    return response
