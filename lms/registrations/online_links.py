"""Who sees an offering's online meeting link: the one rule for every surface.

The link lets anyone who has it join, so showing it to every visitor makes the capacity
(and a members-only network's membership) mean nothing. It is for those with a place
(``statuses.HAS_PLACE``) and those who run the offering (``Offering.can_edit``:
organisers and its instructors). Those waiting (on the list, for approval, or with a
seat offered but not yet taken) get it when their place is confirmed, with the
confirmation mail. The offering's page, the API, the network and personal calendar
feeds and the mails all ask here; the public ``.ics`` download, the same file for
everyone, never carries it.

It lives in the registrations area because it asks about registrations.
"""

from __future__ import annotations

from sqlalchemy import select

from lms.events.models import Offering, offering_instructors
from lms.extensions import db
from lms.registrations.models import Registration
from lms.registrations.statuses import HAS_PLACE


def sees_online_link(registration_status: str | None) -> bool:
    """Whether a registration in ``registration_status`` (None: none) gives the link."""
    return registration_status in HAS_PLACE


def online_url_for(user, offering: Offering) -> str:
    """The offering's online link as ``user`` may see it ("" when not theirs to see)."""
    if not offering.online_url:
        return ""
    return offering.online_url if offering.id in linked_offerings(user, [offering.id]) else ""


def linked_offerings(user, offering_ids) -> set[int]:
    """Of ``offering_ids``, those whose online link ``user`` may see, in at most two
    queries for a whole listing (none for an anonymous visitor)."""
    ids = set(offering_ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    if user.has_role("organiser"):
        return ids
    placed = select(Registration.offering_id).where(
        Registration.user_id == user.id,
        Registration.offering_id.in_(ids),
        Registration.status.in_(HAS_PLACE),
    )
    teaching = select(offering_instructors.c.offering_id).where(
        offering_instructors.c.user_id == user.id,
        offering_instructors.c.offering_id.in_(ids),
    )
    return set(db.session.scalars(placed.union(teaching)))
