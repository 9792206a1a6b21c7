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
    queue_mail(
        user.email,
        kind,
        user.language,
        user=user,
        registration=registration,
        offering=registration.offering,
        position=waitlist_position(registration),
    )
