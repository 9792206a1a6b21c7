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


# After a registration's status was written, in the same transaction, with the offering's
# kind as sender: (kind, registration=, registration_id=, offering_id=, status=).
# ``registration`` is the ORM object (its id may still be None), or None from the write
# path, which gives the id.
# The conference area gives a conference registration that has a place its attendee code.
status_written = _signals.signal("lms.registration-status-written")


@dataclass(frozen=True)
class MailChoice:
    """The mail an area above sends for a status instead of this area's own: its kind
    (declared by that area) and the attachments it carries."""

    kind: str
    attach: tuple[str, ...]


# Asked, with the offering's kind as sender, when the mail for a registration's status is
# queued: (kind, status=). A receiver returns a ``MailChoice`` or None and changes nothing
# (the conference's confirmation carries the attendee's QR code).
status_mail = _signals.signal("lms.registration-status-mail")


def status_mail_choice(offering_kind: str, status: str) -> MailChoice | None:
    """The mail an area above chose for ``status`` on an offering of ``offering_kind``."""
    for _receiver, choice in status_mail.send(offering_kind, status=status):
        if choice is not None:
            return choice
    return None


def page_sections(offering, viewer) -> list[PageSection]:
    """What the areas above add to ``offering``'s page, in the order they answered."""
    answers = offering_page_sections.send(offering, viewer=viewer)
    return [section for _receiver, section in answers if section is not None]
