"""Mail kinds are declared by the areas that send them (``LMSState.add_mail_kind``):
every declared kind has its templates, every template a kind, and the outbox refuses a
kind or an attachment nobody declared while the request that queues it still runs."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.outbox import queue_mail
from lms.paths import TEMPLATE_DIR

MAIL_TEMPLATES = TEMPLATE_DIR / "lms" / "mail"


def test_every_declared_kind_has_its_templates_and_every_template_a_kind(app):
    kinds = app.extensions["lms"].mail_kinds
    templates = {
        path.stem for path in MAIL_TEMPLATES.glob("*.txt") if not path.name.startswith("_")
    }
    assert set(kinds) == templates
    for kind in kinds:
        assert (MAIL_TEMPLATES / f"{kind}.html").exists()
    attachments = app.extensions["lms"].mail_attachments
    assert {name for carried in kinds.values() for name in carried} <= set(attachments)


def test_an_undeclared_kind_is_refused_and_nothing_is_queued(app, factory):
    user = factory.user()
    with pytest.raises(ValueError, match="unknown mail kind"):
        queue_mail(user.email, "password_chnaged", "nb", user=user)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_an_attachment_the_kind_does_not_carry_is_refused(app, factory):
    user = factory.user()
    with pytest.raises(ValueError, match="does not carry"):
        queue_mail(user.email, "password_changed", "nb", attach=("calendar",), user=user)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
