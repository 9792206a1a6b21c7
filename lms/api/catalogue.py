"""``GET /api/v1/events``: published offerings, filtered, ordered and paginated in SQL.

A page costs two queries whatever the number of offerings: the count, and the page
with each offering's first start, last end and seat counts as correlated subqueries
(no ORM objects, no sessions loaded). The response carries the page's metadata and the
neighbouring pages' URLs, in the body and in a ``Link`` header (RFC 8288).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import SimpleNamespace
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import current_app, request, url_for
from sqlalchemy import Integer, String, bindparam, func, select

from lms.api.views import bp
from lms.core.errors import api_error
from lms.core.templating import id_url_maker
from lms.events.models import KINDS, THEMES, Offering, Session
from lms.extensions import db
from lms.registrations.models import HOLDS_SEAT, Registration
from lms.timeutil import utcnow

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
_NUMBER = re.compile(r"[0-9]{1,7}")
KEPT_ARGS = ("kind", "theme", "from", "to", "per_page")  # in the other pages' URLs
LIST_COLUMNS = (
    "id", "kind", "status", "title", "summary", "themes", "venue", "room", "address",
    "online_url", "capacity", "registration_opens_at", "registration_closes_at",
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
        # The model's own rule, on these values (it reads only the fields named here).
        fields = ("status", "registration_opens_at", "registration_closes_at", "starts_at")
        return Offering.registration_is_open(
            SimpleNamespace(**{name: getattr(self, name) for name in fields}), now
        )


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LMS_TIMEZONE"])


def iso(value: datetime | None, tz: ZoneInfo | None = None) -> str | None:
    return value.astimezone(tz or zone()).isoformat() if value is not None else None


def summary_maker():
    """``Listed -> dict``: the API's entry for an offering; the zone, the URL patterns and
    the clock are looked up once per response, not once per offering."""
    tz, tz_name, now = zone(), current_app.config["LMS_TIMEZONE"], utcnow()
    detail_url = id_url_maker("lms_events.detail", external=True)
    ics_url = id_url_maker("lms_calendar.offering_ics", external=True)

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
            "online_url": item.online_url or None,
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


def _count(model, *conditions):
    return select(func.count()).select_from(model).where(*conditions).scalar_subquery()


def _session_bound(aggregate, column):
    """The offering's first start (``min``) or last end (``max``) over the sessions that
    are not cancelled, or over all of them when every one is: ``Offering.starts_at``."""
    of_offering = Session.offering_id == Offering.id
    active = select(aggregate(column)).where(of_offering, Session.status != "cancelled")
    every = select(aggregate(column)).where(of_offering)
    return func.coalesce(active.scalar_subquery(), every.scalar_subquery())


@lru_cache(maxsize=32)
def _statements(kind: bool, theme: bool, after: bool, before: bool):
    """``(count, page)`` statements for one combination of filters, built once (building
    them took about as long as running them); every value is a bound parameter."""
    when = Session.starts_at.type
    starts_at = _session_bound(func.min, Session.starts_at)
    ends_at = _session_bound(func.max, Session.ends_at)
    conditions = [Offering.status == "published"]
    if kind:
        conditions.append(Offering.kind == bindparam("kind"))
    if theme:
        conditions.append(Offering.themes.cast(String).like(bindparam("theme")))
    if after:
        conditions.append(ends_at >= bindparam("after", type_=when))
    if before:
        conditions.append(starts_at < bindparam("before", type_=when))
    count = select(func.count()).select_from(Offering).where(*conditions)
    of_offering = Registration.offering_id == Offering.id
    first_start = starts_at.label("first_start")
    page = (
        select(
            *(getattr(Offering, name) for name in LIST_COLUMNS),
            first_start,
            ends_at,
            _count(Registration, of_offering, Registration.status == "confirmed"),
            _count(Registration, of_offering, Registration.status == "waitlisted"),
            _count(Registration, of_offering, Registration.status.in_(HOLDS_SEAT)),
        )
        .where(*conditions)
        # Soonest first, then the offerings without sessions (by the label: computed once).
        .order_by(first_start.asc().nulls_last(), Offering.id)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )
    return count, page


def listing(kind, theme, after, before, page: int, per_page: int) -> tuple[int, list[Listed]]:
    """``(total, the page's entries)``: published offerings, soonest first, then those
    without sessions, in two queries."""
    count, page_query = _statements(bool(kind), bool(theme), after is not None, before is not None)
    # The themes are a JSON list of fixed words: a quoted match is exact on both databases.
    params = {"kind": kind, "theme": f'%"{theme}"%', "after": after, "before": before}
    connection = db.session.connection()
    total = connection.execute(count, params).scalar_one()
    offset = (page - 1) * per_page
    if offset >= total:
        return total, []
    rows = connection.execute(page_query, {**params, "limit": per_page, "offset": offset})
    return total, [Listed(*row) for row in rows]


# --- the view ----------------------------------------------------------------------------


class BadParameter(ValueError):
    """A query parameter the API refuses (a 400 with ``invalid_parameter``)."""


def _day_start(value: str, name: str) -> datetime:
    """The start of an ISO date in the LMS time zone."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadParameter(f"'{name}' must be an ISO date (YYYY-MM-DD).") from None
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
    try:
        after = _day_start(args["from"], "from") if "from" in args else None
        before = _day_start(args["to"], "to") + timedelta(days=1) if "to" in args else None
    except OverflowError:
        raise BadParameter("'to' is too far in the future.") from None
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
    summary = summary_maker()
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
