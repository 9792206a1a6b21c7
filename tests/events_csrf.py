"""CSRF attacks on the events area's forms, for tests/test_security_csrf.py's table:
each forged POST (no token) must be refused and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

from factories import make, year_like
from sqlalchemy import func, select

from lms.events import networks
from lms.events.models import Network, NetworkMembership, Offering
from lms.extensions import db

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2031 = year_like(2031)
Y2032 = year_like(2032)


@dataclass
class Attack:
    """Same shape as test_security_csrf.Attack: a forged POST and what must not change."""

    path: str
    data: dict
    unchanged: Callable[[], None]


def _attack():
    return Attack


def _same(actual_fn, expected):
    def check():
        db.session.expire_all()
        assert actual_fn() == expected

    return check


def _organiser(factory, login):
    user = factory.user("victim@example.no", roles=("organiser",))
    login(user)
    return user


def _offerings():
    return db.session.scalar(select(func.count()).select_from(Offering))


def _status(offering_id):
    return lambda: db.session.get(Offering, offering_id).status


def _network(organiser, membership="open"):
    network = Network(name="Nettverk", membership=membership, recurrence_rule="FREQ=MONTHLY")
    db.session.add(network)
    db.session.flush()
    [meeting] = networks.generate_meetings(
        organiser, network, after=date(Y2031, 1, 1), start=time(9), minutes=60, count=1
    )
    db.session.commit()
    return network, meeting


def csrf_new(factory, login, client):
    _organiser(factory, login)
    return _attack()("/manage/offerings/new", {"title": "X"}, _same(_offerings, 0))


def csrf_edit(factory, login, client):
    _organiser(factory, login)
    made = make.offering("Original")
    return _attack()(
        f"/manage/offerings/{made.id}",
        {"title": "Hacked"},
        _same(lambda: db.session.get(Offering, made.id).title, "Original"),
    )


def _status_attack(action, status="published"):
    def make(factory, login, client):
        _organiser(factory, login)
        made = factory.offering(status=status)
        return _attack()(
            f"/manage/offerings/{made.id}/{action}", {}, _same(_status(made.id), status)
        )

    return make


def csrf_duplicate(factory, login, client):
    _organiser(factory, login)
    made = make.offering()
    return _attack()(
        f"/manage/offerings/{made.id}/duplicate", {"weeks": "52"}, _same(_offerings, 1)
    )


def csrf_delete(factory, login, client):
    _organiser(factory, login)
    made = factory.offering(status="draft")
    return _attack()(f"/manage/offerings/{made.id}/delete", {}, _same(_offerings, 1))


def _memberships():
    return db.session.scalar(select(func.count()).select_from(NetworkMembership))


def csrf_join(factory, login, client):
    user = factory.user("victim@example.no")
    login(user)
    network, _meeting = _network(factory.user("o@example.no", roles=("organiser",)))
    return _attack()(f"/networks/{network.id}/join", {}, _same(_memberships, 0))


def csrf_leave(factory, login, client):
    user = factory.user("victim@example.no")
    login(user)
    network, _meeting = _network(factory.user("o@example.no", roles=("organiser",)))
    db.session.add(NetworkMembership(network_id=network.id, user_id=user.id))
    db.session.commit()
    return _attack()(f"/networks/{network.id}/leave", {}, _same(_memberships, 1))


def csrf_create_network(factory, login, client):
    _organiser(factory, login)
    data = {"name": "N", "membership": "open", "recurrence_rule": "FREQ=MONTHLY"}
    count = lambda: db.session.scalar(select(func.count()).select_from(Network))  # noqa: E731
    return _attack()("/manage/networks", data, _same(count, 0))


def csrf_generate(factory, login, client):
    organiser = _organiser(factory, login)
    network, _meeting = _network(organiser)
    data = {"after": f"{Y2032}-01-01", "start": "09:00", "minutes": "60", "count": "3"}
    return _attack()(f"/manage/networks/{network.id}/meetings", data, _same(_offerings, 1))


def csrf_member(factory, login, client):
    organiser = _organiser(factory, login)
    network, _meeting = _network(organiser, "approval")
    waiting = factory.user("waiting@example.no")
    db.session.add(NetworkMembership(network_id=network.id, user_id=waiting.id, status="pending"))
    db.session.commit()
    status = lambda: db.session.get(NetworkMembership, (network.id, waiting.id)).status  # noqa: E731
    return _attack()(
        f"/manage/networks/{network.id}/members/{waiting.id}/approve", {}, _same(status, "pending")
    )


def csrf_move(factory, login, client):
    organiser = _organiser(factory, login)
    network, meeting = _network(organiser)
    starts = meeting.sessions[0].starts_at
    moved = lambda: db.session.get(Offering, meeting.id).sessions[0].starts_at  # noqa: E731
    return _attack()(
        f"/manage/networks/{network.id}/meetings/{meeting.id}/move",
        {"day": f"{Y2031}-02-20", "start": "13:00"},
        _same(moved, starts),
    )


def csrf_skip(factory, login, client):
    organiser = _organiser(factory, login)
    network, meeting = _network(organiser)
    return _attack()(
        f"/manage/networks/{network.id}/meetings/{meeting.id}/skip",
        {},
        _same(_status(meeting.id), "published"),
    )


def csrf_network_settings(factory, login, client):
    organiser = _organiser(factory, login)
    network, _meeting = _network(organiser)
    data = {"network-name": "Hacked", "network-recurrence_rule": "FREQ=WEEKLY"}
    name = lambda: db.session.get(Network, network.id).name  # noqa: E731
    return _attack()(f"/manage/networks/{network.id}/settings", data, _same(name, "Nettverk"))


EVENTS_CSRF_ATTACKS = {
    "lms_events.manage_new": csrf_new,
    "lms_events.manage_edit": csrf_edit,
    "lms_events.manage_publish": _status_attack("publish", "draft"),
    "lms_events.manage_cancel": _status_attack("cancel"),
    "lms_events.manage_archive": _status_attack("archive"),
    "lms_events.manage_duplicate": csrf_duplicate,
    "lms_events.manage_delete": csrf_delete,
    "lms_events.network_join": csrf_join,
    "lms_events.network_leave": csrf_leave,
    "lms_events.manage_networks": csrf_create_network,
    "lms_events.manage_network_generate": csrf_generate,
    "lms_events.manage_network_settings": csrf_network_settings,
    "lms_events.manage_network_member": csrf_member,
    "lms_events.manage_network_move": csrf_move,
    "lms_events.manage_network_skip": csrf_skip,
}
