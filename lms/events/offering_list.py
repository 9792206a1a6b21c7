"""The organisers' list of offerings (``/manage/offerings``): what is coming first, soonest
first, then what is over, latest first; searched by title (every word, in any order) and
filtered by kind, status, theme and upcoming or past.

A network's meetings are folded into one row per network (its next meeting and how many
of its meetings match), so a year of monthly meetings does not push the seminars and
courses to later pages. Asking for the kind "network meeting", or for one network's
meetings, lists the meetings one by one.

An offering is upcoming until its last session has ended (so a course that has begun is
still upcoming); one without sessions yet (a new draft) comes first. The list is one
count and one page query whatever the number of offerings, then the page's offerings
and networks are loaded by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import lazyload

from lms.core.folding import folded, like_pattern
from lms.core.paging import Page
from lms.events.manage import managed_offerings_statement
from lms.events.models import (
    KINDS,
    STATUSES,
    THEMES,
    Network,
    Offering,
    first_start_of,
    last_end_of,
)
from lms.extensions import db
from lms.timeutil import utcnow

WHEN = ("upcoming", "past")
MAX_WORDS = 8


@dataclass(frozen=True)
class ListFilters:
    """What the list's GET form asks for; anything unknown reads as "no filter"."""

    q: str = ""
    kind: str = ""
    status: str = ""
    theme: str = ""
    when: str = ""
    network: int | None = None

    @classmethod
    def from_args(cls, args) -> ListFilters:
        def one_of(name, allowed):
            value = args.get(name, "")
            return value if value in allowed else ""

        network = args.get("network", type=int)
        return cls(
            q=" ".join(args.get("q", "").split())[:100],
            kind=one_of("kind", KINDS),
            status=one_of("status", STATUSES),
            theme=one_of("theme", THEMES),
            when=one_of("when", WHEN),
            network=network if network and 0 < network < 2**31 else None,
        )

    def as_args(self) -> dict:
        """The filters as query arguments (for the pager's links): only those set."""
        return {k: v for k, v in self.__dict__.items() if v}

    def as_args_without(self, name: str) -> dict:
        """The filters as query arguments, but for ``name`` (a link that drops one)."""
        return {k: v for k, v in self.as_args().items() if k != name}

    @property
    def grouped(self) -> bool:
        """Network meetings are folded by network unless they are what is asked for."""
        return self.kind != "network_meeting" and self.network is None

    @property
    def any(self) -> bool:
        return bool(self.as_args())

    def words(self) -> list[str]:
        """The search's words, lower case; each must be in the title."""
        return self.q.lower().split()[:MAX_WORDS]


@dataclass(frozen=True)
class OfferingRow:
    """One offering in the list: its first start (None: no sessions yet)."""

    offering: Offering
    starts_at: datetime | None
    upcoming: bool

    is_network = False


@dataclass(frozen=True)
class NetworkRow:
    """A network's meetings that match the filters, folded into one row: the next of them
    (while any is upcoming) or else the last, and how many there are."""

    network: Network
    starts_at: datetime | None
    upcoming: bool
    meetings: int

    is_network = True


def _matching(actor, filters: ListFilters):
    """The offerings ``actor`` manages that pass the filters (all but upcoming/past), with
    their first start, last end and the network they are folded into (or NULL)."""
    in_network = and_(Offering.kind == "network_meeting", Offering.network_id.is_not(None))
    no_group = cast(null(), Integer)
    group = case((in_network, Offering.network_id), else_=no_group) if filters.grouped else no_group
    statement = (
        managed_offerings_statement(actor)
        .order_by(None)
        .with_only_columns(
            Offering.id.label("offering_id"),
            group.label("group_id"),
            first_start_of(Offering.id).label("starts_at"),
            last_end_of(Offering.id).label("ends_at"),
        )
    )
    if filters.kind:
        statement = statement.where(Offering.kind == filters.kind)
    if filters.status:
        statement = statement.where(Offering.status == filters.status)
    if filters.theme:
        # The themes are a JSON list of fixed words: a quoted match is exact on both databases.
        statement = statement.where(Offering.themes.cast(String).like(f'%"{filters.theme}"%'))
    if filters.network is not None:
        statement = statement.where(Offering.network_id == filters.network)
    for word in filters.words():
        statement = statement.where(folded(Offering.title).like(like_pattern(word), escape="\\"))
    return statement.subquery("matching")


def _rows(actor, filters: ListFilters, now: datetime):
    """The list's rows as a subquery: ``offering_id`` or ``network_id``, ``past`` (0 or 1),
    ``at`` (the date it is sorted by) and ``meetings``."""
    m = _matching(actor, filters)
    upcoming = or_(m.c.ends_at.is_(None), m.c.ends_at >= now)
    when = {"upcoming": upcoming, "past": ~upcoming}.get(filters.when, literal(True))
    singles = select(
        m.c.offering_id,
        literal(None, Integer).label("network_id"),
        case((upcoming, 0), else_=1).label("past"),
        m.c.starts_at.label("at"),
        literal(1, Integer).label("meetings"),
    ).where(m.c.group_id.is_(None), when)
    any_upcoming = func.max(case((upcoming, 1), else_=0)) == 1
    groups = (
        select(
            literal(None, Integer).label("offering_id"),
            m.c.group_id.label("network_id"),
            case((any_upcoming, 0), else_=1).label("past"),
            case(
                (any_upcoming, func.min(case((upcoming, m.c.starts_at)))),
                else_=func.max(m.c.starts_at),
            ).label("at"),
            func.count().label("meetings"),
        )
        .where(m.c.group_id.is_not(None), when)
        .group_by(m.c.group_id)
    )
    return union_all(singles, groups).subquery("rows")


def offering_list(
    actor, filters: ListFilters, page: int, per_page: int, now: datetime | None = None
) -> Page:
    """One page of the offerings ``actor`` manages (``PermissionDenied`` for someone who
    manages none), sorted and filtered as the module says, as ``OfferingRow`` and
    ``NetworkRow`` items."""
    now = now or utcnow()
    rows = _rows(actor, filters, now)
    total = db.session.scalar(select(func.count()).select_from(rows))
    upcoming = rows.c.past == 0
    page_rows = db.session.execute(
        select(rows)
        .order_by(
            rows.c.past,
            case((and_(upcoming, rows.c.at.is_(None)), 0), else_=1),  # undated drafts first
            case((upcoming, rows.c.at)),
            case((~upcoming, rows.c.at)).desc(),
            func.coalesce(rows.c.offering_id, 0),
            func.coalesce(rows.c.network_id, 0),
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    offering_ids = [r.offering_id for r in page_rows if r.offering_id is not None]
    network_ids = [r.network_id for r in page_rows if r.network_id is not None]
    offerings = {
        o.id: o
        for o in db.session.scalars(
            select(Offering)
            .where(Offering.id.in_(offering_ids))
            .options(lazyload(Offering.sessions))  # the row carries the start
        )
    }
    networks = {
        n.id: n for n in db.session.scalars(select(Network).where(Network.id.in_(network_ids)))
    }
    items = [
        OfferingRow(offerings[r.offering_id], r.at, r.past == 0)
        if r.offering_id is not None
        else NetworkRow(networks[r.network_id], r.at, r.past == 0, r.meetings)
        for r in page_rows
    ]
    return Page(items=items, page=page, per_page=per_page, total=total)
