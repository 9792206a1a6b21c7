"""Turning an outbox row into the words and files of a mail, at send time.

A request only writes what a mail needs to be rendered later: the kind (template),
the recipient and language, and a small JSON context in which database objects are
kept as references (table and id). The worker renders the row once, just before its
first delivery attempt, and stores the result on the row, so every retry sends the
same bytes under the same Message-ID and ``/admin/mail`` shows what was sent.

Rendering is kept out of the request: a request that changes something should not
wait for templates and calendar files (docs/BENCHMARKS.md has the figures). What
describes the change itself (a waiting-list position, an offer's deadline, an
organiser's text) is passed as a plain value and so stays as it was when the change
happened; names, titles and times come from the database when the mail is rendered,
so they are current.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import inspect, update

from lms.core.urls import external_url, links_based_on, recording_base
from lms.extensions import db
from lms.mail.models import OutboxAttachment, OutboxMessage
from lms.timeutil import utcnow


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


# --- the stored context -----------------------------------------------------------------


class Ref(NamedTuple):
    """A row by table and id, for a caller that wrote it without loading it as a model."""

    table: str
    id: int


def check_mail_kind(kind: str, attach: tuple[str, ...]) -> None:
    """Refuse a mail kind no area declared, or an attachment its kind does not carry."""
    kinds = current_app.extensions["lms"].mail_kinds
    if kind not in kinds:
        raise ValueError(f"unknown mail kind {kind!r}: declare it in its area's init_area")
    for name in attach:
        if name not in kinds[kind]:
            raise ValueError(f"the mail kind {kind!r} does not carry the attachment {name!r}")


def dump_context(context: dict[str, Any], attach: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON kept on the row: model instances by reference, datetimes as ISO text.

    Anything else must already be JSON (text, numbers, None); a wrong type fails here,
    in the request that queues the mail, not later in the worker.
    """
    builders = current_app.extensions["lms"].mail_attachments
    for name in attach:
        if name not in builders:
            raise ValueError(f"unknown mail attachment {name!r}")
    return {
        "values": {key: _dump(value) for key, value in context.items()},
        "attach": list(attach),
        # Without LMS_BASE_URL, the mail links where the request that queued it came from.
        "base_url": recording_base(),
    }


def _dump(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Ref):
        return {"$ref": [value.table, value.id]}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, db.Model):
        state = inspect(value)
        if state.identity is None:  # pending: its id comes with a flush
            db.session.flush()
        return {"$ref": [value.__tablename__, *state.identity]}
    raise TypeError(f"cannot keep a {type(value).__name__} in a mail's context")


def load_context(stored: dict[str, Any]) -> dict[str, Any]:
    """The template context back from the row: references are loaded from the database."""
    return {key: _load(value) for key, value in (stored or {}).get("values", {}).items()}


def _load(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    table, *key = value["$ref"]
    obj = db.session.get(_model_for(table), key[0] if len(key) == 1 else tuple(key))
    if obj is None:
        raise LookupError(f"{table} {key} no longer exists")
    return obj


def _model_for(table: str) -> type:
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    raise LookupError(f"no model for table {table!r}")


def _attachment(name: str, context: dict[str, Any]) -> tuple[str, str, bytes]:
    """Build an attachment with the builder an area declared (``LMSState.add_mail_attachment``)."""
    return current_app.extensions["lms"].mail_attachments[name](context)


# --- rendering a row ----------------------------------------------------------------------


def render_message(message: OutboxMessage) -> tuple[str, str, str, list[tuple[str, str, bytes]]]:
    """(subject, text, html, attachments) for a row, from its stored context."""
    stored = message.context or {}
    with links_based_on(stored.get("base_url")):
        context = load_context(stored)
        subject, body_text, body_html = render_mail(message.kind, message.language, **context)
        built = [_attachment(name, context) for name in stored.get("attach", [])]
    return subject, body_text, body_html, built


def materialize(message_id: int) -> bool:
    """Render a row once and store the result (committed). True if this call rendered it.

    The conditional UPDATE of ``rendered_at`` is the claim: of two workers only one
    renders, and the attachments are never added twice. If rendering fails, the
    transaction is rolled back (the row stays unrendered) and the error propagates.
    """
    won = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.rendered_at.is_(None))
        .values(rendered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:
        db.session.rollback()
        return False
    try:
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        subject, body_text, body_html, built = render_message(message)
        message.subject = subject[:300]
        message.body_text, message.body_html = body_text, body_html
        message.attachments.extend(
            OutboxAttachment(filename=name, content_type=ctype, content=content)
            for name, ctype, content in built
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return True


class Preview:
    """A not yet rendered row as ``/admin/mail`` shows it: rendered now, stored nowhere.

    It reads like the row (every other attribute is the row's), so the admin
    templates need not know whether the worker has rendered it yet.
    """

    def __init__(self, message: OutboxMessage) -> None:
        self._message = message
        try:
            self.subject, self.body_text, self.body_html, _ = render_message(message)
        except Exception as error:  # a broken row must not break the admin page
            self.subject = f"[{message.kind}]"
            self.body_text = self.body_html = f"{type(error).__name__}: {error}"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._message, name)


def readable(message: OutboxMessage) -> OutboxMessage | Preview:
    """The row itself once rendered, else a preview of it."""
    return message if message.rendered_at is not None else Preview(message)
