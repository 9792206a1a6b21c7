"""Learning API: published modules (public, like the catalogue), taking a quiz (start,
autosave, submit, resume) and the caller's results.

Routes are added to the ``lms_api`` blueprint (``lms/api/area.py`` imports this module),
so they share its authentication and CSRF rules. The services decide who may do what;
``ERROR_STATUS`` is the one place a ``LearningError`` becomes an HTTP status. Someone
else's attempt is a 404, as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.api.blueprint import bp, cacheable, json_bytes, public
from lms.api.learning_serialise import (
    module_detail,
    module_summary,
    my_result,
    open_attempt,
    result,
)
from lms.api.serialise import iso
from lms.core.errors import api_error
from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.learning import attempts
from lms.learning.attempt_models import Attempt
from lms.learning.attempt_review import answer_sheet, review, summary_of
from lms.learning.attempt_rules import is_past_deadline, quiz_entry
from lms.learning.attempts import AttemptOpen, BadAnswer, LearningError, StaleRevision, TimeUp
from lms.learning.catalogue import published_modules
from lms.learning.models import Module
from lms.learning.publishing import latest_version, snapshot
from lms.timeutil import utcnow

# LearningError code -> HTTP status. Anything not listed is a 422.
ERROR_STATUS = {
    "not_found": 404,
    "forbidden": 403,
    "attempt_open": 409,
    "no_attempts_left": 409,
    "submitted": 409,
    "stale": 409,
    "closed": 422,
    "time_up": 422,
    "bad_answer": 422,
}
ERROR_MESSAGES = {
    "not_found": "Not found.",
    "forbidden": "You may not do that.",
    "attempt_open": "You have an attempt at this quiz open: continue it.",
    "no_attempts_left": "You have used every attempt this quiz allows.",
    "submitted": "The attempt has been submitted: it takes no more answers.",
    "stale": "The attempt was saved elsewhere since you loaded it: load it again.",
    "closed": "The quiz is not open.",
    "time_up": "The time is up: the attempt was submitted with the answers saved before.",
    "bad_answer": "Some answers cannot be saved.",
}
BODY_FIELDS = {"revision", "answers", "seconds"}


def learning_error(error: LearningError | PermissionDenied):
    """The API's answer to a refusal; a pointer to the attempt where there is one."""
    status = ERROR_STATUS.get(error.code, 422)
    message = ERROR_MESSAGES.get(error.code, error.code)
    attempt_id = None
    if isinstance(error, AttemptOpen):
        attempt_id = error.attempt_id
    elif isinstance(error, (StaleRevision, TimeUp)):
        attempt_id = request.view_args.get("attempt_id")
    if isinstance(error, StaleRevision):
        message = f"{message} The stored revision is {error.revision}."
    if isinstance(error, BadAnswer):
        faults = "; ".join(f"question {slot}: {fault}" for slot, fault in error.faults.items())
        message = f"{message} {faults}"
    body, status = api_error(status, message, error.code)
    if attempt_id is not None:
        return body, status, {"Location": url_for("lms_api.attempt", attempt_id=attempt_id)}
    return body, status


@bp.get("/modules")
@public
def modules():
    """The published modules, each as its newest version has it: the catalogue's list
    (``catalogue.published_modules``), so the API shows what the pages show."""
    body = {
        "modules": [module_summary(p.module, p.version, p.content) for p in published_modules()]
    }
    return cacheable(json_bytes(body))


@bp.get("/modules/<lms_id:module_id>")
@public
def module(module_id: int):
    """One published module with its lessons and quizzes (ids from its newest version);
    a module that is not published is a 404, except to its editors, who see the working
    copy as it would be published."""
    found = db.session.get(Module, module_id)
    if found is None:
        return api_error(404, ERROR_MESSAGES["not_found"])
    version = latest_version(module_id) if found.status == "published" else None
    if version is not None:
        return cacheable(json_bytes(module_detail(found, version, version.content)))
    if not found.can_edit(current_user):
        return api_error(404, ERROR_MESSAGES["not_found"])
    return cacheable(json_bytes(module_detail(found, None, snapshot(found))))


def _with_questions(attempt_id: int) -> Attempt:
    """The attempt with its answers, read fresh, in two queries."""
    return db.session.scalars(
        select(Attempt)
        .where(Attempt.id == attempt_id)
        .options(selectinload(Attempt.answers))
        .execution_options(populate_existing=True)
    ).one()


