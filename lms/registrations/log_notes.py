"""What a registration log row's note says: a code the code writes for itself, stored as
it is and translated when shown, or an organiser's own words (a cancellation's reason),
shown and mailed as they were written.

A stored English sentence would be shown in English to a Norwegian organiser; a code is
translated into the reader's language. The events area passes its codes through its
signals as plain strings (``offering_cancelled``, ``meeting_skipped``, ``left_network``,
``removed_from_network``: it cannot import this module), and they are listed here.
Rows written before the codes hold the English sentences; ``LEGACY`` reads them as codes.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

APPROVED = "approved"
PROMOTED = "promoted_from_waitlist"
PROMOTED_BY_HAND = "promoted_by_organiser"
OFFERED = "seat_offered"
OFFER_ACCEPTED = "offer_accepted"
OFFER_EXPIRED = "offer_expired"
CANCELLED_BY_ORGANISER = "cancelled_by_organiser"
OFFERING_CANCELLED = "offering_cancelled"
MEETING_SKIPPED = "meeting_skipped"
LEFT_NETWORK = "left_network"
REMOVED_FROM_NETWORK = "removed_from_network"
IMPORTED = "imported"
_MOVED = "moved_to_position"

LABELS = {
    APPROVED: _l("approved"),
    PROMOTED: _l("promoted from the waiting list"),
    PROMOTED_BY_HAND: _l("given a place by an organiser"),
    OFFERED: _l("a free place offered"),
    OFFER_ACCEPTED: _l("offer accepted"),
    OFFER_EXPIRED: _l("offer expired"),
    CANCELLED_BY_ORGANISER: _l("cancelled by an organiser"),
    OFFERING_CANCELLED: _l("the offering was cancelled"),
    MEETING_SKIPPED: _l("the meeting was skipped"),
    LEFT_NETWORK: _l("left the network"),
    REMOVED_FROM_NETWORK: _l("removed from the network"),
    IMPORTED: _l("imported from a file"),
}

# The English sentences rows held before the codes.
LEGACY = {
    "approved": APPROVED,
    "promoted from the waiting list": PROMOTED,
    "promoted by an organiser": PROMOTED_BY_HAND,
    "seat offered": OFFERED,
    "offer accepted": OFFER_ACCEPTED,
    "offer expired": OFFER_EXPIRED,
    "cancelled by an organiser": CANCELLED_BY_ORGANISER,
    "offering cancelled": OFFERING_CANCELLED,
    "meeting skipped": MEETING_SKIPPED,
    "left the network": LEFT_NETWORK,
    "removed from the network": REMOVED_FROM_NETWORK,
    "imported from a file": IMPORTED,
}
_MOVED_RE = re.compile(rf"^(?:{_MOVED}:|moved to position )(\d+)$")


def moved_to(position: int) -> str:
    """The code for a move in the waiting list, with the new position."""
    return f"{_MOVED}:{int(position)}"


def is_code(note: str | None) -> bool:
    """Whether a note is the code's own (never mailed as the organisers' message)."""
    note = note or ""
    return note in LABELS or note in LEGACY or bool(_MOVED_RE.match(note))


def note_text(note: str | None) -> str:
    """The note in the reader's language; an organiser's own words as written."""
    note = note or ""
    code = LEGACY.get(note, note)
    if code in LABELS:
        return str(LABELS[code])
    moved = _MOVED_RE.match(note)
    if moved:
        return _("moved to number %(n)s in line", n=int(moved.group(1)))
    return note
