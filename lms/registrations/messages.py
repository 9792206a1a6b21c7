"""Organisers' messages to an offering's participants: who an audience reaches, the mail
as they will read it, a test copy to oneself, and sending, which is kept
(``SentMessage``) so every organiser of the offering sees what went out.

Each operation checks ``can_manage`` itself, ``flush()``es and never commits.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.events.models import Offering
from lms.extensions import db
from lms.mail.rendering import render_mail
from lms.registrations import notify
from lms.registrations.models import Registration, SentMessage
from lms.registrations.services import RegistrationError, can_manage
from lms.registrations.statuses import ACTIVE, HAS_PLACE

# Who a message to participants reaches. "places": everyone holding a place, and after
# the event everyone who had one (checked in or not), so a follow-up still arrives.
# "selected": those an organiser ticked on the participant list, if still registered.
MESSAGE_AUDIENCES = {
    "places": HAS_PLACE,
    "everyone": ACTIVE,
    "selected": ACTIVE,
}
MESSAGE_KIND = "registration_message"


def audience_sizes(offering: Offering, selected=()) -> dict[str, int]:
    """How many each audience of ``MESSAGE_AUDIENCES`` holds, from one count by status
    (and, for "selected", by the ids given)."""
    by_status = dict(
        db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.offering_id == offering.id)
            .group_by(Registration.status)
        ).all()
    )
    sizes = {
        name: sum(by_status.get(status, 0) for status in statuses)
        for name, statuses in MESSAGE_AUDIENCES.items()
        if name != "selected"
    }
    sizes["selected"] = len(recipients(offering, "selected", selected)) if selected else 0
    return sizes


def recipients(offering: Offering, audience: str, selected=()) -> list[Registration]:
    """The registrations ``audience`` reaches (for "selected": of the ids in ``selected``)."""
    statement = select(Registration).where(
        Registration.offering_id == offering.id,
        Registration.status.in_(MESSAGE_AUDIENCES[audience]),
    )
    if audience == "selected":
        statement = statement.where(Registration.id.in_(list(selected)))
    return list(
        db.session.scalars(
            statement.options(selectinload(Registration.user)).order_by(Registration.id)
        )
    )


def _managed(actor, offering_id: int) -> Offering:
    offering = db.session.get(Offering, offering_id)
    if offering is None or not can_manage(actor, offering):
        raise RegistrationError("not_found")
    return offering


def preview(actor, offering_id: int, subject: str, text: str, language: str):
    """``(subject, text)`` of the mail as a recipient reads it (in ``language``), with the
    sender's own name where each recipient sees theirs."""
    offering = _managed(actor, offering_id)
    mail_subject, body, _html = render_mail(
        MESSAGE_KIND,
        language,
        user=actor,
        offering=offering,
        message_subject=subject,
        message_text=text,
        sender=actor,
    )
    return mail_subject, body


def send_test(actor, offering_id: int, subject: str, text: str) -> None:
    """Queue the message to the sender alone, as the participants would get it."""
    offering = _managed(actor, offering_id)
    notify.message_to(actor, offering, subject, text, sender=actor)


def send(actor, offering_id: int, subject: str, text: str, audience: str, selected=()):
    """Queue ``subject`` and ``text`` to the ``audience`` and keep a ``SentMessage``;
    refuses (``no_recipients``) a message that would reach nobody. Returns the record."""
    offering = _managed(actor, offering_id)
    reached = recipients(offering, audience, selected)
    if not reached:
        raise RegistrationError("no_recipients")
    for registration in reached:
        notify.message(registration, subject, text, sender=actor)
    record = SentMessage(
        offering_id=offering.id,
        sender_id=actor.id,
        audience=audience,
        subject=subject,
        text=text,
        recipients=len(reached),
    )
    db.session.add(record)
    db.session.flush()
    return record


def sent_messages(offering: Offering) -> list[SentMessage]:
    """The messages sent about ``offering``, newest first."""
    return list(
        db.session.scalars(
            select(SentMessage)
            .where(SentMessage.offering_id == offering.id)
            .order_by(SentMessage.sent_at.desc(), SentMessage.id.desc())
            .options(selectinload(SentMessage.sender))
        )
    )