@bp.post("/quizzes/<lms_id:quiz_id>/attempts")
def start_attempt(quiz_id: int):
    """Start an attempt: 201 with the attempt and its questions (nothing of their keys)."""
    try:
        started = attempts.start_attempt(current_user, quiz_id)
    except (LearningError, PermissionDenied) as error:
        db.session.rollback()
        return learning_error(error)
    db.session.commit()
    attempt = _with_questions(started.id)
    headers = {"Location": url_for("lms_api.attempt", attempt_id=attempt.id)}
    return open_attempt(attempt, answer_sheet(current_user, attempt)), 201, headers


def _review_body(attempt_id: int) -> dict[str, Any]:
    attempt = _with_questions(attempt_id)
    return result(attempt, review(current_user, attempt, utcnow()))


@bp.get("/attempts/<lms_id:attempt_id>")
def attempt(attempt_id: int):
    """The caller's attempt: while open, its questions and the answers saved so far (to
    resume on any device); once submitted, the result as the review options allow."""
    try:
        found = attempts.own_attempt(current_user, attempt_id)
    except LearningError as error:
        return learning_error(error)
    if found.state == "open" and is_past_deadline(found, utcnow()):
        submitted = attempts.submit_attempt(current_user, attempt_id)
        db.session.commit()
        return _review_body(submitted.id)
    if found.state == "open":
        found = _with_questions(attempt_id)
        return open_attempt(found, answer_sheet(current_user, found))
    return _review_body(attempt_id)


def _answers_body() -> tuple[int | None, dict, dict]:
    """``(revision, answers, seconds)`` from the JSON body; ValueError says what is wrong."""
    if not request.get_data(cache=True):
        return None, {}, {}
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        raise ValueError("The body is nested too deeply.") from None
    if not isinstance(payload, dict):
        raise ValueError("The body must be a JSON object.")
    unknown = set(payload) - BODY_FIELDS
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(map(str, unknown)))}.")
    revision = payload.get("revision")
    if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int)):
        raise ValueError("'revision' must be the attempt's revision (a whole number) or null.")
    answers, seconds = payload.get("answers", {}), payload.get("seconds", {})
    if not isinstance(answers, dict) or not isinstance(seconds, dict):
        raise ValueError("'answers' and 'seconds' must map question slots to values.")
    return revision, answers, seconds


@bp.put("/attempts/<lms_id:attempt_id>/answers")
def save_answers(attempt_id: int):
    """Autosave: 200 with the new revision. A save on an older revision is a 409 (load
    the attempt again); answers of the wrong shape a 422 naming them, nothing saved."""
    try:
        revision, answers, seconds = _answers_body()
    except ValueError as error:
        return api_error(400, str(error), "invalid_body")
    try:
        saved = attempts.save_answers(
            current_user, attempt_id, answers, revision=revision, seconds=seconds
        )
    except TimeUp as error:
        db.session.commit()  # the attempt was submitted with what was saved in time
        return learning_error(error)
    except (LearningError, PermissionDenied) as error:
        db.session.rollback()
        return learning_error(error)
    db.session.commit()
    return {"id": saved.id, "revision": saved.revision, "saved_at": iso(utcnow())}


@bp.post("/attempts/<lms_id:attempt_id>/submit")
def submit_attempt(attempt_id: int):
    """Submit and grade: the score, maximum, passed and each question as the review
    options allow now. Submitting again returns the same result."""
    try:
        submitted = attempts.submit_attempt(current_user, attempt_id)
    except (LearningError, PermissionDenied) as error:
        db.session.rollback()
        return learning_error(error)
    db.session.commit()
    return _review_body(submitted.id)


@bp.get("/me/results")
def my_results():
    """The caller's attempts, newest first; scores only where the review shows them."""
    rows = db.session.scalars(
        select(Attempt)
        .where(Attempt.user_id == current_user.id)
        .options(selectinload(Attempt.module_version))
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
    ).all()
    now = utcnow()
    results = []
    for row in rows:
        content = row.module_version.content
        quiz = quiz_entry(row.module_version, row.quiz_id) or {}
        results.append(my_result(row, summary_of(row, now), quiz, content))
    return {"results": results}
