"""Mail that follows a registration change, queued in the outbox in the recipient's language.

One place decides which mail a status change sends, so every path (participant,
organiser, periodic task) tells people the same way.
"""

from __future__ import annotations

from lms.mail.outbox import queue_mail

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
    attachments = []
    if registration.status == "confirmed":  # confirmed, or promoted from the list
        from lms.calendar.files import offering_attachment

        attachments.append(offering_attachment(registration.offering))
    queue_mail(
        user.email,
        kind,
        user.language,
        attachments=attachments,
        user=user,
        registration=registration,
        offering=registration.offering,
        position=waitlist_position(registration),
    )


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
    from lms.calendar.files import offering_attachment

    attachment = offering_attachment(offering) if registrations else None
    for registration in registrations:
        user = registration.user
        queue_mail(
            user.email,
            "offering_changed",
            user.language,
            attachments=[attachment],
            user=user,
            registration=registration,
            offering=offering,
        )
    return len(registrations)
