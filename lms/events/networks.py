"""Networks: membership, the recurrence rule, and generating, moving and skipping meetings.

Services take the acting user, check what that user may do (raising ``PermissionDenied``),
``flush()`` and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from lms.core.dates import local_zone, to_local, to_utc
from lms.core.service_errors import PermissionDenied
from lms.events import signals
from lms.events.manage import OFFERING_FIELDS, SessionData, cancel_offering, update_offering
from lms.events.models import Network, NetworkMembership, Offering, OfferingSession
from lms.events.recurrence import check_rule, occurrences
from lms.events.services import EventError, require_organiser
from lms.extensions import db
from lms.mail.outbox import queue_mail
from lms.timeutil import utcnow


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


def leave_network(user, network: Network) -> int:
    """Leave ``network``; returns how many meeting registrations were cancelled.

    Registrations for the network's members-only meetings still to come are cancelled
    through the registrations area (the next in line moves up, the person is mailed);
    past meetings keep their attendance. A seat past its cancellation deadline is kept,
    as it would be if the person cancelled it themselves.
    """
    membership = membership_of(user, network)
    if membership is None:
        raise EventError("not_a_member")
    db.session.delete(membership)
    db.session.flush()
    return _membership_ended(user, network, user.id, note="left_network")


def remove_member(actor, network: Network, user_id: int) -> int:
    """An organiser takes an approved member off the network; their registrations for
    coming members-only meetings are cancelled as when they leave. Returns how many."""
    require_organiser(actor)
    membership = db.session.get(NetworkMembership, (network.id, user_id))
    if membership is None or membership.status != "approved":
        raise EventError("not_a_member")
    db.session.delete(membership)
    db.session.flush()
    return _membership_ended(actor, network, user_id, note="removed_from_network")


def _membership_ended(actor, network: Network, user_id: int, *, note: str) -> int:
    """Tell the areas above (``membership_ended``); returns how many registrations their
    receivers cancelled."""
    return signals.total(
        signals.membership_ended.send(network, actor=actor, user_id=user_id, note=note)
    )


def decide_membership(actor, network: Network, user_id: int, *, approve: bool) -> None:
    """Approve or decline a request to join, and tell the person. A pending person holds
    no members-only registration, so declining has nothing to cancel."""
    require_organiser(actor)
    membership = db.session.get(NetworkMembership, (network.id, user_id))
    if membership is None or membership.status != "pending":
        raise EventError("not_pending")
    person = membership.user
    if approve:
        membership.status = "approved"
    else:
        db.session.delete(membership)
    db.session.flush()
    kind = "network_membership_approved" if approve else "network_membership_declined"
    queue_mail(person.email, kind, person.language, user=person, network=network)


NETWORK_FIELDS = (
    "name",
    "description_md",
    "membership",
    "recurrence_rule",
    "meeting_start",
    "meeting_minutes",
    "venue",
    "room",
    "address",
    "online_url",
)


def create_network(
    actor, *, name: str, description_md: str, membership: str, rule: str, **defaults
) -> Network:
    """A new network; ``defaults`` are the meeting defaults (``meeting_start``,
    ``meeting_minutes``, ``venue``, ``room``, ``address``, ``online_url``)."""
    require_organiser(actor)
    rule = validate_rule(rule)  # before anything is added, so a refusal leaves nothing behind
    network = Network(name=name, description_md="", membership="open", recurrence_rule="")
    db.session.add(network)
    update_network(
        actor,
        network,
        dict(
            defaults,
            name=name,
            description_md=description_md,
            membership=membership,
            recurrence_rule=rule,
        ),
    )
    return network


def update_network(actor, network: Network, data: dict) -> None:
    """Change a network's name, description, membership, rule or meeting defaults
    (``NETWORK_FIELDS``). Meetings already made keep their own time and place."""
    require_organiser(actor)
    data = dict(data)
    if "recurrence_rule" in data:
        data["recurrence_rule"] = validate_rule(data["recurrence_rule"])
    minutes = data.get("meeting_minutes", network.meeting_minutes or 120)
    if minutes is None or not 15 <= minutes <= 12 * 60:
        raise EventError("bad_count")
    for name in NETWORK_FIELDS:
        if name in data:
            setattr(network, name, data[name])
    db.session.flush()


def validate_rule(rule: str) -> str:
    """The rule as it is stored (``recurrence.check_rule``: trimmed, upper case); raises
    ``RuleError`` (an ``EventError`` whose ``message`` says what is wrong)."""
    return check_rule(rule)


def meeting_dates(rule: str, after: date, start: time, count: int) -> list[datetime]:
    """The next ``count`` meeting starts on or after ``after``, as wall-clock times in the
    LMS zone turned into aware UTC one by one (so 09:00 stays 09:00 across DST)."""
    return [
        local.replace(tzinfo=local_zone()).astimezone(UTC)
        for local in occurrences(rule, after, start, count)
    ]


@dataclass(frozen=True)
class PlannedMeeting:
    """One date the rule gives: ``occurrence`` is the rule's date, ``starts_at`` aware UTC;
    ``state`` is "new" (to be made), "taken" (the network meets that day already) or
    "past" (it would start before now, so it is not made)."""

    occurrence: date
    starts_at: datetime
    state: str


def _taken_days(network: Network) -> set[date]:
    taken = set()  # a moved meeting holds both its rule date and its new one
    for occurrence, starts in db.session.execute(
        select(Offering.occurrence_date, OfferingSession.starts_at)
        .join(OfferingSession)
        .where(Offering.network_id == network.id, Offering.kind == "network_meeting")
    ):
        taken.update(day for day in (occurrence, to_local(starts).date()) if day is not None)
    return taken


def plan_meetings(
    network: Network, *, after: date, count: int, start: time | None = None
) -> list[PlannedMeeting]:
    """The next ``count`` dates of the network's rule from ``after``, each with what
    planning would do with it. Reads only: the organiser's preview and
    ``generate_meetings`` both start here."""
    start = start or network.meeting_start
    if start is None:
        raise EventError("no_start")
    if not 1 <= count <= 24:
        raise EventError("bad_count")
    taken, now = _taken_days(network), utcnow()
    planned = []
    for starts in meeting_dates(network.recurrence_rule, after, start, count):
        day = to_local(starts).date()
        state = "taken" if day in taken else "past" if starts <= now else "new"
        planned.append(PlannedMeeting(occurrence=day, starts_at=starts, state=state))
    return planned


def make_meetings(
    actor,
    network: Network,
    planned: list[tuple[date, datetime]],
    *,
    minutes: int | None = None,
    defaults: dict | None = None,
) -> list[Offering]:
    """Make published, members-only network meetings at the given (rule date, start)
    pairs, as the organiser kept or moved them in the preview. A day the network already
    meets on is left alone; a start in the past is refused (``in_the_past``): it would
    be made and then shown nowhere, since only coming meetings are listed."""
    require_organiser(actor)
    minutes = minutes or network.meeting_minutes
    if not 15 <= minutes <= 12 * 60 or len(planned) > 24:
        raise EventError("bad_count")
    now, taken = utcnow(), _taken_days(network)
    if any(starts <= now for _day, starts in planned):
        raise EventError("in_the_past")
    values = dict(network.meeting_defaults(), capacity=40)
    values.update(defaults or {})
    made = []
    for occurrence, starts in planned:
        day = to_local(starts).date()
        if occurrence in taken or day in taken:
            continue
        taken.update((occurrence, day))
        offering = Offering(
            kind="network_meeting",
            status="published",
            title=meeting_title(network, starts),
            summary="",
            members_only=True,
            network_id=network.id,
            occurrence_date=occurrence,
            created_by_id=actor.id,
        )
        for name, value in values.items():
            if name in OFFERING_FIELDS:
                setattr(offering, name, value)
        ends = starts + timedelta(minutes=minutes)
        offering.sessions.append(OfferingSession(starts_at=starts, ends_at=ends))
        db.session.add(offering)
        made.append(offering)
    db.session.flush()
    return made


def generate_meetings(
    actor,
    network: Network,
    *,
    after: date,
    count: int,
    start: time | None = None,
    minutes: int | None = None,
    defaults: dict | None = None,
) -> list[Offering]:
    """Make the meetings of the next ``count`` rule dates from ``after`` as published,
    members-only network_meeting offerings. A date that already has a meeting of this
    network, or that is past, is left out (``plan_meetings`` says which).

    ``start``, ``minutes`` and the place fields in ``defaults`` override the network's
    meeting defaults (the organiser's form is prefilled with them)."""
    require_organiser(actor)
    planned = plan_meetings(network, after=after, count=count, start=start)
    return make_meetings(
        actor,
        network,
        [(p.occurrence, p.starts_at) for p in planned if p.state == "new"],
        minutes=minutes,
        defaults=defaults,
    )


def _meeting(network: Network, offering_id: int) -> Offering:
    offering = db.session.get(Offering, offering_id)
    if offering is None or offering.network_id != network.id or not offering.active_sessions:
        raise EventError("not_found")
    return offering


def meeting_title(network: Network, starts: datetime) -> str:
    """A planned meeting's title: the network and the meeting's day in Norway."""
    return f"{network.name}: {to_local(starts):%d.%m.%Y}"


def move_meeting(actor, network: Network, offering_id: int, new_day: date, start: time) -> None:
    """Move one meeting to another date and time (length kept); SEQUENCE + 1, people told.
    Not into the past (``in_the_past``): the meeting would drop off every list of coming
    meetings, as planned past meetings did. A title that names the old day (as planning
    made it) names the new one; a title the organiser wrote is kept."""
    require_organiser(actor)
    offering = _meeting(network, offering_id)
    session = offering.active_sessions[0]
    length = session.ends_at - session.starts_at
    starts = to_utc(new_day, start)
    if starts <= utcnow():
        raise EventError("in_the_past")
    renamed = offering.title == meeting_title(network, session.starts_at)
    update_offering(
        actor,
        offering,
        {"title": meeting_title(network, starts)} if renamed else {},
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
    cancel_offering(actor, offering, note="meeting_skipped")


def network_meetings(network: Network, *, upcoming_only: bool = True):
    statement = select(Offering).where(Offering.network_id == network.id)
    offerings = list(db.session.scalars(statement))
    if upcoming_only:
        now = utcnow()
        offerings = [o for o in offerings if o.ends_at and o.ends_at >= now]
    return sorted(offerings, key=lambda o: (o.starts_at or utcnow(), o.id))
