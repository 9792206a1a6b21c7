"""The public catalogue: published offerings still to come, filtered, a page at a time,
each card with its first start and seat counts.

It lives in the registrations area because every card counts seats; the events area
decides which offerings exist and who may see them. The catalogue runs one query a page
whatever the number of offerings (``catalogue_page``); the API's listing builds on the
same statements.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import Integer, String, and_, bindparam, exists, func, or_, select, type_coerce
from sqlalchemy.types import NullType

from lms.core.dates import to_utc
from lms.events.models import KINDS, THEMES, Offering, OfferingSession
from lms.extensions import db
from lms.registrations.seats import held_count_of, seat_totals, seats_left_of
from lms.timeutil import utcnow


@dataclass(frozen=True)
class CatalogueFilters:
    kind: str = ""
    theme: str = ""
    month: str = ""  # YYYY-MM
    mode: str = ""  # in_person | online
    seats_left: bool = False
    q: str = ""
    # The API's day range (aware datetimes, never read from the page's query string): a
    # session to come that ends on or after ``after`` and starts before ``before``.
    after: datetime | None = None
    before: datetime | None = None

    @classmethod
    def from_args(cls, args) -> CatalogueFilters:
        """Read filters from a query string; anything unknown is ignored, never an error."""
        kind = args.get("kind", "")
        theme = args.get("theme", "")
        month = args.get("month", "")
        mode = args.get("mode", "")
        return cls(
            kind=kind if kind in KINDS else "",
            theme=theme if theme in THEMES else "",
            month=month if parse_month(month) else "",
            mode=mode if mode in ("in_person", "online") else "",
            seats_left=args.get("seats_left", "") in ("1", "y", "on", "true"),
            q=args.get("q", "").strip()[:100],
        )

    def shape(self) -> tuple:
        """Which filters are set (and the mode): what the SQL statement depends on."""
        return (bool(self.kind), bool(self.theme), bool(self.month), self.mode,
                self.seats_left, bool(self.q), self.after is not None,
                self.before is not None)  # fmt: skip

    def as_args(self) -> dict:
        args = {k: v for k, v in self.__dict__.items() if v and k != "seats_left"}
        if self.seats_left:
            args["seats_left"] = "1"
        return args


def parse_month(value: str) -> tuple[int, int] | None:
    try:
        year, month = (int(part) for part in value.split("-"))
    except ValueError:
        return None
    if len(value) != 7 or not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year, month


def run_page(page_statement, count_statement, params: dict, page: int, per_page: int):
    """``(total, rows)`` of one page, from a statement whose last column is a window
    count of all matches; the count statement runs only past the last page."""
    connection = db.session.connection()
    offset = (page - 1) * per_page
    rows = connection.execute(page_statement, {**params, "limit": per_page, "offset": offset}).all()
    if not rows:
        return (connection.execute(count_statement, params).scalar_one() if offset else 0), []
    return rows[0][-1], [row[:-1] for row in rows]


CARD_COLUMNS = (
    "id", "kind", "title", "summary", "themes", "venue", "room", "address", "online_url",
    "capacity",
)  # fmt: skip


def catalogue_statement(filters: CatalogueFilters, now: datetime | None = None):
    """Published offerings with a session still to come, soonest first, filtered."""
    return _statements(filters.shape())[0].params(_catalogue_params(filters, now))


def _catalogue_params(filters: CatalogueFilters, now: datetime | None) -> dict:
    """The values for the bound parameters of the filters' statements."""
    params = {"now": now or utcnow(), "kind": filters.kind or "network_meeting"}
    if filters.theme:
        # The themes are a JSON list of fixed words: a quoted match is exact on both databases.
        params["theme"] = f'%"{filters.theme}"%'
    if filters.month:
        year, month = parse_month(filters.month)
        last_day = calendar.monthrange(year, month)[1]
        params["month_first"] = to_utc(date(year, month, 1), time())
        params["month_after"] = to_utc(date(year, month, last_day) + timedelta(days=1), time())
    if filters.q:
        escaped = filters.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["q"] = f"%{escaped}%"
    if filters.after is not None:
        params["after"] = filters.after
    if filters.before is not None:
        params["before"] = filters.before
    return params


