"""Rules of the events area that every surface asks: who may see an offering, who runs
offerings; and the area's refusals (``EventError``). Who sees an offering's online link
asks about registrations: ``lms/registrations/online_links.py``.

Managing offerings lives in ``manage.py``, networks in ``networks.py``; the catalogue,
which counts seats, in the registrations area. Services take the acting user, check
what that user may do (raising ``PermissionDenied``), ``flush()`` and never commit.
"""

from __future__ import annotations

from sqlalchemy import select

from lms.core.service_errors import PermissionDenied, ServiceError
from lms.events.models import NetworkMembership, Offering
from lms.extensions import db

# An offering in these statuses has a public page (and API answer and calendar file) for
# everyone: a cancelled or archived one keeps it, so the links and calendar entries people
# hold still say what became of it. A draft is seen only by those who may edit it.
PUBLIC_STATUSES = ("published", "cancelled", "archived")


class EventError(ServiceError):
    """A refused operation on an offering or a network; ``code`` says why."""


class CapacityWarning(EventError):
    """A new capacity is below the seats already held; the organiser must confirm it."""

    def __init__(self, held: int, capacity: int) -> None:
        super().__init__("over_capacity")
        self.held, self.capacity = held, capacity


def may_see(user, offering: Offering) -> bool:
    """Whether ``user`` may see ``offering`` at all: its page, its API answer, its calendar
    file, and registering for it. One rule for every surface (``PUBLIC_STATUSES``; the
    write path, which reads columns under the lock, applies the same set)."""
    return offering.status in PUBLIC_STATUSES or offering.can_edit(user)


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


# --- shared by manage.py and networks.py -------------------------------------------------------


def require_organiser(actor) -> None:
    """Creating, publishing and cancelling offerings and running networks is for organisers."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_role("organiser"):
        raise PermissionDenied()
