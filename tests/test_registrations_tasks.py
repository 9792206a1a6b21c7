"""Periodic work: offers expire and pass on; reminders go once to confirmed participants.
And SMTP down during a rush of registrations: once it is back, each mail arrives once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from factories import make
from huey.api import PeriodicTask
from registrations_support import mails, registration_of, status_of
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from lms.events import manage
from lms.extensions import db
from lms.mail.delivery import sweep_outbox
from lms.mail.models import OutboxMessage
from lms.registrations import reminders, services
from lms.timeutil import utcnow


def task(app, name):
    return app.extensions["lms"].huey.lms_tasks[name]


@pytest.fixture
def people(factory):
    return [factory.user(f"p{i}@example.no", language="en") for i in range(4)]


def test_tasks_are_periodic(app):
    for name in ("expire_offers", "send_reminders"):
        assert issubclass(task(app, name).task_class, PeriodicTask)


def test_expire_offers_task_passes_the_seat_on(app, people):
    offering = make.offering(capacity=1, waitlist_mode="offer", offer_hours=1)
    for person in people[:3]:
        services.register(person, offering.id)
    db.session.commit()
    services.cancel(people[0], registration_of(people[0], offering).id)
    db.session.commit()
    assert task(app, "expire_offers").call_local() == 0  # not due yet
    offered = registration_of(people[1], offering)
    offered.offer_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert task(app, "expire_offers").call_local() == 1
    assert status_of(people[1], offering) == "expired"
    assert status_of(people[2], offering) == "offered"
    assert mails(people[1].email, "registration_offer_expired")
    assert mails(people[2].email, "registration_offered")


def test_reminders_go_once_to_confirmed_participants(app, people):
    app.config["LMS_REMINDER_DAYS"] = 2
    soon = make.offering(capacity=2, starts_in=timedelta(days=1, hours=12))
    later = make.offering(capacity=2, starts_in=timedelta(days=5))
    for person in people[:3]:
        services.register(person, soon.id)
        services.register(person, later.id)
    services.cancel(people[0], registration_of(people[0], soon).id)  # people[2] moves up
    db.session.commit()
    assert task(app, "send_reminders").call_local() == 2
    assert [len(mails(p.email, "registration_reminder")) for p in people] == [0, 1, 1, 0]
    [mail] = mails(people[1].email, "registration_reminder")
    assert soon.title in mail.subject
    db.session.refresh(soon)
    assert soon.reminder_sent_at is not None
    assert task(app, "send_reminders").call_local() == 0  # sent once
    assert len(mails(people[1].email, "registration_reminder")) == 1
    app.config["LMS_REMINDER_DAYS"] = 6  # the later one is now due
    assert task(app, "send_reminders").call_local() == 2


def _move(organiser, offering, by: timedelta) -> None:
    session = offering.sessions[0]
    moved = manage.SessionData(
        id=session.id,
        starts_at=session.starts_at + by,
        ends_at=session.ends_at + by,
        venue=session.venue,
    )
    manage.update_offering(organiser, offering, {}, [moved])
    db.session.commit()


@pytest.fixture
def reminded(app, people, factory):
    """An organiser, and an offering 1½ days off whose reminder (2 days) has gone out."""
    app.config["LMS_REMINDER_DAYS"] = 2
    organiser = factory.user("organiser@example.no", roles=("organiser",))
    offering = make.offering(capacity=2, starts_in=timedelta(days=1, hours=12))
    services.register(people[0], offering.id)
    db.session.commit()
    assert task(app, "send_reminders").call_local() == 1
    return organiser, offering


def test_an_offering_moved_after_its_reminder_is_reminded_again(app, people, reminded):
    """Reminded two days before, then moved a week on: the reminder no longer tells the
    truth, so another goes out two days before the new date, and only then."""
    organiser, offering = reminded

    _move(organiser, offering, timedelta(hours=3))  # same days: the reminder stands
    assert offering.reminder_sent_at is not None
    assert task(app, "send_reminders").call_local() == 0

    _move(organiser, offering, timedelta(days=7))
    assert offering.reminder_sent_at is None
    assert task(app, "send_reminders").call_local() == 0  # not due yet: 8½ days away
    week_on = utcnow() + timedelta(days=7)
    assert reminders.offerings_due_for_reminder(2, now=week_on) == [offering.id]
    assert reminders.send_reminder(offering.id, 2, now=week_on) == 1
    db.session.commit()
    assert len(mails(people[0].email, "registration_reminder")) == 2
    assert len(mails(people[0].email, "offering_changed")) == 2


def test_a_reminder_sent_while_the_offering_was_being_moved_still_counts(reminded):
    """The editor read ``reminder_sent_at`` before the worker set it: the re-arm must go
    by the committed value, or the new date would never be reminded."""
    organiser, offering = reminded
    set_committed_value(offering, "reminder_sent_at", None)  # what the editor had read

    _move(organiser, offering, timedelta(days=7))
    db.session.expire_all()
    assert offering.reminder_sent_at is None, "the new date will be reminded"


def test_a_worker_with_a_stale_list_does_not_remind_a_moved_offering(app, people, factory):
    organiser = factory.user("organiser@example.no", roles=("organiser",))
    offering = make.offering(capacity=2, starts_in=timedelta(days=1))
    services.register(people[0], offering.id)
    db.session.commit()
    assert reminders.offerings_due_for_reminder(2) == [offering.id]
    _move(organiser, offering, timedelta(days=7))  # after the worker made its list
    assert reminders.send_reminder(offering.id, 2) == 0
    db.session.commit()
    assert mails(people[0].email, "registration_reminder") == []
    assert offering.reminder_sent_at is None


def test_a_second_worker_with_a_stale_list_does_not_send_again(app, people):
    offering = make.offering(capacity=2, starts_in=timedelta(days=1))
    services.register(people[0], offering.id)
    db.session.commit()
    # Both workers found the offering due; the first sends and commits.
    due_for_second = reminders.offerings_due_for_reminder(2)
    assert due_for_second == [offering.id]
    assert task(app, "send_reminders").call_local() == 1
    # The second goes on with its stale list: under the lock it sees the reminder was sent.
    assert reminders.send_reminder(offering.id, 2) == 0
    db.session.commit()
    assert len(mails(people[0].email, "registration_reminder")) == 1


def test_no_reminder_for_cancelled_or_started_offerings(app, people):
    cancelled = make.offering(capacity=2, starts_in=timedelta(days=1), status="cancelled")
    started = make.offering(capacity=2, starts_in=timedelta(hours=-1))
    assert cancelled.id and started.id
    assert reminders.offerings_due_for_reminder(2) == []


def test_smtp_down_during_registrations_every_mail_once(app, factory, smtp_server, client):
    smtp_server.stop()
    offering = make.offering(capacity=3)
    people = [factory.user(f"rush{i}@example.no", language="en") for i in range(5)]
    for person in people:
        registration = services.register(person, offering.id)
        db.session.commit()  # each commit tries to deliver at once (immediate huey)
        assert registration.status in ("confirmed", "waitlisted")
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert len(rows) == 5 and all(row.status == "pending" for row in rows)
    assert smtp_server.messages == []
    smtp_server.start()
    for row in rows:  # past the retry backoff
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert sweep_outbox() == 5
    assert sweep_outbox() == 0
    received = sorted(str(message["To"]) for message in smtp_server.messages)
    assert received == sorted(person.email for person in people)
    ids = [message["Message-ID"] for message in smtp_server.messages]
    assert len(set(ids)) == 5
    db.session.expire_all()
    assert all(row.status == "sent" for row in db.session.scalars(select(OutboxMessage)))


def _two_workers_send_reminders(app) -> list[int]:
    """Run the reminder task in two threads at once (each its own app context)."""
    db.session.remove()
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                results.append(task(app, "send_reminders").call_local())
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.parametrize("locking", [True, False], ids=["locked", "control-without-lock"])
def test_two_workers_at_once_send_one_reminder(app, people, locking):
    """Under the lock one worker sends and the other sees ``reminder_sent_at``; the control
    (lock off, the race window widened) shows the test can fail."""
    offering = make.offering(capacity=2, starts_in=timedelta(days=1))
    services.register(people[0], offering.id)
    db.session.commit()
    email = people[0].email
    app.config.update(LMS_DEBUG_RACE_DELAY=0.4, LMS_REGISTRATION_LOCKING=locking)
    results = _two_workers_send_reminders(app)
    sent = len(mails(email, "registration_reminder"))
    if locking:
        assert sorted(results) == [0, 1] and sent == 1
    else:
        assert sent == 2, "without the lock both workers should have sent"