@lru_cache(maxsize=128)
def _statements(shape: tuple, extra: tuple[str, ...] = ()):
    """``(offerings, count, cards)`` statements for one shape of filters, built once;
    the cards carry the ``extra`` columns too (``_cards_statement``).

    Every value is a bound parameter (``_catalogue_params``), so the few shapes the
    filters can take are all the statements there are. Building one took about as long
    as running it.
    """
    kind, theme, month, mode, seats_left, q, after, before = shape
    when = OfferingSession.ends_at.type
    upcoming = and_(
        OfferingSession.status == "scheduled",
        OfferingSession.ends_at >= bindparam("now", type_=when),
    )
    # Each offering's next start, aggregated once over the sessions and joined: it both
    # keeps the offerings with a session to come and orders them. (As a correlated
    # subquery it ran once per candidate offering, twice: to filter and to sort.)
    next_starts = (
        select(OfferingSession.offering_id, func.min(OfferingSession.starts_at).label("next_start"))
        .where(upcoming)
        .group_by(OfferingSession.offering_id)
        .subquery("next_starts")
    )
    statement = (
        select(Offering)
        .join(next_starts, next_starts.c.offering_id == Offering.id)
        .where(Offering.status == "published")
    )
    if kind:
        statement = statement.where(Offering.kind == bindparam("kind"))
    else:
        # Network meetings are for members: listed only when asked for by kind.
        statement = statement.where(Offering.kind != bindparam("kind"))
    if theme:
        statement = statement.where(Offering.themes.cast(String).like(bindparam("theme")))
    if month:
        statement = statement.where(
            exists().where(
                OfferingSession.offering_id == Offering.id,
                upcoming,
                OfferingSession.starts_at >= bindparam("month_first", type_=when),
                OfferingSession.starts_at < bindparam("month_after", type_=when),
            )
        )
    if after or before:
        in_range = [OfferingSession.offering_id == Offering.id, upcoming]
        if after:
            in_range.append(OfferingSession.ends_at >= bindparam("after", type_=when))
        if before:
            in_range.append(OfferingSession.starts_at < bindparam("before", type_=when))
        statement = statement.where(exists().where(*in_range))
    if mode == "online":
        statement = statement.where(Offering.online_url != "")
    elif mode == "in_person":
        statement = statement.where(or_(Offering.venue != "", Offering.address != ""))
    if seats_left:
        statement = statement.where(held_count_of(Offering.id) < Offering.capacity)
    if q:
        like = bindparam("q", type_=String)
        statement = statement.where(
            or_(
                func.lower(Offering.title).like(like, escape="\\"),
                func.lower(Offering.summary).like(like, escape="\\"),
            )
        )
    statement = statement.order_by(next_starts.c.next_start, Offering.id)
    count = statement.with_only_columns(func.count()).order_by(None)
    return statement, count, _cards_statement(statement, next_starts, extra)


def _cards_statement(statement, next_starts, extra: tuple[str, ...] = ()):
    """One page of cards with what each card counts, in one statement; after the
    card's own columns come the ``extra`` ones (``last_end``, ``placed``, ``offered``, or Offering
    columns by name), so a card reads its row as it always has.

    The page's offerings are picked first (a CTE with the order and the limit), with how
    many match in all (a window count, so the page needs no count query of its own);
    their sessions and registrations are then aggregated once, for those offerings
    only, and joined. Correlated subqueries per card did the same work card by card.
    """
    page = (
        statement.with_only_columns(
            Offering.id, next_starts.c.next_start, func.count().over().label("total")
        )
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .cte("page")
    )
    on_page = select(page.c.id)
    sessions = (
        select(
            OfferingSession.offering_id,
            func.min(OfferingSession.starts_at).label("first_start"),
            func.count().label("sessions"),
            *([func.max(OfferingSession.ends_at).label("last_end")] if "last_end" in extra else []),
        )
        .where(OfferingSession.status != "cancelled", OfferingSession.offering_id.in_(on_page))
        .group_by(OfferingSession.offering_id)
        .subquery("card_sessions")
    )
    seats = seat_totals(on_page)
    computed = {
        "last_end": lambda: sessions.c.last_end,
        "placed": lambda: func.coalesce(seats.c.placed, 0),
        "offered": lambda: func.coalesce(seats.c.offered, 0),
    }
    extras = [computed[name]() if name in computed else getattr(Offering, name) for name in extra]
    return (
        select(
            *(getattr(Offering, name) for name in CARD_COLUMNS),
            sessions.c.first_start,
            func.coalesce(sessions.c.sessions, 0),
            func.coalesce(seats.c.held, 0),
            func.coalesce(seats.c.waitlisted, 0),
            *extras,
            page.c.total,
        )
        .select_from(page)
        .join(Offering, Offering.id == page.c.id)
        .outerjoin(sessions, sessions.c.offering_id == Offering.id)
        .outerjoin(seats, seats.c.offering_id == Offering.id)
        .order_by(page.c.next_start, page.c.id)
    )


