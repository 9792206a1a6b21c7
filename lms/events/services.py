"""Offerings, the catalogue and networks: the work behind the pages.

Services take the acting user, check what that user may do (raising ``PermissionDenied``),
``flush()`` and never commit. The catalogue runs a fixed number of queries whatever the
number of offerings on a page: the page's seat counts come from one grouped query.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from flask import current_app
from sqlalchemy import String, and_, exists, func, or_, select

from lms.accounts.models import User, UserRole
from lms.accounts.services import PermissionDenied  # one refusal for every area
from lms.events.models import KINDS, THEMES, Network, NetworkMembership, Offering, Session
from lms.extensions import db
from lms.registrations.models import HOLDS_SEAT, Registration
from lms.registrations.services import SeatCounts
from lms.timeutil import utcnow


class EventError(Exception):
    """A refused operation; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("LMS_TIMEZONE", "Europe/Oslo"))


def to_utc(day: date, clock: time) -> datetime:
    """A wall-clock date and time in the LMS zone, as aware UTC."""
    return datetime.combine(day, clock, tzinfo=local_zone()).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


# --- seat counts for many offerings at once ---------------------------------------------------


def seat_counts_for(offerings) -> dict[int, SeatCounts]:
    """Seat counts for every offering given, in one grouped query."""
    offerings = list(offerings)
    if not offerings:
        return {}
    rows = db.session.execute(
        select(Registration.offering_id, Registration.status, func.count())
        .where(Registration.offering_id.in_([o.id for o in offerings]))
        .group_by(Registration.offering_id, Registration.status)
    ).all()
    by_offering: dict[int, dict[str, int]] = {}
    for offering_id, status, count in rows:
        by_offering.setdefault(offering_id, {})[status] = count
    result = {}
    for offering in offerings:
        by_status = by_offering.get(offering.id, {})
        result[offering.id] = SeatCounts(
            capacity=offering.capacity,
            held=sum(by_status.get(s, 0) for s in HOLDS_SEAT),
            confirmed=by_status.get("confirmed", 0),
            offered=by_status.get("offered", 0),
            pending=by_status.get("pending", 0),
            waitlisted=by_status.get("waitlisted", 0),
        )
    return result


# --- the catalogue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueFilters:
    kind: str = ""
    theme: str = ""
    month: str = ""  # YYYY-MM
    mode: str = ""  # in_person | online
    seats_left: bool = False
    q: str = ""

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


def _held_count():
    return (
        select(func.count())
        .select_from(Registration)
        .where(Registration.offering_id == Offering.id, Registration.status.in_(HOLDS_SEAT))
        .scalar_subquery()
    )


def catalogue_statement(filters: CatalogueFilters, now: datetime | None = None):
    """Published offerings with a session still to come, soonest first, filtered."""
    now = now or utcnow()
    upcoming = and_(
        Session.offering_id == Offering.id,
        Session.status == "scheduled",
        Session.ends_at >= now,
    )
    next_start = select(func.min(Session.starts_at)).where(upcoming).scalar_subquery()
    statement = select(Offering).where(Offering.status == "published", exists().where(upcoming))
    if filters.kind:
        statement = statement.where(Offering.kind == filters.kind)
    else:
        # Network meetings are for members: listed only when asked for by kind.
        statement = statement.where(Offering.kind != "network_meeting")
    if filters.theme:
        # The themes are a JSON list of fixed words: a quoted match is exact on both databases.
        statement = statement.where(Offering.themes.cast(String).like(f'%"{filters.theme}"%'))
    if filters.month:
        year, month = parse_month(filters.month)
        first = to_utc(date(year, month, 1), time())
        last_day = calendar.monthrange(year, month)[1]
        after = to_utc(date(year, month, last_day) + timedelta(days=1), time())
        statement = statement.where(
            exists().where(upcoming, Session.starts_at >= first, Session.starts_at < after)
        )
    if filters.mode == "online":
        statement = statement.where(Offering.online_url != "")
    elif filters.mode == "in_person":
        statement = statement.where(or_(Offering.venue != "", Offering.address != ""))
    if filters.seats_left:
        statement = statement.where(_held_count() < Offering.capacity)
    if filters.q:
        escaped = filters.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        statement = statement.where(
            or_(
                func.lower(Offering.title).like(like, escape="\\"),
                func.lower(Offering.summary).like(like, escape="\\"),
            )
        )
    return statement.order_by(next_start, Offering.id)


