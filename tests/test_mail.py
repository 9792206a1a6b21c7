"""The mail outbox: written with the change that causes it, delivered over real SMTP
(aiosmtpd) with retry and backoff, swept so that nothing is lost and nothing is sent twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from factories import make_due, outbox
from sqlalchemy import func, select, update

from lms.accounts import services
from lms.accounts.models import User
from lms.core.queue import make_huey
from lms.extensions import db
from lms.mail.delivery import STALE_AFTER, deliver_message, sweep_outbox
from lms.mail.models import OutboxMessage
from lms.mail.outbox import queue_mail
from lms.timeutil import utcnow
from tests.conftest import free_port, post_form

SIGNUP = {
    "email": "new.person@example.no",
    "name": "New Person",
    "organisation": "Testkommune",
    "job_title": "Innkjøper",
    "language": "en",
    "password": "a long enough password",
    "confirm": "a long enough password",
}


@pytest.fixture
def queue(app, tmp_path):
    """A real (not immediate) SqliteHuey, so tests can see what was put on the queue."""
    app.config.update(LMS_HUEY_IMMEDIATE=False, LMS_HUEY_PATH=str(tmp_path / "huey.sqlite3"))
    huey = make_huey(app)
    app.extensions["lms"].huey = huey
    return huey


def queued_ids(huey) -> list[int]:
    return [task.args[0] for task in huey.pending()]


# --- the row belongs to the transaction of the change ---------------------------------


def test_committed_change_writes_row_and_enqueues_it(app, factory, queue):
    user = factory.user(language="en")
    services.change_password(user, "correct horse battery", "another long password")
    db.session.commit()

    [row] = outbox()
    assert (row.kind, row.to_address, row.language, row.status) == (
        "password_changed",
        user.email,
        "en",
        "pending",
    )
    assert queued_ids(queue) == [row.id]


def test_rolled_back_change_leaves_no_mail_and_enqueues_nothing(app, factory, queue):
    user = factory.user()
    services.sign_up("someone@example.no", "a long enough password", "Some One", "", "", "nb")
    services.change_password(user, "correct horse battery", "another long password")
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    db.session.rollback()

    assert outbox() == []
    assert services.find_user_by_email("someone@example.no") is None
    # A later, unrelated commit must not enqueue the ids of the rolled-back rows.
    services.set_language(user, "en")
    db.session.commit()
    assert queued_ids(queue) == []


def test_mail_in_a_rolled_back_savepoint_is_not_enqueued(app, factory, queue):
    user = factory.user()
    savepoint = db.session.begin_nested()
    queue_mail(user.email, "password_changed", "nb", user=user)
    savepoint.rollback()
    kept = queue_mail(user.email, "password_changed", "en", user=user)
    db.session.commit()

    assert [row.id for row in outbox()] == [kept.id]
    assert queued_ids(queue) == [kept.id]


def test_closed_session_forgets_its_queued_mail(app, factory, queue):
    user = factory.user()
    queue_mail(user.email, "password_changed", "nb", user=user)
    db.session.close()  # what a request teardown does after an exception
    services.set_language(db.session.get(User, user.id), "en")
    db.session.commit()

    assert outbox() == []
    assert queued_ids(queue) == []


def test_failing_view_rolls_back_its_mail(app, client, queue):
    """A request that raises after queueing mail commits neither the change nor the mail."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        services.sign_up("boom@example.no", "a long enough password", "Boom", "", "", "nb")
        raise RuntimeError("the change fails after the mail was queued")

    assert client.get("/boom").status_code == 500
    assert outbox() == []
    assert queued_ids(queue) == []


# --- delivery over real SMTP ----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "subject"),
    [("en", "Confirm your e-mail address"), ("nb", "Bekreft e-postadressen din")],
)
def test_signup_mail_is_delivered_in_the_recipients_language(
    app, client, smtp_server, language, subject
):
    # The visitor browses in the other language; the mail follows the chosen one.
    other = "nb" if language == "en" else "en"
    post_form(client, "/language", {"language": other}, form_page="/login")
    response = post_form(client, "/signup", {**SIGNUP, "language": language})
    assert response.status_code == 200

    [row] = outbox()
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
    [mail] = smtp_server.messages
    assert mail["Message-ID"] == row.message_id
    assert mail["Subject"] == subject == row.subject
    assert mail["To"] == SIGNUP["email"]
    assert mail["Content-Language"] == language
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "http://lms.test/verify/" in text
    assert 'href="http://lms.test/verify/' in html
    assert f'<html lang="{language}">' in html


def test_smtp_down_keeps_mail_pending_with_backoff(app, client, smtp_server):
    smtp_server.stop()
    before = utcnow()
    response = post_form(client, "/signup", SIGNUP)
    assert response.status_code == 200
    assert b"Check your e-mail" in response.data or b"Sjekk e-posten" in response.data

    [row] = outbox()
    assert row.status == "pending"
    assert row.attempts == 1
    assert row.locked_at is None
    assert "ConnectionRefusedError" in row.last_error
    wait = row.next_attempt_at - before
    assert timedelta(seconds=25) <= wait <= timedelta(seconds=40)

    # Before the backoff has passed, the sweep leaves it alone even with SMTP back.
    smtp_server.start()
    assert sweep_outbox() == 0
    assert smtp_server.messages == []


