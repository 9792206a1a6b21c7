"""Mail is rendered by the worker, not in the request: the request writes the row with
what it needs (kind, language, context); the worker renders it once, stores it, and
every attempt sends those same bytes. Real SMTP (aiosmtpd), a real huey queue."""

from __future__ import annotations

import pytest
from factories import make, make_due, outbox
from sqlalchemy import delete, select

from lms.accounts.models import User
from lms.core.queue import make_huey
from lms.events.models import Offering
from lms.extensions import db
from lms.mail.delivery import deliver_message, sweep_outbox
from lms.mail.outbox import queue_mail
from lms.mail.rendering import materialize
from lms.registrations import services as registrations
from lms.registrations.models import Registration
from tests.conftest import TEST_PASSWORD, post_form


def calendar_parts(mail):
    return [part for part in mail.walk() if part.get_content_type() == "text/calendar"]


@pytest.fixture
def queue(app, tmp_path):
    """A real SqliteHuey with no consumer: nothing renders or sends until the test says so."""
    app.config.update(LMS_HUEY_IMMEDIATE=False, LMS_HUEY_PATH=str(tmp_path / "huey.sqlite3"))
    app.extensions["lms"].huey = make_huey(app)
    return app.extensions["lms"].huey


def test_the_request_writes_an_unrendered_row_and_the_worker_renders_it(
    app, factory, smtp_server, queue
):
    me = factory.user("me@example.no", language="en", name="Kari Nordmann")
    offering = make.offering(capacity=2, title="Klima i anskaffelser")
    registrations.register(me, offering.id)
    db.session.commit()

    [row] = outbox()
    assert (row.kind, row.language, row.rendered_at) == ("registration_confirmed", "en", None)
    assert (row.subject, row.body_text, row.body_html, row.attachments) == ("", "", "", [])
    assert row.context["attach"] == ["calendar"]
    assert row.context["values"]["offering"] == {"$ref": ["lms_offerings", offering.id]}

    assert deliver_message(row.id) == "sent"
    [mail] = smtp_server.messages
    [row] = outbox()
    assert row.rendered_at is not None
    assert mail["Subject"] == row.subject == "You have a place: Klima i anskaffelser"
    assert mail["Message-ID"] == row.message_id
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Kari Nordmann," in text and text.replace("\r\n", "\n") == row.body_text
    [part] = calendar_parts(mail)
    [stored] = row.attachments
    assert part.get_payload(decode=True) == stored.content
    assert b"SUMMARY:Klima i anskaffelser" in stored.content


def test_a_retry_sends_the_mail_rendered_for_the_first_attempt(app, factory, smtp_server):
    """Rendered once, before the first attempt: a later change to the offering does not
    make the second attempt a different mail under the same Message-ID."""
    smtp_server.stop()
    me = factory.user("me@example.no", language="nb")
    offering = make.offering(capacity=2, title="Første tittel")
    registrations.register(me, offering.id)
    db.session.commit()  # attempt 1 (immediate huey): rendered, then SMTP refuses

    [row] = outbox()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.rendered_at is not None and "Første tittel" in row.subject
    first_ics = row.attachments[0].content
    offering.title = "Ny tittel"
    db.session.commit()

    smtp_server.start()
    make_due()
    assert sweep_outbox() == 1
    [mail] = smtp_server.messages
    assert mail["Message-ID"] == row.message_id
    assert "Første tittel" in mail["Subject"] and "Ny tittel" not in mail["Subject"]
    [part] = calendar_parts(mail)
    assert part.get_payload(decode=True) == first_ics
    assert len(outbox()[0].attachments) == 1  # not built again for the second attempt


def test_what_describes_the_change_is_kept_as_it_was(app, factory, queue):
    """The waiting-list position in the mail is the one the person got, even if the
    worker renders after someone ahead of them left the list."""
    people = [factory.user(f"p{i}@example.no", language="en") for i in range(3)]
    offering = make.offering(capacity=1)
    for person in people:
        registrations.register(person, offering.id)
    db.session.commit()
    ahead = db.session.scalar(select(Registration).where(Registration.user_id == people[1].id))
    registrations.cancel(people[1], ahead.id)
    db.session.commit()

    [mail] = [row for row in outbox() if row.to_address == people[2].email]
    assert mail.kind == "registration_waitlisted" and mail.context["values"]["position"] == 2
    assert materialize(mail.id)
    [mail] = [row for row in outbox() if row.to_address == people[2].email]
    assert "as number 2" in mail.body_text


def test_a_row_is_rendered_once_even_if_asked_twice(app, factory, queue):
    me = factory.user(language="en")
    registrations.register(me, make.offering(capacity=2).id)
    db.session.commit()
    [row] = outbox()

    assert materialize(row.id) is True
    assert materialize(row.id) is False  # the second worker finds it done
    [row] = outbox()
    assert len(row.attachments) == 1 and row.subject.startswith("You have a place")


def test_without_smtp_the_worker_renders_the_row_for_the_admin(app, factory, queue):
    me = factory.user(language="nb")
    queue_mail(me.email, "password_changed", "nb", user=me)
    db.session.commit()
    [row] = outbox()
    assert row.rendered_at is None

    assert deliver_message(row.id) == "skipped"  # LMS_SMTP_HOST is empty in tests
    [row] = outbox()
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.rendered_at is not None and row.subject == "Passordet ditt ble endret"


def test_a_row_that_cannot_be_rendered_is_retried_then_failed(app, factory, smtp_server, queue):
    app.config["LMS_MAIL_MAX_ATTEMPTS"] = 2
    me = factory.user(language="en")
    registrations.register(me, make.offering(capacity=2).id)
    db.session.commit()
    db.session.execute(delete(Offering))  # gone before the worker renders its mail
    db.session.commit()
    [row] = outbox()

    assert deliver_message(row.id) == "pending"
    [row] = outbox()
    assert "LookupError" in row.last_error and row.rendered_at is None
    make_due()
    assert deliver_message(row.id) == "failed"
    assert smtp_server.messages == []


def test_admin_reads_a_row_no_worker_has_rendered(app, client, factory, queue):
    admin = factory.user("admin@example.no", roles=("admin",), language="en")
    me = factory.user("me@example.no", language="en", name="Kari Nordmann")
    registrations.register(me, make.offering(capacity=2, title="Klima i anskaffelser").id)
    db.session.commit()
    [row] = outbox()
    post_form(client, "/login", {"email": admin.email, "password": TEST_PASSWORD})

    listing = client.get("/admin/mail").get_data(as_text=True)
    assert "You have a place: Klima i anskaffelser" in listing
    page = client.get(f"/admin/mail/{row.id}").get_data(as_text=True)
    assert "Hello Kari Nordmann," in page
    [row] = outbox()
    assert row.rendered_at is None and row.subject == ""  # a GET stores nothing


def test_the_context_refuses_what_it_cannot_keep(app, factory):
    me = factory.user()
    with pytest.raises(TypeError):
        queue_mail(me.email, "password_changed", "nb", user=me, extra={"a": 1})
    with pytest.raises(ValueError):
        queue_mail(me.email, "password_changed", "nb", attach=("nonsense",), user=me)
    db.session.rollback()
    assert db.session.get(User, me.id) is not None