@dataclass(frozen=True)
class CatalogueCard:
    """What one catalogue card shows: plain values, no ORM object behind them."""

    id: int
    kind: str
    title: str
    summary: str
    themes: list[str]
    venue: str
    room: str
    address: str
    online_url: str
    capacity: int
    starts_at: datetime | None
    session_count: int
    held: int
    waitlisted: int

    @property
    def seats_left(self) -> int:
        return seats_left_of(self.capacity, self.held)

    def values(self) -> tuple:
        """Everything the card shows, seat counts included (hashable)."""
        return (*self.text_values(), self.capacity, self.held, self.waitlisted)

    def text_values(self) -> tuple:
        """Every value the card's text shows: all but the seat counts (hashable)."""
        return (
            self.id, self.kind, self.title, self.summary, tuple(self.themes or ()), self.venue,
            self.room, self.address, self.online_url, self.starts_at, self.session_count,
        )  # fmt: skip


@dataclass(frozen=True)
class CataloguePage:
    """One page of cards, with what the pager needs (the names of Flask-SQLAlchemy's)."""

    items: list[CatalogueCard]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(-(-self.total // self.per_page), 1) if self.total else 0

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


def catalogue_page(
    filters: CatalogueFilters, page: int, per_page: int, now: datetime | None = None
) -> CataloguePage:
    """One page of the catalogue in one query whatever the number of offerings.

    The query carries the cards' first start, session count and seat counts and the
    number of matches (``_cards_statement``), so no ORM objects, sessions or
    registrations are loaded: building 400 objects was most of the time a page took.
    The seat counts are read in the same statement as the offerings, so they are as
    fresh as the list.
    """
    total, rows = catalogue_rows(filters, page, per_page, now)
    return CataloguePage(
        items=[CatalogueCard(*row) for row in rows],
        page=page,
        per_page=per_page,
        total=total,
    )


def catalogue_rows(
    filters: CatalogueFilters,
    page: int,
    per_page: int,
    now: datetime | None = None,
    extra: tuple[str, ...] = (),
    *,
    raw: bool = False,
) -> tuple[int, list]:
    """``(total, rows)`` of one catalogue page in one query: each row holds a
    ``CatalogueCard``'s fields, then the ``extra`` columns: Offering columns by name, or
    ``last_end`` (the last end of the sessions not cancelled), ``placed`` and ``offered``
    (``seats.SeatCounts``).

    With ``raw`` the rows are as the database driver returns them, no column converted
    (what a cache key needs, at a fraction of the cost); ``converted`` turns them into
    the values a plain call gives."""
    shape = filters.shape()
    _, count, cards = _statements(shape, extra)
    statement = _raw_cards(shape, extra) if raw else cards
    return run_page(statement, count, _catalogue_params(filters, now), page, per_page)


@lru_cache(maxsize=128)
def _raw_cards(shape: tuple, extra: tuple[str, ...]):
    cards = _statements(shape, extra)[2]
    return cards.with_only_columns(
        *(type_coerce(column, NullType()) for column in cards.selected_columns),
        maintain_column_froms=True,
    )


def converted(raw_rows, filters: CatalogueFilters, extra: tuple[str, ...] = ()) -> list[tuple]:
    """Raw rows (``catalogue_rows(..., raw=True)``) with every column converted as a
    plain ``catalogue_rows`` converts it (the same result processors, column by column)."""
    cards = _statements(filters.shape(), extra)[2]
    dialect = db.session.get_bind().dialect
    processors = [
        column.type._cached_result_processor(dialect, None) for column in cards.selected_columns
    ][:-1]  # the last column, the window count, is not in a row
    return [
        tuple(value if process is None else process(value)
              for process, value in zip(processors, row, strict=True))
        for row in raw_rows
    ]  # fmt: skip
