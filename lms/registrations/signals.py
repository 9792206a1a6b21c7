"""What the registrations area tells the areas above it (the rule of the layers in
docs/ARCHITECTURE.md: a lower area never imports a higher one). Signals are sent
synchronously, inside the transaction of the change; receivers connect in their area's
``init_area``.
"""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace

_signals = Namespace()

# After a person was checked in at one session (flushed): (registration, session=, actor=).
# The learning area checks whether that completes a course and issues its certificate.
session_checked_in = _signals.signal("lms.session-checked-in")


@dataclass(frozen=True)
class PageSection:
    """A part an area above adds to an offering's public page: a heading and its links
    as (text, url) pairs, in order."""

    heading: str
    links: tuple[tuple[str, str], ...]


# Asked while an offering's public page is built: (offering, viewer=). A receiver returns
# a ``PageSection`` or None and changes nothing. The learning area lists the e-learning
# modules of a course this way, so this area needs no import of it.
offering_page_sections = _signals.signal("lms.offering-page-sections")


def page_sections(offering, viewer) -> list[PageSection]:
    """What the areas above add to ``offering``'s page, in the order they answered."""
    answers = offering_page_sections.send(offering, viewer=viewer)
    return [section for _receiver, section in answers if section is not None]