def test_sweep_delivers_every_pending_mail_exactly_once(app, factory, smtp_server):
    smtp_server.stop()
    users = [factory.user(language="en") for _ in range(3)]
    for user in users:
        services.send_verification(user)
        db.session.commit()
    assert [row.status for row in outbox()] == ["pending"] * 3

    smtp_server.start()
    make_due()
    assert sweep_outbox() == 3
    assert sweep_outbox() == 0  # a second sweep finds nothing to send

    rows = outbox()
    assert [row.status for row in rows] == ["sent"] * 3
    assert [row.attempts for row in rows] == [2, 2, 2]
    received = sorted(mail["Message-ID"] for mail in smtp_server.messages)
    assert received == sorted(row.message_id for row in rows)


def test_send_mail_command_delivers_pending_mail_once(app, factory, runner, smtp_server):
    smtp_server.stop()
    for user in (factory.user(), factory.user()):
        services.send_verification(user)
    db.session.commit()
    smtp_server.start()
    make_due()

    first = runner.invoke(args=["lms", "send-mail"])
    second = runner.invoke(args=["lms", "send-mail"])
    assert first.exit_code == 0 and "Sent 2 message(s)." in first.output
    assert second.exit_code == 0 and "Sent 0 message(s)." in second.output
    assert len(smtp_server.messages) == 2


def test_stale_sending_claims_are_released(app, factory, smtp_server):
    smtp_server.stop()  # keep the rows pending while they are written
    user = factory.user()
    stale = queue_mail(user.email, "password_changed", "nb", user=user)
    fresh = queue_mail(user.email, "password_changed", "nb", user=user)
    db.session.commit()
    now = utcnow()
    for message, locked_at in ((stale, now - STALE_AFTER - timedelta(minutes=1)), (fresh, now)):
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .values(status="sending", locked_at=locked_at, next_attempt_at=now)
        )
    db.session.commit()
    smtp_server.start()

    assert sweep_outbox() == 1
    statuses = {row.id: row.status for row in outbox()}
    assert statuses == {stale.id: "sent", fresh.id: "sending"}  # a live worker keeps its claim
    assert [mail["Message-ID"] for mail in smtp_server.messages] == [stale.message_id]


def test_mail_fails_for_good_after_max_attempts(app, factory, smtp_server):
    app.config["LMS_MAIL_MAX_ATTEMPTS"] = 3
    smtp_server.stop()
    user = factory.user()
    message = queue_mail(user.email, "password_changed", "nb", user=user)
    db.session.commit()  # attempt 1, through the queue
    for _ in range(2):  # attempts 2 and 3, through the sweep
        make_due()
        sweep_outbox()

    [row] = outbox()
    assert (row.id, row.status, row.attempts) == (message.id, "failed", 3)
    assert row.last_error and row.locked_at is None

    smtp_server.start()
    make_due()
    assert sweep_outbox() == 0
    assert outbox()[0].attempts == 3
    assert smtp_server.messages == []


def test_concurrent_sweeps_never_send_a_row_twice(app, factory, smtp_server):
    smtp_server.stop()
    user = factory.user()
    messages = [queue_mail(user.email, "password_changed", "nb", user=user) for _ in range(24)]
    db.session.commit()
    expected = sorted(message.message_id for message in messages)
    smtp_server.start()
    make_due()
    db.session.remove()

    barrier = threading.Barrier(3)
    results: list[int] = []
    errors: list[BaseException] = []

    def sweep_in_own_context():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                results.append(sweep_outbox())
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=sweep_in_own_context) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(results) == len(expected)
    assert sorted(mail["Message-ID"] for mail in smtp_server.messages) == expected
    assert all(row.status == "sent" and row.attempts == 2 for row in outbox())


def test_deliver_message_skips_rows_that_are_not_due(app, factory, smtp_server):
    user = factory.user()
    smtp_server.stop()
    message = queue_mail(user.email, "password_changed", "nb", user=user)
    db.session.commit()
    smtp_server.start()
    # The queue message arrives early (or twice): the row is waiting for its backoff.
    assert deliver_message(message.id) == "skipped"
    assert smtp_server.messages == []


def test_queue_down_still_commits_the_mail_and_the_sweep_sends_it(app, client, smtp_server):
    """A broken queue (Redis unreachable) neither fails the request nor loses the mail."""
    app.config.update(LMS_HUEY_IMMEDIATE=False, LMS_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    app.extensions["lms"].huey = make_huey(app)
    response = post_form(client, "/signup", SIGNUP)
    assert response.status_code == 200

    [row] = outbox()
    assert (row.status, row.attempts) == ("pending", 0)
    assert smtp_server.messages == []
    assert sweep_outbox() == 1
    assert [mail["Message-ID"] for mail in smtp_server.messages] == [row.message_id]