# --- what the register button says -------------------------------------------------------------


def registration_for(user, offering: Offering) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Registration).where(
            Registration.offering_id == offering.id, Registration.user_id == user.id
        )
    )


def is_network_member(user, network_id: int | None) -> bool:
    if network_id is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    status = db.session.scalar(
        select(NetworkMembership.status).where(
            NetworkMembership.network_id == network_id, NetworkMembership.user_id == user.id
        )
    )
    return status == "approved"


def register_action(
    user, offering: Offering, counts: SeatCounts, registration=None, now=None
) -> str:
    """What pressing "register" would do for ``user``, as one word for the page:

    ``registered`` / ``waitlisted`` / ``pending`` / ``offered`` (already in),
    ``cancelled`` (the offering), ``not_open`` (window not open yet), ``closed``,
    ``members_only``, ``register``, ``waitlist`` (full: joins the list), ``apply``
    (approval needed).
    """
    now = now or utcnow()
    if offering.status == "cancelled":
        return "cancelled"
    if registration is not None and registration.status in (
        "confirmed",
        "attended",
        "no_show",
        "waitlisted",
        "pending",
        "offered",
    ):
        return {"attended": "registered", "no_show": "registered", "confirmed": "registered"}.get(
            registration.status, registration.status
        )
    if offering.status != "published":
        return "closed"
    if offering.registration_opens_at and now < offering.registration_opens_at:
        return "not_open"
    if not offering.registration_is_open(now):
        return "closed"
    if offering.members_only and not is_network_member(user, offering.network_id):
        return "members_only"
    if offering.requires_approval:
        return "apply"
    if counts.seats_left > 0 and counts.waitlisted == 0:
        return "register"
    return "waitlist"


# --- offering management -----------------------------------------------------------------------


def _require_organiser(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_role("organiser"):
        raise PermissionDenied()


def require_edit(actor, offering: Offering) -> None:
    """Organisers edit every offering; instructors only those they are assigned to."""
    if not offering.can_edit(actor):
        raise PermissionDenied()


def managed_offerings_statement(actor):
    """The offerings ``actor`` may manage (drafts too): all for organisers, own for instructors."""
    statement = select(Offering).order_by(Offering.created_at.desc(), Offering.id.desc())
    if actor.has_role("organiser"):
        return statement
    if actor.has_role("instructor"):
        return statement.where(Offering.instructors.any(User.id == actor.id))
    raise PermissionDenied()


def instructor_choices() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.roles.any(UserRole.role.in_(("instructor", "admin"))),
            )
            .order_by(User.name, User.id)
        )
    )


OFFERING_FIELDS = (
    "kind",
    "title",
    "summary",
    "description_md",
    "themes",
    "principles",
    "audience",
    "language",
    "venue",
    "room",
    "address",
    "online_url",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "cancellation_deadline",
    "requires_approval",
    "members_only",
    "waitlist_mode",
    "offer_hours",
    "questions",
    "consent_text",
)
PLACE_FIELDS = ("venue", "room", "address", "online_url")


@dataclass
class SessionData:
    """One session row from a form: ``id`` None for a new one; ``remove`` drops it."""

    starts_at: datetime | None = None
    ends_at: datetime | None = None
    title: str = ""
    venue: str = ""
    room: str = ""
    id: int | None = None
    remove: bool = False


def create_offering(actor, data: dict, sessions: list[SessionData]) -> Offering:
    """A new draft offering (organisers only)."""
    _require_organiser(actor)
    offering = Offering(status="draft", created_by_id=actor.id, kind=data.get("kind", "seminar"))
    db.session.add(offering)
    for name in OFFERING_FIELDS:
        if name in data:
            setattr(offering, name, data[name])
    _apply_sessions(offering, sessions)
    db.session.flush()
    return offering


