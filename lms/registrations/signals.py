"""What the registrations area tells the areas above it (the rule of the layers in
docs/ARCHITECTURE.md: a lower area never imports a higher one). Signals are sent
synchronously, inside the transaction of the change; receivers connect in their area's
``init_area``.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# After a person was checked in at one session (flushed): (registration, session=, actor=).
# The learning area checks whether that completes a course and issues its certificate.
session_checked_in = _signals.signal("lms.session-checked-in")
