"""Queue mail in the outbox, and hand committed mail to the worker.

The row is added to the caller's session, so it commits or rolls back with the
change that caused it. After a commit, each new message id is put on the huey
queue for prompt delivery; if that enqueue is lost, the periodic sweep finds the
row anyway, so a lost queue message delays mail but never loses it.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from lms.extensions import db
from lms.mail.models import OutboxAttachment, OutboxMessage

_PENDING_KEY = "lms_outbox_ids"
_hooks_installed = False


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for mail, built on ``LMS_BASE_URL`` (mail outlives the request)."""
    base = current_app.config["LMS_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


def render_mail(kind: str, language: str, **context: Any) -> tuple[str, str, str]:
    """Render ``templates/lms/mail/<kind>.txt`` and ``.html`` in ``language``.

    The text template sets ``subject`` at its top level; returns (subject, text, html).
    """
    env = current_app.jinja_env
    context = {"external_url": external_url, **context}
    with force_locale(language):
        text_template = env.get_template(f"lms/mail/{kind}.txt")
        module = text_template.make_module(context)
        subject = str(getattr(module, "subject", "")).strip()
        body_text = str(module).strip() + "\n"
        body_html = env.get_template(f"lms/mail/{kind}.html").render(subject=subject, **context)
    return subject, body_text, body_html


def queue_mail(
    to_address: str,
    kind: str,
    language: str,
    *,
    attachments: list[tuple[str, str, bytes]] = (),
    **context: Any,
) -> OutboxMessage:
    """Write a rendered e-mail to the outbox in the current transaction.

    ``attachments`` are (filename, content type, bytes), e.g. an ``.ics`` file.
    """
    subject, body_text, body_html = render_mail(kind, language, **context)
    domain = current_app.config["LMS_MAIL_FROM"].rpartition("@")[2].rstrip(">").strip()
    message = OutboxMessage(
        message_id=f"<{uuid.uuid4().hex}@{domain or 'lms.local'}>",
        kind=kind,
        to_address=to_address,
        language=language,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=[
            OutboxAttachment(filename=name, content_type=ctype, content=content)
            for name, ctype, content in attachments
        ],
    )
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append(message)
    return message


def install_outbox_hooks() -> None:
    """Listen for commits once per process (sessions are per app, the hook is global)."""
    global _hooks_installed
    if _hooks_installed:
        return
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_soft_rollback", _after_rollback)
    _hooks_installed = True


def _after_commit(session: Session) -> None:
    messages = session.info.pop(_PENDING_KEY, None)
    if not messages:
        return
    from lms.tasks import enqueue_delivery

    for message in messages:
        state = inspect(message)
        # A row flushed inside a savepoint that was rolled back is transient again:
        # it was never committed, and its id may already belong to another row.
        if state.persistent:
            enqueue_delivery(state.identity[0])


def _after_rollback(session: Session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_PENDING_KEY, None)