def update_offering(
    actor,
    offering: Offering,
    data: dict,
    sessions: list[SessionData],
    *,
    allow_below_held: bool = False,
) -> bool:
    """Save changes; a session whose time or place changes gets SEQUENCE + 1, and people
    registered are told. Returns True when times or places changed.

    A new capacity goes through the registrations area's ``set_capacity``: below the seats
    already held it raises ``CapacityWarning`` unless ``allow_below_held``; nobody is
    dropped, and more seats promote from the waiting list.
    """
    from lms.registrations import services as registrations

    require_edit(actor, offering)
    data = dict(data)
    capacity = data.pop("capacity", None)
    if capacity is not None and capacity != offering.capacity:
        registrations.set_capacity(actor, offering.id, capacity, allow_below_held=allow_below_held)
    place_changed = any(
        name in data and getattr(offering, name) != data[name] for name in PLACE_FIELDS
    )
    for name in OFFERING_FIELDS:
        if name in data:
            setattr(offering, name, data[name])
    changed = _apply_sessions(offering, sessions)
    if place_changed:
        for session in offering.sessions:
            if session.status == "scheduled" and session not in changed:
                session.sequence += 1
                changed.add(session)
    db.session.flush()
    if changed and offering.status == "published":
        from lms.registrations import notify

        notify.offering_changed(offering)
    return bool(changed)


def _apply_sessions(offering: Offering, rows: list[SessionData]) -> set[Session]:
    """Add, change and remove sessions; return those whose time or place changed."""
    existing = {s.id: s for s in offering.sessions if s.id is not None}
    changed: set[Session] = set()
    for row in rows:
        session = existing.get(row.id) if row.id is not None else None
        if row.id is not None and session is None:
            raise EventError("unknown_session")
        if not row.remove and (
            not row.starts_at or not row.ends_at or row.ends_at <= row.starts_at
        ):
            raise EventError("ends_before_start")
        if row.remove:
            if session is not None:
                offering.sessions.remove(session)
            continue
        if session is None:
            offering.sessions.append(
                Session(
                    starts_at=row.starts_at,
                    ends_at=row.ends_at,
                    title=row.title,
                    venue=row.venue,
                    room=row.room,
                )
            )
            continue
        moved = (
            session.starts_at != row.starts_at
            or session.ends_at != row.ends_at
            or session.venue != row.venue
            or session.room != row.room
        )
        session.title = row.title
        if moved:
            session.starts_at, session.ends_at = row.starts_at, row.ends_at
            session.venue, session.room = row.venue, row.room
            session.sequence += 1
            changed.add(session)
    offering.sessions.sort(key=lambda s: s.starts_at)
    return changed


def set_instructors(actor, offering: Offering, user_ids: list[int]) -> None:
    """Assign instructors (organisers only; only people holding the instructor role)."""
    _require_organiser(actor)
    allowed = {u.id: u for u in instructor_choices()}
    if any(uid not in allowed for uid in user_ids):
        raise EventError("not_an_instructor")
    offering.instructors = [allowed[uid] for uid in user_ids]
    db.session.flush()


def publish(actor, offering: Offering) -> None:
    _require_organiser(actor)
    if offering.status != "draft":
        raise EventError("not_draft")
    if not offering.sessions:
        raise EventError("no_sessions")
    offering.status = "published"
    db.session.flush()


def archive(actor, offering: Offering) -> None:
    """Put a published or cancelled offering away: off the catalogue, kept for reports."""
    _require_organiser(actor)
    if offering.status not in ("published", "cancelled"):
        raise EventError("not_archivable")
    offering.status = "archived"
    db.session.flush()


