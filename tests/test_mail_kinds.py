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


# What each mail's subject tells a Norwegian reader before it is opened: what happened.
NB_SUBJECTS = {
    "registration_confirmed": "Du har plass: Innkjøp",
    "registration_waitlisted": "Du står på ventelisten: Innkjøp",
    "registration_pending": "Påmeldingen venter på godkjenning: Innkjøp",
    "registration_declined": "Påmeldingen ble ikke godkjent: Innkjøp",
    "registration_offered": "En plass er ledig for deg: Innkjøp",
    "registration_offer_expired": "Tilbudet om plass har gått ut: Innkjøp",
    "registration_reminder": "Påminnelse: Innkjøp",
    "offering_changed": "Endret tid eller sted: Innkjøp",
    "network_membership_approved": "Du er medlem av Nettverket",
    "network_membership_declined": "Forespørselen din om å bli med i Nettverket ble avslått",
}


def test_every_nb_subject_says_what_happened(app, factory):
    from datetime import UTC, datetime

    from lms.events.models import Network
    from lms.mail.rendering import render_mail

    user = factory.user(language="nb")
    offering = factory.offering("Innkjøp")
    network = Network(name="Nettverket", recurrence_rule="FREQ=MONTHLY;BYDAY=2TU")
    db.session.add(network)
    db.session.commit()
    context = {
        "user": user,
        "offering": offering,
        "network": network,
        "position": 2,
        "offer_expires_at": datetime(2030, 1, 1, tzinfo=UTC),
        "note": "",
        "calendar_attached": False,
    }
    for kind, subject in NB_SUBJECTS.items():
        assert render_mail(kind, "nb", **context)[0] == subject, kind
    # A place cancelled, or the whole offering: the subject says which.
    assert render_mail("registration_cancelled", "nb", **context)[0] == (
        "Påmeldingen din er avbestilt: Innkjøp"
    )
    offering.status = "cancelled"
    assert render_mail("registration_cancelled", "nb", **context)[0] == "Avlyst: Innkjøp"
    assert render_mail("registration_cancelled", "en", **context)[0] == "Cancelled: Innkjøp"
