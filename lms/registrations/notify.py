"""Mail that follows a registration change, queued in the outbox in the recipient's language.

One place decides which mail a status change sends, so every path (participant,
organiser, periodic task) tells people the same way. The request only queues the
row; the worker renders it and builds the ``.ics`` (``lms/mail/rendering.py``).
Values that describe the change (the waiting-list position, the offer's deadline)
are passed as plain values, so the mail tells what was true when it happened.
"""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.mail.outbox import mail_row, queue_mail
from lms.mail.rendering import Ref
from lms.registrations import log_notes, signals
from lms.registrations.models import Registration
from lms.registrations.online_links import sees_online_link
from lms.registrations.seats import waitlist_position
from lms.registrations.statuses import SEAT_TO_COME

MAIL_FOR_STATUS = {
    "pending": "registration_pending",
    "confirmed": "registration_confirmed",
    "waitlisted": "registration_waitlisted",
    "offered": "registration_offered",
    "cancelled": "registration_cancelled",
    "expired": "registration_offer_expired",
    "declined": "registration_declined",
}


# Every mail this area sends, with the calendar files it may carry (area.py declares them):
# a seat's mail carries the .ics, a lost seat's one that marks the same events cancelled.
MAIL_KINDS = {
    **{kind: () for kind in MAIL_FOR_STATUS.values()},
    "registration_confirmed": ("calendar",),
    "registration_cancelled": ("calendar_cancelled",),
    "offering_changed": ("calendar",),
    "registration_message": (),
    "registration_reminder": (),
}


def registration_changed(registration) -> None:
    """Queue the mail for the registration's new status, if that status has one."""
    if registration.status not in MAIL_FOR_STATUS:
        return
    queue_mail(
        **_status_mail(
            registration.user,
            registration.offering,
            registration.status,
            waitlist_position(registration),
            registration.offer_expires_at,
        )
    )


def cancelled(registration, *, held_seat: bool, note: str = "") -> None:
    """The cancellation mail, with the organiser's reason if they gave one. Whoever held
    a seat may have the sessions in their calendar from the confirmation: their mail
    carries a calendar file that marks those same events cancelled."""
    mail = _status_mail(registration.user, registration.offering, "cancelled", None)
    queue_mail(
        **dict(mail, attach=("calendar_cancelled",) if held_seat else ()),
        note="" if log_notes.is_code(note) else note,
        calendar_attached=held_seat,
    )


def registered_mail(user, offering_id: int, status: str, position, kind: str) -> dict:
    """The outbox row ``registration_changed`` would queue for a new registration, as
    column values for the write path that inserts it itself (``fast_register.py``)."""
    return mail_row(
        **_status_mail(user, Ref("lms_offerings", offering_id), status, position, kind=kind)
    )


def _status_mail(
    user, offering, status: str, position, offer_expires_at=None, *, kind: str | None = None
) -> dict:
    """The mail for a registration's status, in one shape for both paths. It refers to
    the person and the offering, not the registration's row: the templates never use
    it, and a new registration's mail then need not wait for the row's id. An area above
    may choose its own mail for an offering of its kind (``signals.status_mail``)."""
    # Confirmed, or promoted from the list: the calendar file comes with it.
    mail_kind = MAIL_FOR_STATUS[status]
    attach = ("calendar",) if status == "confirmed" else ()
    choice = signals.status_mail_choice(kind or offering.kind, status)
    if choice is not None:
        mail_kind, attach = choice.kind, choice.attach
    return {
        "to_address": user.email,
        "kind": mail_kind,
        "language": user.language,
        "attach": attach,
        "user": user,
        "offering": offering,
        "position": position,
        "offer_expires_at": offer_expires_at,
        # The online link (in the text and the calendar file) only with a place.
        "online_link": sees_online_link(status),
    }


def message(registration, subject: str, text: str, sender=None) -> None:
    """Queue an organiser's message about the offering to one participant."""
    message_to(
        registration.user,
        registration.offering,
        subject,
        text,
        sender,
        online_link=sees_online_link(registration.status),
    )


def message_to(
    user, offering, subject: str, text: str, sender=None, online_link: bool = True
) -> None:
    """Queue an organiser's message about ``offering`` to ``user`` (a participant, or the
    organiser's own test copy, which shows the online link as those with a place see it)."""
    queue_mail(
        user.email,
        "registration_message",
        user.language,
        user=user,
        offering=offering,
        message_subject=subject,
        message_text=text,
        sender=sender,
        online_link=online_link,
    )


def reminder(registration) -> None:
    """Queue the reminder a few days before the offering starts."""
    user = registration.user
    queue_mail(
        user.email,
        "registration_reminder",
        user.language,
        user=user,
        offering=registration.offering,
        online_link=sees_online_link(registration.status),
    )


CHANGE_NOTIFIED = SEAT_TO_COME


def offering_changed(offering) -> int:
    """Tell everyone holding (or offered) a seat that a session's time or place changed.

    Called by the events area after it raised the changed sessions' SEQUENCE. Returns
    how many mails were queued.
    """
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
            offering=offering,
            online_link=sees_online_link(registration.status),
        )
    return len(registrations)