def duplicate(actor, offering: Offering, *, weeks: int = 52) -> Offering:
    """A draft copy for the next edition: same fields and instructors, sessions moved
    ``weeks`` later (52 = the same weekday a year on), new UIDs, no registrations."""
    _require_organiser(actor)
    if not -520 <= weeks <= 520:
        raise EventError("bad_shift")
    shift = timedelta(weeks=weeks)
    copy = Offering(status="draft", created_by_id=actor.id, kind=offering.kind)
    for name in OFFERING_FIELDS:
        value = getattr(offering, name)
        setattr(copy, name, list(value) if isinstance(value, list) else value)
    for name in ("registration_opens_at", "registration_closes_at", "cancellation_deadline"):
        value = getattr(offering, name)
        if value is not None:
            setattr(copy, name, _shift_local(value, shift))
    copy.network_id = offering.network_id
    copy.instructors = list(offering.instructors)
    for session in offering.sessions:
        if session.status == "cancelled":
            continue
        copy.sessions.append(
            Session(
                title=session.title,
                starts_at=_shift_local(session.starts_at, shift),
                ends_at=_shift_local(session.ends_at, shift),
                venue=session.venue,
                room=session.room,
            )
        )
    db.session.add(copy)
    db.session.flush()
    return copy


def _shift_local(moment: datetime, shift: timedelta) -> datetime:
    """Shift by wall-clock time in the LMS zone, so 09:00 stays 09:00 across DST."""
    local = to_local(moment).replace(tzinfo=None) + shift
    return local.replace(tzinfo=local_zone()).astimezone(UTC)


def cancel_offering(actor, offering: Offering, note: str = "") -> int:
    """Cancel the whole offering: every session marked cancelled (SEQUENCE + 1) and every
    active registration cancelled, each person mailed. Returns how many were cancelled."""
    from lms.registrations import services as registrations

    _require_organiser(actor)
    if offering.status == "cancelled":
        raise EventError("already_cancelled")
    offering.status = "cancelled"
    for session in offering.sessions:
        if session.status != "cancelled":
            session.status = "cancelled"
            session.sequence += 1
    db.session.flush()
    ids = db.session.scalars(
        select(Registration.id)
        .where(
            Registration.offering_id == offering.id,
            Registration.status.in_(registrations.CANCELLABLE),
        )
        .order_by(Registration.id)
    ).all()
    for registration_id in ids:
        registrations.cancel(actor, registration_id, note=note or "offering cancelled")
    return len(ids)


# --- networks ----------------------------------------------------------------------------------


def membership_of(user, network: Network) -> NetworkMembership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.get(NetworkMembership, (network.id, user.id))


def can_see_members_area(user, network: Network) -> bool:
    """Meetings and members are for approved members and organisers."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role("organiser"):
        return True
    membership = membership_of(user, network)
    return membership is not None and membership.status == "approved"


def join_network(user, network: Network) -> NetworkMembership:
    """Open networks take people at once; others wait for an organiser."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied()
    membership = membership_of(user, network)
    if membership is None:
        status = "approved" if network.membership == "open" else "pending"
        membership = NetworkMembership(network_id=network.id, user_id=user.id, status=status)
        db.session.add(membership)
        db.session.flush()
    return membership


def leave_network(user, network: Network) -> None:
    membership = membership_of(user, network)
    if membership is None:
        raise EventError("not_a_member")
    db.session.delete(membership)
    db.session.flush()


def decide_membership(actor, network: Network, user_id: int, *, approve: bool) -> None:
    _require_organiser(actor)
    membership = db.session.get(NetworkMembership, (network.id, user_id))
    if membership is None or membership.status != "pending":
        raise EventError("not_pending")
    if approve:
        membership.status = "approved"
    else:
        db.session.delete(membership)
    db.session.flush()


def create_network(actor, *, name: str, description_md: str, membership: str, rule: str):
    _require_organiser(actor)
    validate_rule(rule)
    network = Network(
        name=name, description_md=description_md, membership=membership, recurrence_rule=rule
    )
    db.session.add(network)
    db.session.flush()
    return network


