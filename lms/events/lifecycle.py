"""What an organiser is shown before a change that cannot be undone, and deleting a draft.

The confirmation pages ask these first: how many people cancelling an offering would
tell, which places leaving a network would cancel. The counts belong to the area above
(registrations), so they are asked through signals (``events.signals``) whose receivers
change nothing. Services take the acting user, check what that user may do, ``flush()``
and never commit.
"""

from __future__ import annotations

from lms.events import signals
from lms.events.models import Network, Offering
from lms.events.services import EventError, require_organiser
from lms.extensions import db


def cancellation_reach(actor, offering: Offering) -> int:
    """How many people cancelling ``offering`` would cancel and tell by e-mail."""
    require_organiser(actor)
    return signals.total(signals.cancellation_reach.send(offering))


def places_lost_by_leaving(user, network: Network) -> list[Offering]:
    """The coming members-only meetings of ``network`` whose places ``user`` would lose
    by leaving (``leave_network`` cancels them), soonest first."""
    return _places(network, user.id)


def places_lost_by_removal(actor, network: Network, user_id: int) -> list[Offering]:
    """What ``remove_member`` would cancel for ``user_id`` (organisers only)."""
    require_organiser(actor)
    return _places(network, user_id)


def _places(network: Network, user_id: int) -> list[Offering]:
    offerings = signals.gathered(signals.places_needing_membership.send(network, user_id=user_id))
    return sorted(offerings, key=lambda o: (o.starts_at, o.id))


def may_delete(offering: Offering) -> bool:
    """Only a draft can be deleted (and only while nobody is registered: the service
    asks the registrations area)."""
    return offering.status == "draft"


def delete_draft(actor, offering: Offering) -> None:
    """Delete a draft that nobody is registered for (organisers only). A published
    offering is cancelled instead, so the people told and their calendars keep it."""
    require_organiser(actor)
    if not may_delete(offering):
        raise EventError("not_deletable")
    signals.offering_deleting.send(offering)  # a receiver holding registrations refuses
    db.session.delete(offering)
    db.session.flush()
