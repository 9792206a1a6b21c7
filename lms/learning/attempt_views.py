"""Taking a quiz: its page (what it is, what happens at the deadline, your attempts),
starting or continuing, the attempt itself (Save and Submit work without JavaScript;
``lms/static/learning-attempt.js`` autosaves through the API), the confirmation that
lists what is unanswered, and the review as the quiz's review options allow.

Quizzes need login; another person's attempt is not found (404).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.core.dates import format_time
from lms.extensions import db
from lms.learning import (
    attempt_pages,
    attempt_review,
    attempt_rules,
    attempts,
    catalogue,
    quiz_facts,
)
from lms.learning.answer_forms import read_responses
from lms.learning.blueprint import bp
from lms.learning.publishing import LearningError
from lms.timeutil import utcnow

ERRORS = {
    "not_found": _l("That quiz cannot be found."),
    "closed": _l("The quiz is not open now."),
    "no_attempts_left": _l("You have used every attempt at this quiz."),
    "submitted": _l("This attempt is already submitted."),
    "bad_answer": _l("Some answers could not be saved: see the questions marked below."),
}
# As the API answers them: 409 a conflict, 422 closed.
STATUS = {"not_found": 404, "closed": 422, "no_attempts_left": 409, "bad_answer": 400}
STALE = _l(
    "This attempt was changed in another tab or on another device after you opened this "
    "page, so what you sent was not saved. The answers saved there are shown below: check "
    "them and save again."
)


def _quiz_or_404(slug: str, key: str):
    published = catalogue.find_published(slug)
    quiz = published.quiz(key) if published else None
    if quiz is None:
        abort(404)
    return published, quiz


def _render_quiz(published, quiz, status: int = 200):
    state = attempt_review.quiz_state(current_user, quiz["id"])
    opens_at = attempt_rules.when(quiz["opens_at"])
    accommodation = attempt_rules.accommodation_of(current_user.id, quiz["id"])
    return render_template(
        "lms/learning/quiz.html",
        published=published,
        content=published.content,
        quiz=quiz,
        state=state,
        accommodation=accommodation,
        my_minutes=_my_minutes(quiz, accommodation),
        questions=quiz_facts.question_count(quiz),
        opens_at=opens_at,
        not_yet_open=opens_at is not None and opens_at > utcnow(),
        closes_at=attempt_rules.when(quiz["closes_at"]),
    ), status


def _my_minutes(quiz, accommodation) -> float | None:
    """This person's time limit in minutes (None: no limit)."""
    minutes = quiz.get("time_limit_minutes")
    if not minutes or (accommodation is not None and accommodation.factor is None):
        return None
    return minutes * (accommodation.factor if accommodation is not None else 1)


@bp.get("/learning/<slug>/quizzes/<key>")
@login_required
def quiz(slug: str, key: str):
    """A quiz before it starts: its purpose, questions, attempts, dates, the time limit
    and what happens when the time is up; your attempts so far; start or continue."""
    published, found = _quiz_or_404(slug, key)
    return _render_quiz(published, found)


@bp.post("/learning/<slug>/quizzes/<key>/start")
@login_required
def start(slug: str, key: str):
    """Start the next attempt (or go on with the one that is open)."""
    published, found = _quiz_or_404(slug, key)
    try:
        attempt = attempts.start_attempt(current_user, found["id"])
    except attempts.AttemptOpen as error:
        db.session.rollback()
        if error.attempt_id is None:
            abort(409)
        return redirect(url_for(".attempt", attempt_id=error.attempt_id))
    except LearningError as error:
        db.session.rollback()
        if error.code == "not_found":
            abort(404)
        flash(str(ERRORS.get(error.code, ERRORS["closed"])), "error")
        return _render_quiz(published, found, STATUS.get(error.code, 422))
    db.session.commit()
    return redirect(url_for(".attempt", attempt_id=attempt.id))


def _own(attempt_id: int):
    try:
        return attempts.own_attempt(current_user, attempt_id)
    except LearningError:
        abort(404)


def _save_url(attempt_id: int) -> str:
    """The API's autosave address, for the page's script (the route is the API's)."""
    return url_for("lms_api.save_answers", attempt_id=attempt_id)