def validate_rule(rule: str) -> None:
    """An RRULE body such as ``FREQ=MONTHLY;BYDAY=2TU``; raises EventError when unreadable."""
    if not rule:
        return
    upper = rule.upper()
    if "\n" in rule or "DTSTART" in upper or "UNTIL" in upper:
        raise EventError("bad_rule")
    if not any(f"FREQ={freq}" in upper for freq in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")):
        raise EventError("bad_rule")
    try:
        rrulestr(rule, dtstart=datetime(2026, 1, 1))
    except (ValueError, TypeError, KeyError):
        raise EventError("bad_rule") from None


def meeting_dates(rule: str, after: date, start: time, count: int) -> list[datetime]:
    """The next ``count`` meeting starts on or after ``after``, as wall-clock times in the
    LMS zone turned into aware UTC one by one (so 09:00 stays 09:00 across DST)."""
    validate_rule(rule)
    if not rule:
        raise EventError("bad_rule")
    first = datetime.combine(after, start)
    # Bounded, so a rule that never matches (30 February) ends instead of searching forever.
    recurrence = rrulestr(rule, dtstart=first).replace(until=first + timedelta(days=3660))
    starts = []
    for local in recurrence:
        starts.append(local.replace(tzinfo=local_zone()).astimezone(UTC))
        if len(starts) >= count:
            break
    return starts


def generate_meetings(
    actor,
    network: Network,
    *,
    after: date,
    start: time,
    minutes: int,
    count: int,
    defaults: dict | None = None,
) -> list[Offering]:
    """Make the next ``count`` meetings as published, members-only network_meeting
    offerings. A date that already has a meeting of this network is left alone."""
    _require_organiser(actor)
    if not 1 <= count <= 24 or not 15 <= minutes <= 12 * 60:
        raise EventError("bad_count")
    taken = {
        to_local(starts).date()
        for starts in db.session.scalars(
            select(Session.starts_at)
            .join(Offering)
            .where(Offering.network_id == network.id, Offering.kind == "network_meeting")
        )
    }
    made = []
    for starts in meeting_dates(network.recurrence_rule, after, start, count):
        if to_local(starts).date() in taken:
            continue
        offering = Offering(
            kind="network_meeting",
            status="published",
            title=f"{network.name}: {to_local(starts):%d.%m.%Y}",
            summary="",
            members_only=True,
            network_id=network.id,
            created_by_id=actor.id,
            capacity=40,
        )
        for name, value in (defaults or {}).items():
            if name in OFFERING_FIELDS:
                setattr(offering, name, value)
        ends = starts + timedelta(minutes=minutes)
        offering.sessions.append(Session(starts_at=starts, ends_at=ends))
        db.session.add(offering)
        made.append(offering)
    db.session.flush()
    return made


def _meeting(network: Network, offering_id: int) -> Offering:
    offering = db.session.get(Offering, offering_id)
    if offering is None or offering.network_id != network.id or not offering.sessions:
        raise EventError("not_found")
    return offering


def move_meeting(actor, network: Network, offering_id: int, new_day: date, start: time) -> None:
    """Move one meeting to another date and time (length kept); SEQUENCE + 1, people told."""
    _require_organiser(actor)
    offering = _meeting(network, offering_id)
    session = offering.sessions[0]
    length = session.ends_at - session.starts_at
    starts = to_utc(new_day, start)
    update_offering(
        actor,
        offering,
        {},
        [
            SessionData(
                id=session.id,
                starts_at=starts,
                ends_at=starts + length,
                title=session.title,
                venue=session.venue,
                room=session.room,
            )
        ],
    )


def skip_meeting(actor, network: Network, offering_id: int) -> None:
    """Skip one date: the meeting is cancelled like any offering (everyone told)."""
    offering = _meeting(network, offering_id)
    cancel_offering(actor, offering, note="meeting skipped")


def network_meetings(network: Network, *, upcoming_only: bool = True):
    statement = select(Offering).where(Offering.network_id == network.id)
    offerings = list(db.session.scalars(statement))
    if upcoming_only:
        now = utcnow()
        offerings = [o for o in offerings if o.ends_at and o.ends_at >= now]
    return sorted(offerings, key=lambda o: (o.starts_at or utcnow(), o.id))
