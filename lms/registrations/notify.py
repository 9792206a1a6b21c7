"""Mail that follows a registration change, queued in the outbox in the recipient's language.

One place decides which mail a status change sends, so every path (participant,
organiser, periodic task) tells people the same way. The request only queues the
row; the worker renders it and builds the ``.ics`` (``lms/mail/rendering.py``).
Values that describe the change (the waiting-list position, the offer's deadline)
are passed as plain values, so the mail tells what was true when it happened.
"""

from __future__ import annotations

from lms.mail.outbox import mail_row, queue_mail
from lms.mail.rendering import Ref

MAIL_FOR_STATUS = {
    "pending": "registration_pending",
    "confirmed": "registration_confirmed",
    "waitlisted": "registration_waitlisted",
    "offered": "registration_offered",
    "cancelled": "registration_cancelled",
    "expired": "registration_offer_expired",
    "declined": "registration_declined",
}


def registration_changed(registration) -> None:
    """Queue the mail for the registration's new status, if that status has one."""
    kind = MAIL_FOR_STATUS.get(registration.status)
    if kind is None:
        return
    from lms.registrations.services import waitlist_position

    user = registration.user
    queue_mail(
        user.email,
        kind,
        user.language,
        attach=_attachments_for(registration.status),
        user=user,
        registration=registration,
        offering=registration.offering,
        position=waitlist_position(registration),
        offer_expires_at=registration.offer_expires_at,
    )


def registered_mail(user, offering_id: int, status: str, position) -> dict:
    """The outbox row ``registration_changed`` would queue for a new registration, as
    column values for the write path that inserts it itself (``lean.py``). The templates
    need the person, the offering and the position, not the registration's row, so the
    mail does not wait for the registration's id."""
    return mail_row(
        user.email,
        MAIL_FOR_STATUS[status],
        user.language,
        attach=_attachments_for(status),
        user=user,
        offering=Ref("lms_offerings", offering_id),
        position=position,
        offer_expires_at=None,
    )


def _attachments_for(status: str) -> tuple[str, ...]:
    # Confirmed, or promoted from the list: the calendar file comes with it.
    return ("calendar",) if status == "confirmed" else ()


def message(registration, subject: str, text: str, sender=None) -> None:
    """Queue an organiser's message about the offering to one participant."""
    user = registration.user
    queue_mail(
        user.email,
        "registration_message",
        user.language,
        user=user,
        registration=registration,
        offering=registration.offering,
        message_subject=subject,
        message_text=text,
        sender=sender,
    )


def reminder(registration) -> None:
    """Queue the reminder a few days before the offering starts."""
    user = registration.user
    queue_mail(
        user.email,
        "registration_reminder",
        user.language,
        user=user,
        registration=registration,
        offering=registration.offering,
    )


CHANGE_NOTIFIED = ("confirmed", "offered")


def offering_changed(offering) -> int:
    """Tell everyone holding (or offered) a seat that a session's time or place changed.

    Called by the events area after it raised the changed sessions' SEQUENCE. Returns
    how many mails were queued.
    """
    from sqlalchemy import select

    from lms.extensions import db
    from lms.registrations.models import Registration

    registrations = db.session.scalars(
        select(Registration)
        .where(
            Registration.offering_id == offering.id,
            Registration.status.in_(CHANGE_NOTIFIED),
        )
        .order_by(Registration.id)
    ).all()
    for registration in registrations:
        user = registration.user
        queue_mail(
            user.email,
            "offering_changed",
            user.language,
            attach=("calendar",),
            user=user,
            registration=registration,
            offering=offering,
        )
    return len(registrations)
