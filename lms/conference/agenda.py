"""Personal agendas: the items a person stars, read against the newest release.

Services flush, never commit. A star names the item (its id, which the snapshot keeps),
so an agenda always shows the item as the newest release has it: moved, changed or
cancelled.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lms.conference.models import Conference, Item
from lms.conference.programme import Programme, ProgrammeItem
from lms.conference.release_models import Star
from lms.core.service_errors import PermissionDenied, ServiceError
from lms.extensions import db


class AgendaError(ServiceError):
    """A star refused: ``not_found`` (no such item in the published programme),
    ``cancelled`` (a cancelled item cannot be added)."""


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def starred_ids(user, conference: Conference) -> set[int]:
    """The ids of the conference's items ``user`` has starred (none when signed out)."""
    if not _signed_in(user):
        return set()
    return set(
        db.session.scalars(
            select(Star.item_id)
            .join(Item, Item.id == Star.item_id)
            .where(Star.user_id == user.id, Item.conference_id == conference.id)
        )
    )


def agenda_items(user, conference: Conference, programme: Programme) -> list[ProgrammeItem]:
    """``user``'s starred items as the release ``programme`` has them, in time order
    (cancelled ones too, so the person sees they are)."""
    ids = starred_ids(user, conference)
    return [item for item in programme.items if item.id in ids]


def star(user, conference: Conference, programme: Programme, item_id: int) -> bool:
    """Put the published item ``item_id`` in ``user``'s agenda; False when it already
    was. Refused for an item the release does not have, has cancelled, or that is a break."""
    if not _signed_in(user):
        raise PermissionDenied()
    item = programme.item(item_id)
    if item is None:
        raise AgendaError("not_found")
    if item.cancelled:
        raise AgendaError("cancelled")
    if not item.starrable:
        raise AgendaError("not_starrable")
    if item_id in starred_ids(user, conference):
        return False
    try:
        # Two presses at once: the unique constraint keeps one star, the other is a no-op.
        with db.session.begin_nested():
            db.session.add(Star(user_id=user.id, item_id=item_id))
    except IntegrityError:
        return False
    return True


def unstar(user, conference: Conference, item_id: int) -> bool:
    """Take the item out of ``user``'s agenda; False when it was not in it."""
    if not _signed_in(user):
        raise PermissionDenied()
    if item_id not in starred_ids(user, conference):
        return False
    db.session.execute(delete(Star).where(Star.user_id == user.id, Star.item_id == item_id))
    db.session.flush()
    return True


def agenda_days(items: list[ProgrammeItem]) -> list[tuple]:
    """The agenda's items grouped by day: ``[(day, [items])]`` in time order."""
    days: dict = {}
    for item in items:
        days.setdefault(item.day, []).append(item)
    return sorted(days.items())