def _render_attempt(attempt, *, responses=None, faults=None, status: int = 200):
    return render_template(
        "lms/learning/attempt.html",
        attempt=attempt,
        content=attempt.module_version.content,
        quiz=attempt_pages.entry_of(attempt),
        questions=attempt_pages.questions_of(attempt, responses),
        faults=faults or {},
        last_saved=attempt_pages.last_saved(attempt),
        save_url=_save_url(attempt.id),
        now=utcnow(),
    ), status


def _time_up(attempt):
    """The attempt's time ran out: it is submitted as of its deadline; on to the review
    (which says so)."""
    attempts.submit_attempt(current_user, attempt.id)
    db.session.commit()
    return redirect(url_for(".review", attempt_id=attempt.id))


@bp.route("/learning/attempts/<lms_id:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    """The attempt: every question on one page. Save keeps the answers (and says when);
    Submit saves them and asks to confirm, listing what is unanswered."""
    found = _own(attempt_id)
    if found.state == "submitted":
        return redirect(url_for(".review", attempt_id=found.id))
    if attempt_rules.is_past_deadline(found, utcnow()):
        return _time_up(found)
    if request.method == "GET":
        return _render_attempt(found)
    try:
        revision = int(request.form.get("revision", ""))
    except ValueError:
        abort(400)
    asked = [q.asked for q in attempt_pages.questions_of(found)]
    responses = read_responses(asked, request.form)
    try:
        saved = attempts.save_answers(current_user, found.id, responses, revision=revision)
    except attempts.TimeUp:
        db.session.commit()  # the submission stands; the review says the time ran out
        return redirect(url_for(".review", attempt_id=found.id))
    except attempts.StaleRevision:
        db.session.rollback()
        flash(str(STALE), "error")
        return _render_attempt(_own(attempt_id), status=409)
    except attempts.BadAnswer as error:
        db.session.rollback()
        flash(str(ERRORS["bad_answer"]), "error")
        faults = {int(k): v for k, v in error.faults.items() if str(k).isdigit()}
        return _render_attempt(_own(attempt_id), responses=responses, faults=faults, status=400)
    except LearningError as error:
        db.session.rollback()
        if error.code == "submitted":
            return redirect(url_for(".review", attempt_id=attempt_id))
        abort(404)
    saved_at = attempt_pages.last_saved(saved)
    db.session.commit()
    if request.form.get("action") == "submit":
        return redirect(url_for(".submit", attempt_id=attempt_id))
    flash(_("Saved at %(time)s.", time=format_time(saved_at or utcnow())), "success")
    return redirect(url_for(".attempt", attempt_id=attempt_id))


@bp.route("/learning/attempts/<lms_id:attempt_id>/submit", methods=["GET", "POST"])
@login_required
def submit(attempt_id: int):
    """Are you sure? The unanswered questions are listed; submitting grades the attempt
    (once, however often it is sent)."""
    found = _own(attempt_id)
    if found.state == "open" and attempt_rules.is_past_deadline(found, utcnow()):
        return _time_up(found)
    if found.state == "submitted":
        return redirect(url_for(".review", attempt_id=attempt_id))
    if request.method == "POST":
        attempts.submit_attempt(current_user, found.id)
        db.session.commit()
        return redirect(url_for(".review", attempt_id=attempt_id))
    questions = attempt_pages.questions_of(found)
    return render_template(
        "lms/learning/submit.html",
        attempt=found,
        content=found.module_version.content,
        quiz=attempt_pages.entry_of(found),
        questions=questions,
        unanswered=[q for q in questions if not q.answered],
        now=utcnow(),
    )


@bp.get("/learning/attempts/<lms_id:attempt_id>/review")
@login_required
def review(attempt_id: int):
    """A submitted attempt, each question as the review options allow now, and what
    will be shown later (and from when)."""
    found = _own(attempt_id)
    if found.state == "open":
        if not attempt_rules.is_past_deadline(found, utcnow()):
            return redirect(url_for(".attempt", attempt_id=found.id))
        return _time_up(found)
    now = utcnow()
    shown = attempt_review.review(current_user, found, now)
    questions = {q.slot: q for q in attempt_pages.questions_of(found)}
    return render_template(
        "lms/learning/review.html",
        attempt=found,
        content=found.module_version.content,
        quiz=attempt_pages.entry_of(found),
        shown=shown,
        questions=questions,
        later=attempt_pages.later_parts(found, shown.parts, now),
    )
