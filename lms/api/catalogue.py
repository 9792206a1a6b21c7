"""``GET /api/v1/events``: published offerings, filtered, ordered and paginated in SQL.

A page costs one query whatever the number of offerings: the page with each
offering's first start, last end and seat counts and the number of matches (no ORM
objects, no sessions loaded). The response carries the page's metadata and the
neighbouring pages' URLs, in the body and in a ``Link`` header (RFC 8288).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import current_app, request, url_for
from flask_login import current_user
from sqlalchemy import Integer, String, bindparam, case, func, select

from lms.api.views import bp
from lms.core.errors import api_error
from lms.core.templating import id_url_maker
from lms.events.models import KINDS, THEMES, Offering, OfferingSession, registration_window_open
from lms.events.services import networks_seen_by
from lms.registrations.catalogue import run_page
from lms.registrations.seats import seat_totals
from lms.registrations.statuses import HOLDS_SEAT
from lms.timeutil import utcnow

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
_NUMBER = re.compile(r"[0-9]{1,7}")
KEPT_ARGS = ("kind", "theme", "from", "to", "per_page")  # in the other pages' URLs
LIST_COLUMNS = (
    "id", "kind", "status", "title", "summary", "themes", "venue", "room", "address",
    "online_url", "capacity", "registration_opens_at", "registration_closes_at",
    "members_only", "network_id",
)  # fmt: skip


@dataclass(frozen=True)
class Listed:
    """What a catalogue entry shows, from a row or from an ORM offering."""

    id: int
    kind: str
    status: str
    title: str
    summary: str
    themes: list[str]
    venue: str
    room: str
    address: str
    online_url: str
    capacity: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    members_only: bool  # the fields up to here in LIST_COLUMNS's order: rows fill them
    network_id: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    confirmed: int
    waitlisted: int
    held: int

    @classmethod
    def of(cls, offering: Offering, by_status: dict[str, int]) -> Listed:
        values = {name: getattr(offering, name) for name in LIST_COLUMNS}
        return cls(
            **values,
            starts_at=offering.starts_at,
            ends_at=offering.ends_at,
            confirmed=by_status.get("confirmed", 0),
            waitlisted=by_status.get("waitlisted", 0),
            held=sum(by_status.get(s, 0) for s in HOLDS_SEAT),
        )

    def registration_is_open(self, now: datetime) -> bool:
        return registration_window_open(
            self.status,
            self.registration_opens_at,
            self.registration_closes_at,
            self.starts_at,
            now,
        )


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LMS_TIMEZONE"])


def iso(value: datetime | None, tz: ZoneInfo | None = None) -> str | None:
    return value.astimezone(tz or zone()).isoformat() if value is not None else None


def summary_maker(viewer, items: list[Listed]):
    """``Listed -> dict``: the API's entry for an offering; the zone, the URL patterns and
    the clock are looked up once per response, not once per offering. A members-only
    meeting's online link is left out for ``viewer`` unless they are in its network."""
    tz, tz_name, now = zone(), current_app.config["LMS_TIMEZONE"], utcnow()
    detail_url = id_url_maker("lms_events.detail", external=True)
    ics_url = id_url_maker("lms_calendar.offering_ics", external=True)
    networks = {item.network_id for item in items if item.members_only and item.online_url}
    members_of = networks_seen_by(viewer, networks)

    def online_url(item: Listed) -> str | None:
        hidden = item.members_only and item.network_id not in members_of
        return None if hidden or not item.online_url else item.online_url

    def summary(item: Listed) -> dict:
        return {
            "id": item.id,
            "kind": item.kind,
            "status": item.status,
            "title": item.title,
            "summary": item.summary,
            "themes": list(item.themes or []),
            "starts_at": iso(item.starts_at, tz),
            "ends_at": iso(item.ends_at, tz),
            "timezone": tz_name,
            "location": ", ".join(p for p in (item.venue, item.room, item.address) if p),
            "online_url": online_url(item),
            "capacity": item.capacity,
            "confirmed_count": item.confirmed,
            "waitlist_count": item.waitlisted,
            "seats_left": max(item.capacity - item.held, 0),
            "registration_open": item.registration_is_open(now),
            "url": detail_url(item.id),
            "ics_url": ics_url(item.id),
        }

    return summary


# --- the query ---------------------------------------------------------------------------


def _session_bounds():
    """Each offering's first start and last end over the sessions that are not cancelled,
    or over all of them when every one is (``Offering.starts_at``/``ends_at``), aggregated
    once over the sessions (an offering without sessions has no row)."""

    def over_active_else_all(aggregate, column):
        active = aggregate(case((OfferingSession.status != "cancelled", column)))
        return func.coalesce(active, aggregate(column))

    return (
        select(
            OfferingSession.offering_id,
            over_active_else_all(func.min, OfferingSession.starts_at).label("starts_at"),
            over_active_else_all(func.max, OfferingSession.ends_at).label("ends_at"),
        )
        .group_by(OfferingSession.offering_id)
        .subquery("bounds")
    )


