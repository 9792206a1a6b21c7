"""Deliver outbox rows over SMTP, with retry and exponential backoff.

A row is claimed with a conditional UPDATE (pending → sending) committed before
the SMTP conversation, so two workers never send the same row at once. The claimed
row is rendered (once, stored, committed) before the first attempt, so retries send
the same mail. Without SMTP, the worker still renders rows for ``/admin/mail``. A row
left in ``sending`` by a crashed worker is released by the sweep after
``STALE_AFTER``; the Message-ID stays the same, so a resend is one mail to the
reader, not two.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import or_, select, update

from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.rendering import materialize
from lms.timeutil import utcnow

STALE_AFTER = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """Wait 30 s, 1 min, 2 min, … up to an hour between attempts."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def smtp_configured() -> bool:
    return bool(current_app.config["LMS_SMTP_HOST"])


def build_email(message: OutboxMessage) -> EmailMessage:
    """The MIME message for a row: text with an HTML alternative."""
    email = EmailMessage()
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email["From"] = current_app.config["LMS_MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    # Last: set_content and add_alternative drop or move every Content-* header before them.
    email["Content-Language"] = message.language
    return email


def send_email(email: EmailMessage) -> None:
    """Hand one message to the configured SMTP server."""
    config = current_app.config
    with smtplib.SMTP(
        config["LMS_SMTP_HOST"], config["LMS_SMTP_PORT"], timeout=config["LMS_SMTP_TIMEOUT"]
    ) as smtp:
        if config["LMS_SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["LMS_SMTP_USERNAME"]:
            smtp.login(config["LMS_SMTP_USERNAME"], config["LMS_SMTP_PASSWORD"])
        smtp.send_message(email)


def _claim(message_id: int) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
        )
        .values(status="sending", locked_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_message(message_id: int) -> str:
    """Try to send one message now. Returns its status afterwards (or ``skipped``)."""
    if not smtp_configured():
        render_quietly(message_id)
        return "skipped"
    if not _claim(message_id):
        return "skipped"
    try:
        materialize(message_id)  # a no-op when an earlier attempt rendered it
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        send_email(build_email(message))
    except (OSError, smtplib.SMTPException) as error:
        _attempt_failed(message_id, error)
    except Exception as error:  # rendering (a template, a row gone) or building the MIME
        current_app.logger.exception("mail %s could not be prepared", message_id)
        _attempt_failed(message_id, error)
    else:
        message.status = "sent"
        message.sent_at = utcnow()
        message.locked_at = None
        message.last_error = ""
        db.session.commit()
    return db.session.get(OutboxMessage, message_id).status


def _attempt_failed(message_id: int, error: Exception) -> None:
    """Back to ``pending`` after a backoff, or ``failed`` after the last attempt."""
    db.session.rollback()
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    message.last_error = f"{type(error).__name__}: {error}"[:1000]
    message.locked_at = None
    if message.attempts >= current_app.config["LMS_MAIL_MAX_ATTEMPTS"]:
        message.status = "failed"
        current_app.logger.error("mail %s failed for good: %s", message.id, error)
    else:
        message.status = "pending"
        message.next_attempt_at = utcnow() + backoff(message.attempts)
        current_app.logger.warning("mail %s not sent, will retry: %s", message.id, error)
    db.session.commit()


def render_quietly(message_id: int) -> bool:
    """Render a row with no SMTP to send it to (for ``/admin/mail``); log what fails."""
    try:
        return materialize(message_id)
    except Exception:
        current_app.logger.exception("mail %s could not be rendered", message_id)
        return False


def release_stale_claims() -> int:
    """Put rows whose worker died mid-send back in the queue."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == "sending",
            or_(
                OutboxMessage.locked_at.is_(None), OutboxMessage.locked_at < utcnow() - STALE_AFTER
            ),
        )
        .values(status="pending", locked_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def sweep_outbox(limit: int = 200) -> int:
    """Deliver every message that is due. Returns how many were sent."""
    if not smtp_configured():
        return 0
    release_stale_claims()
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    return sum(deliver_message(message_id) == "sent" for message_id in due)
