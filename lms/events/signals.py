"""What the events area tells the areas above it when an offering or a membership changes.

The rule of the layers (docs/ARCHITECTURE.md): a lower area never imports a higher one.
When a change it owns must cause work above it, the service that makes the change sends
one of these signals, synchronously, inside the same transaction; the higher area
connects its receivers in its ``init_area``. A receiver may refuse the change by raising
a ``ServiceError`` (the caller then rolls back), and returns how many things it changed.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Before an offering's capacity changes: (offering, actor=, capacity=, allow_below_held=).
# Receivers check the new number against what they hold (and may raise CapacityWarning),
# then apply it; the events area sets it afterwards when nobody did.
capacity_changing = _signals.signal("lms.offering-capacity-changing")

# After sessions of an offering moved, were added or removed, or its place changed, all
# flushed: (offering,). Receivers re-arm reminders and tell those holding a seat.
offering_rescheduled = _signals.signal("lms.offering-rescheduled")

# After an offering was cancelled whole (its sessions marked cancelled, flushed):
# (offering, actor=, note=). Receivers cancel what depended on it; each returns a count.
# A note is an organiser's own words, or a code (``meeting_skipped``) that the
# registrations area translates when it shows its log (``registrations/log_notes.py``).
offering_cancelled = _signals.signal("lms.offering-cancelled")

# After a person's approved membership of a network ended (they left, or were removed):
# (network, actor=, user_id=, note=). Receivers end what needed the membership. The note
# is a code: ``left_network`` or ``removed_from_network``.
membership_ended = _signals.signal("lms.network-membership-ended")

# Questions asked before a confirmation page, so it can say what the change would do; the
# receivers change nothing. (offering,): how many people cancelling it would tell.
cancellation_reach = _signals.signal("lms.offering-cancellation-reach")
# (network, user_id=): the offerings whose places that person would lose by leaving.
places_needing_membership = _signals.signal("lms.network-places-needing-membership")

# Before a draft is deleted: (offering,). A receiver that holds anything for it (a
# registration) refuses by raising a ``ServiceError``.
offering_deleting = _signals.signal("lms.offering-deleting")


def total(results) -> int:
    """The sum of what the receivers of one ``send`` returned (None counts as 0)."""
    return sum(value or 0 for _receiver, value in results)


def gathered(results) -> list:
    """The lists the receivers of one ``send`` returned, as one list."""
    return [item for _receiver, value in results for item in value or ()]
