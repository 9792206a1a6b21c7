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

from lms.accounts.models import User
from lms.core.dates import to_utc
from lms.core.folding import folded, like_pattern
from lms.core.paging import Page
from lms.events.models import KINDS, THEMES, Offering, OfferingSession, offering_instructors
from lms.extensions import db
from lms.registrations.seats import held_count_of, seat_totals, seats_left_of
from lms.timeutil import utcnow

# The kind filter: empty for seminars, courses and conferences (the catalogue's own;
# network meetings are many, mostly for members, and have their network's page),
# ``ALL_KINDS`` for every kind, network meetings too, or one kind. A conference item's
# limited seats ("conference_item") are never listed: a conference has dozens of them,
# and people find them on its programme, which links to each one's registration.
ALL_KINDS = "all"
LISTED_KINDS = (*KINDS, "conference")
NEVER_LISTED = "conference_item"
MAX_WORDS = 8  # search words used; more narrow nothing a visitor types
INVALID_FILTERS = ("kind", "theme", "month", "mode")


@dataclass(frozen=True)
class CatalogueFilters:
    kind: str = ""  # "" | ALL_KINDS | one of KINDS
    theme: str = ""
    month: str = ""  # YYYY-MM
    mode: str = ""  # in_person | online
    seats_left: bool = False
    q: str = ""
    # The API's day range (aware datetimes, never read from the page's query string): a
    # session to come that ends on or after ``after`` and starts before ``before``.
    after: datetime | None = None
    before: datetime | None = None
    # The filters asked for that mean nothing (``INVALID_FILTERS``' names), and each one's
    # text as asked, (name, text) pairs: the list is not filtered by them, and says so.
    invalid: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_args(cls, args) -> CatalogueFilters:
        """Read filters from a query string. A value that means nothing (an unknown kind,
        a month that is no month) filters nothing and is named in ``invalid``, for the
        page to say so (and the API to refuse it)."""
        asked = {name: args.get(name, "").strip()[:40] for name in INVALID_FILTERS}
        valid = {
            "kind": asked["kind"] in LISTED_KINDS or asked["kind"] == ALL_KINDS,
            "theme": asked["theme"] in THEMES,
            "month": parse_month(asked["month"]) is not None,
            "mode": asked["mode"] in ("in_person", "online"),
        }
        kept = {name: asked[name] if valid[name] else "" for name in INVALID_FILTERS}
        return cls(
            **kept,
            seats_left=args.get("seats_left", "") in ("1", "y", "on", "true"),
            q=args.get("q", "").strip()[:100],
            invalid=tuple((name, asked[name]) for name in INVALID_FILTERS
                          if asked[name] and not valid[name]),
        )  # fmt: skip

    def rejected(self, name: str) -> str:
        """The text asked for the filter ``name`` if it meant nothing, else ""."""
        return next((text for invalid, text in self.invalid if invalid == name), "")

    @property
    def words(self) -> list[str]:
        """The search's words, lower-cased: each must be found in the offering."""
        return [word.lower() for word in self.q.split()][:MAX_WORDS]

    @property
    def narrowed(self) -> bool:
        """Whether any filter or search narrows the list (the message for no match)."""
        return bool(
            self.kind not in ("", ALL_KINDS) or self.theme or self.month or self.mode
            or self.seats_left or self.words or self.after or self.before
        )  # fmt: skip

    def shape(self) -> tuple:
        """Which filters are set (and the mode): what the SQL statement depends on."""
        kind = self.kind if self.kind in ("", ALL_KINDS) else "one"
        return (kind, bool(self.theme), bool(self.month), self.mode,
                self.seats_left, len(self.words), self.after is not None,
                self.before is not None)  # fmt: skip

    def as_args(self) -> dict:
        args = {k: v for k, v in self.__dict__.items() if v and k not in ("seats_left", "invalid")}
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
    for index, word in enumerate(filters.words):
        params[f"q{index}"] = like_pattern(word)
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
    kind, theme, month, mode, seats_left, words, after, before = shape
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
    if kind == "one":
        statement = statement.where(Offering.kind == bindparam("kind"))
    elif kind != ALL_KINDS:
        # Seminars, courses, conferences: network meetings only when asked for (ALL_KINDS' note).
        statement = statement.where(
            Offering.kind != bindparam("kind"), Offering.kind != NEVER_LISTED
        )
    else:
        statement = statement.where(Offering.kind != NEVER_LISTED)
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
    if words:
        statement = statement.where(
            *(_found(bindparam(f"q{i}", type_=String)) for i in range(words))
        )
    statement = statement.order_by(next_starts.c.next_start, Offering.id)
    count = statement.with_only_columns(func.count()).order_by(None)
    return statement, count, _cards_statement(statement, next_starts, extra)


# What a search looks in: the texts of the offering, its place and its guest speakers,
# joined by line breaks (so no word is found across two of them); and the names of its
# instructors.
SEARCHED = ("title", "summary", "description_md", "venue", "room", "address", "guest_speakers")


def _found(pattern):
    """SQL: the search word ``pattern`` (``like_pattern``, lower case) is in the offering's
    texts (``SEARCHED``) or an instructor's name, in any case (``folded``)."""
    text = getattr(Offering, SEARCHED[0])
    for name in SEARCHED[1:]:
        text = text + "\n" + getattr(Offering, name)
    instructor = exists().where(
        offering_instructors.c.offering_id == Offering.id,
        offering_instructors.c.user_id == User.id,
        folded(User.name).like(pattern, escape="\\"),
    )
    return or_(folded(text).like(pattern, escape="\\"), instructor)


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


def catalogue_page(
    filters: CatalogueFilters, page: int, per_page: int, now: datetime | None = None
) -> Page:
    """One page of the catalogue in one query whatever the number of offerings.

    The query carries the cards' first start, session count and seat counts and the
    number of matches (``_cards_statement``), so no ORM objects, sessions or
    registrations are loaded: building 400 objects was most of the time a page took.
    The seat counts are read in the same statement as the offerings, so they are as
    fresh as the list.
    """
    total, rows = catalogue_rows(filters, page, per_page, now)
    return Page(
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
