"""CSRF attacks on the public programme's forms (star, unstar), for
tests/test_security_csrf.py's table: each forged POST must be refused and change nothing."""

from __future__ import annotations

from conference_public_support import item_named, make_conference, publish
from registrations_csrf import Attack

from lms.conference.release_models import Star
from lms.extensions import db


def _stars(user_id: int) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(db.select(Star.item_id).where(Star.user_id == user_id)))


def _setup(factory, login, *, starred: bool):
    conference = make_conference()
    publish(conference)
    item = item_named(conference, "Åpning")
    user = factory.user("victim@example.no")
    if starred:
        db.session.add(Star(user_id=user.id, item_id=item.id))
        db.session.commit()
    login(user)
    return conference, item, user.id, _stars(user.id)


def csrf_star(factory, login, client):
    """A forged star would fill the victim's agenda and calendar."""
    conference, item, user_id, before = _setup(factory, login, starred=False)

    def unchanged():
        assert _stars(user_id) == before

    return Attack(f"/conferences/{conference.slug}/items/{item.id}/star", {}, unchanged)


def csrf_unstar(factory, login, client):
    conference, item, user_id, before = _setup(factory, login, starred=True)

    def unchanged():
        assert _stars(user_id) == before

    return Attack(f"/conferences/{conference.slug}/items/{item.id}/unstar", {}, unchanged)


CONFERENCE_PUBLIC_CSRF_ATTACKS = {
    "lms_conference.star": csrf_star,
    "lms_conference.unstar": csrf_unstar,
}
