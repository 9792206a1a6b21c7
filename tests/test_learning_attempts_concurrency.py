"""Two writers on one attempt at once, each in its own thread, app context, session and
connection (lms/learning/attempts.py): one submission, no lost save, one open attempt.
Without the attempt's lock (``core.locking.lock_row``) the first two fail: both threads
read the open attempt, and both write their own submission or their own revision."""

from __future__ import annotations

import threading
from datetime import timedelta

from learning_support import make_module

from lms.accounts.models import User
from lms.extensions import db
from lms.learning.attempt_models import Attempt
from lms.learning.attempts import (
    AttemptOpen,
    StaleRevision,
    save_answers,
    start_attempt,
    submit_attempt,
)
from lms.timeutil import utcnow


def quiz_of(module):
    return module.quizzes[0]


def _in_threads(app, *calls):
    """Run each call in its own thread and app context (its own session and connection),
    all released at once; returns what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        with app.app_context():
            try:
                barrier.wait(10)
                results[index] = call()
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_submits_at_once_make_one_submission(app, factory):
    learner = factory.user()
    attempt = start_attempt(learner, quiz_of(make_module()).id)
    db.session.commit()
    # The threads use ids only: the test's objects belong to the test's session.
    learner_id, attempt_id, base = learner.id, attempt.id, utcnow()

    def submit(minutes):
        def call():
            person = db.session.get(User, learner_id)
            done = submit_attempt(person, attempt_id, now=base + timedelta(minutes=minutes))
            return done.finished_at

        return call

    results = _in_threads(app, submit(1), submit(2))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0] == results[1]  # the second saw the first's submission and kept it
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).finished_at == results[0]


def test_two_saves_at_once_lose_nothing(app, factory):
    learner = factory.user()
    attempt = start_attempt(learner, quiz_of(make_module()).id)
    db.session.commit()
    slots = [a.slot for a in attempt.answers if a.question_version.kind in ("short", "numeric")]
    learner_id, attempt_id = learner.id, attempt.id

    def save(slot, text, revision):
        def call():
            person = db.session.get(User, learner_id)
            return save_answers(person, attempt_id, {slot: text}, revision=revision).revision

        return call

    # Without a revision both saves land, one after the other.
    results = _in_threads(app, save(slots[0], "30", None), save(slots[1], "åpenhetsloven", None))
    assert sorted(results) == [1, 2], results
    db.session.expire_all()
    stored = {a.slot: a.response for a in db.session.get(Attempt, attempt.id).answers}
    assert (stored[slots[0]], stored[slots[1]]) == ("30", "åpenhetsloven")
    # Two tabs on the same revision: one is saved, the other told it is stale.
    results = _in_threads(app, save(slots[0], "31", 2), save(slots[0], "32", 2))
    stale = [r for r in results if isinstance(r, StaleRevision)]
    saved = [r for r in results if r == 3]
    assert len(stale) == 1 and len(saved) == 1, results
    db.session.expire_all()
    final = db.session.get(Attempt, attempt.id)
    assert final.revision == 3 and stale[0].revision == 3
    assert {a.slot: a.response for a in final.answers}[slots[0]] in ("31", "32")


def test_two_starts_at_once_make_one_attempt(app, factory):
    learner = factory.user()
    quiz_id = quiz_of(make_module(attempts_allowed=0)).id
    learner_id = learner.id

    def start():
        return start_attempt(db.session.get(User, learner_id), quiz_id).id

    results = _in_threads(app, start, start)
    made = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, AttemptOpen)]
    assert len(made) == 1 and len(refused) == 1, results
    assert refused[0].attempt_id in (made[0], None)
    db.session.expire_all()
    assert db.session.query(Attempt).filter_by(quiz_id=quiz_id).count() == 1