@lru_cache(maxsize=32)
def _statements(kind: bool, theme: bool, after: bool, before: bool):
    """``(count, page)`` statements for one combination of filters, built once (building
    them took about as long as running them); every value is a bound parameter.

    The page's offerings are picked first (a CTE with the order and the limit); their
    registrations are then counted once, for those offerings only.
    """
    when = OfferingSession.starts_at.type
    bounds = _session_bounds()
    conditions = [Offering.status == "published"]
    if kind:
        conditions.append(Offering.kind == bindparam("kind"))
    if theme:
        conditions.append(Offering.themes.cast(String).like(bindparam("theme")))
    if after:
        conditions.append(bounds.c.ends_at >= bindparam("after", type_=when))
    if before:
        conditions.append(bounds.c.starts_at < bindparam("before", type_=when))
    with_bounds = (
        select().select_from(Offering).outerjoin(bounds, bounds.c.offering_id == Offering.id)
    )
    count = (
        (with_bounds if (after or before) else select().select_from(Offering))
        .with_only_columns(func.count())
        .where(*conditions)
    )
    page = (
        with_bounds.with_only_columns(
            Offering.id,
            bounds.c.starts_at,
            bounds.c.ends_at,
            func.count().over().label("total"),  # all matches: no count query a page
        )
        .where(*conditions)
        # Soonest first, then the offerings without sessions.
        .order_by(bounds.c.starts_at.asc().nulls_last(), Offering.id)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .cte("page")
    )
    seats = seat_totals(select(page.c.id))
    rows = (
        select(
            *(getattr(Offering, name) for name in LIST_COLUMNS),
            page.c.starts_at,
            page.c.ends_at,
            func.coalesce(seats.c.confirmed, 0),
            func.coalesce(seats.c.waitlisted, 0),
            func.coalesce(seats.c.held, 0),
            page.c.total,
        )
        .select_from(page)
        .join(Offering, Offering.id == page.c.id)
        .outerjoin(seats, seats.c.offering_id == Offering.id)
        .order_by(page.c.starts_at.asc().nulls_last(), page.c.id)
    )
    return count, rows


def listing(kind, theme, after, before, page: int, per_page: int) -> tuple[int, list[Listed]]:
    """``(total, the page's entries)``: published offerings, soonest first, then those
    without sessions, in one query (a count apart only past the last page)."""
    count, page_query = _statements(bool(kind), bool(theme), after is not None, before is not None)
    # The themes are a JSON list of fixed words: a quoted match is exact on both databases.
    params = {"kind": kind, "theme": f'%"{theme}"%', "after": after, "before": before}
    total, rows = run_page(page_query, count, params, page, per_page)
    return total, [Listed(*row) for row in rows]


# --- the view ----------------------------------------------------------------------------


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
    return datetime.combine(day, time.min, tzinfo=zone())


def _number(name: str, default: int, highest: int) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    if not _NUMBER.fullmatch(value) or not 1 <= int(value) <= highest:
        raise BadParameter(f"'{name}' must be a whole number from 1 to {highest}.")
    return int(value)


def _parameters() -> dict:
    args = request.args
    kind, theme = args.get("kind"), args.get("theme")
    if kind is not None and kind not in KINDS:
        raise BadParameter(f"'kind' must be one of {', '.join(KINDS)}.")
    if theme is not None and theme not in THEMES:
        raise BadParameter(f"'theme' must be one of {', '.join(THEMES)}.")
    after = _day_start(args["from"], "from") if "from" in args else None
    before = _day_start(args["to"], "to") + timedelta(days=1) if "to" in args else None
    return {
        "kind": kind,
        "theme": theme,
        "after": after,
        "before": before,
        "page": _number("page", 1, MAX_PAGE),
        "per_page": _number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
    }


def _page_url(number: int) -> str:
    """This listing's URL (its filters and page size kept) at page ``number``."""
    args = {name: request.args[name] for name in KEPT_ARGS if name in request.args}
    return url_for("lms_api.events", _external=True) + "?" + urlencode({**args, "page": number})


@bp.get("/events")
def events():
    """Published offerings, soonest first; filters: kind, theme, from, to (ISO dates);
    ``page`` and ``per_page`` (default 50, at most 100)."""
    try:
        params = _parameters()
    except BadParameter as error:
        return api_error(400, str(error), "invalid_parameter")
    page, per_page = params["page"], params["per_page"]
    total, items = listing(**params)
    pages = -(-total // per_page)
    links = {
        "first": _page_url(1),
        "prev": _page_url(min(page - 1, pages)) if page > 1 and pages else None,
        "next": _page_url(page + 1) if page < pages else None,
        "last": _page_url(max(pages, 1)),
    }
    summary = summary_maker(current_user, items)
    body = {
        "events": [summary(item) for item in items],
        "pagination": {
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": pages,
            "next": links["next"],
            "prev": links["prev"],
        },
    }
    header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    return body, 200, {"Link": header}
