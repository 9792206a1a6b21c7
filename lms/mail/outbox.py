"""Queue mail in the outbox, and hand committed mail to the worker.

The row is added to the caller's session, so it commits or rolls back with the
change that caused it. It holds what the mail needs to be rendered, not the mail:
the worker renders it (``lms/mail/rendering.py``), so the request stays cheap.
After a commit, each new message id is put on the huey queue for prompt delivery;
if that enqueue is lost, the periodic sweep finds the row anyway, so a lost queue
message delays mail but never loses it.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from lms.core.queue import enqueue
from lms.extensions import db
from lms.mail.models import OutboxAttachment, OutboxMessage
from lms.mail.rendering import check_mail_kind, dump_context, render_mail

__all__ = ["install_outbox_hooks", "queue_mail", "render_mail"]

_PENDING_KEY = "lms_outbox_ids"
_hooks_installed = False


def queue_mail(
    to_address: str,
    kind: str,
    language: str,
    *,
    attach: tuple[str, ...] = (),
    attachments: list[tuple[str, str, bytes]] = (),
    **context: Any,
) -> OutboxMessage:
    """Write an e-mail to the outbox in the current transaction, to be rendered later.

    ``context`` is what ``templates/lms/mail/<kind>.txt``/``.html`` get: model instances
    (kept by reference, loaded when the worker renders) and plain values (kept as they
    are now). ``attach`` names attachments built at render time (``"calendar"``: the
    offering's ``.ics``); ``attachments`` are ready (filename, content type, bytes).
    """
    message = OutboxMessage(
        **mail_row(to_address, kind, language, attach=attach, **context),
        attachments=[
            OutboxAttachment(filename=name, content_type=ctype, content=content)
            for name, ctype, content in attachments
        ],
    )
    db.session.add(message)  # INSERTed with the rest of the change (at the latest on commit)
    db.session.info.setdefault(_PENDING_KEY, []).append(message)
    return message


def mail_row(
    to_address: str, kind: str, language: str, *, attach: tuple[str, ...] = (), **context: Any
) -> dict[str, Any]:
    """The outbox row ``queue_mail`` writes, as column values, for a write path that
    inserts it itself without the ORM's flush (registering in a rush,
    ``lms/registrations/fast_register.py``); it then calls ``hand_over`` with the row's id."""
    check_mail_kind(kind, tuple(attach))
    domain = current_app.config["LMS_MAIL_FROM"].rpartition("@")[2].rstrip(">").strip()
    return {
        "message_id": f"<{uuid.uuid4().hex}@{domain or 'lms.local'}>",
        "kind": kind,
        "to_address": to_address,
        "language": language,
        "context": dump_context(context, tuple(attach)),
    }


def insert_mail_row(values: dict[str, Any]) -> int:
    """INSERT a ``mail_row`` now, in the current transaction, and hand it over."""
    result = db.session.connection().execute(OutboxMessage.__table__.insert(), values)
    message_id = result.inserted_primary_key[0]
    hand_over(message_id)
    return message_id


def hand_over(message_id: int) -> None:
    """Queue an inserted row's id for the worker once the transaction commits."""
    db.session.info.setdefault(_PENDING_KEY, []).append(message_id)


def install_outbox_hooks() -> None:
    """Listen for commits once per process (sessions are per app, the hook is global)."""
    global _hooks_installed
    if _hooks_installed:
        return
    # On the LMS's own session (its sessionmaker's class), not on every SQLAlchemy
    # Session in the process: a host's other sessions are not the LMS's business.
    event.listen(db.session, "after_commit", _after_commit)
    event.listen(db.session, "after_soft_rollback", _after_rollback)
    _hooks_installed = True


def _after_commit(session: Session) -> None:
    messages = session.info.pop(_PENDING_KEY, None)
    if not messages:
        return
    for message in messages:
        if isinstance(message, int):  # inserted with Core: committed with the rest
            enqueue("deliver_mail", message)
            continue
        state = inspect(message)
        # A row flushed inside a savepoint that was rolled back is transient again:
        # it was never committed, and its id may already belong to another row.
        if state.persistent:
            enqueue("deliver_mail", state.identity[0])


def _after_rollback(session: Session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_PENDING_KEY, None)
