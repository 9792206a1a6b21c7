"""Certificates: issued once when a module or a course is complete, verified by anyone
who has the code, revoked (with a reason) by organisers and the module's instructors.

The code is the only key to the public verification page, so it is random
(``secrets.token_urlsafe``: 128 bits) and never derived from an id. A certificate keeps
the holder's name and the title as they were when it was issued.

Issuing is called by the service that completes the last step (a lesson viewed; an
attempt's totals stored, by ``scoring.recompute_attempts`` after a submission, an essay
graded or a regrade: ``issue_certificates_if_complete``) and, for courses, on a session
check-in (the registrations area's ``session_checked_in`` signal).
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.core.service_errors import PermissionDenied
from lms.events.models import Offering
from lms.extensions import db
from lms.learning.models import Module
from lms.learning.progress import course_progress, courses_of_module, module_progress
from lms.learning.progress_models import Certificate
from lms.learning.publishing import LearningError
from lms.registrations.models import Registration
from lms.registrations.statuses import HAS_PLACE
from lms.timeutil import utcnow

CODE_BYTES = 16  # 128 random bits: 22 URL-safe characters
# What a code can look like; anything else is not looked up at all.
CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,40}")
LANGUAGES = ("nb", "en")
REASON_MAX = 1000


def new_code() -> str:
    """A fresh, unguessable certificate code."""
    return secrets.token_urlsafe(CODE_BYTES)


def find_certificate(code: str) -> Certificate | None:
    """The certificate with ``code``, or None (also for a code of the wrong shape)."""
    if not CODE_SHAPE.fullmatch(code or ""):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def _existing(user_id: int, *, module_id: int | None, offering_id: int | None):
    statement = select(Certificate.id).where(Certificate.user_id == user_id)
    if module_id is not None:
        statement = statement.where(Certificate.module_id == module_id)
    else:
        statement = statement.where(Certificate.offering_id == offering_id)
    return db.session.scalar(statement.limit(1))


def _issue(user, *, title: str, module_id=None, offering_id=None) -> Certificate | None:
    """A new certificate, unless the person has one for this already (a revoked one is
    not replaced by itself: it was revoked for a reason)."""
    if _existing(user.id, module_id=module_id, offering_id=offering_id) is not None:
        return None
    certificate = Certificate(
        code=new_code(),
        user_id=user.id,
        module_id=module_id,
        offering_id=offering_id,
        holder_name=user.name,
        title=title[:200],
        language=user.language if user.language in LANGUAGES else "nb",
    )
    try:
        # A savepoint: when another request issued the same certificate a moment ago, the
        # unique index refuses this one and only it is undone.
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        return None
    return certificate


def issue_course_certificate_if_complete(user, offering: Offering) -> Certificate | None:
    """Issue the course's certificate when ``user`` (with a place on it) meets its rule."""
    registration = db.session.scalar(
        select(Registration).where(
            Registration.offering_id == offering.id, Registration.user_id == user.id
        )
    )
    if registration is None or registration.status not in HAS_PLACE:
        return None
    progress = course_progress(user, offering)
    if progress is None or not progress.complete:
        return None
    return _issue(user, title=offering.title, offering_id=offering.id)


def issue_certificates_if_complete(user, module_id: int) -> list[Certificate]:
    """After a step that may complete a module: issue its certificate if it is now
    complete, then those of the courses it belongs to that are now complete. Issues each
    at most once; returns the new ones. Called by the lesson-view service and
    ``scoring.recompute_attempts``; flushes, never commits."""
    progress = module_progress(user, module_id)
    if progress is None or not progress.complete:
        return []
    issued = [_issue(user, title=progress.title, module_id=module_id)]
    for offering_id in courses_of_module(module_id):
        offering = db.session.get(Offering, offering_id)
        if offering is not None:
            issued.append(issue_course_certificate_if_complete(user, offering))
    return [certificate for certificate in issued if certificate is not None]


def on_session_checked_in(registration, *, session, actor, **_extra) -> None:
    """The registrations area's ``session_checked_in``: a check-in may complete a course."""
    offering = registration.offering
    if offering.kind == "course":
        issue_course_certificate_if_complete(registration.user, offering)


# --- who may do what ------------------------------------------------------------------


def _runs(user, certificate: Certificate) -> bool:
    """Organisers, and the module's instructors (a course: the offering's)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if certificate.module_id is not None:
        module = db.session.get(Module, certificate.module_id)
        return module is not None and module.can_edit(user)
    offering = db.session.get(Offering, certificate.offering_id)
    return offering is not None and offering.can_edit(user)


def can_download(user, certificate: Certificate) -> bool:
    """The holder, organisers, and the module's (or course's) instructors."""
    if getattr(user, "is_authenticated", False) and user.id == certificate.user_id:
        return True
    return _runs(user, certificate)


def can_revoke(user, certificate: Certificate) -> bool:
    """Organisers and the module's (or course's) instructors."""
    return _runs(user, certificate)


def revoke_certificate(actor, certificate: Certificate, reason: str) -> Certificate:
    """Revoke ``certificate`` with a reason (kept for the agency, not shown publicly).
    Refuses others (``PermissionDenied``), an empty reason (``reason_needed``) and a
    certificate already revoked (``already_revoked``)."""
    if not can_revoke(actor, certificate):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise LearningError("reason_needed")
    if certificate.revoked_at is not None:
        raise LearningError("already_revoked")
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor.id
    certificate.revoke_reason = reason[:REASON_MAX]
    db.session.flush()
    return certificate


def certificates_of(user_id: int) -> list[Certificate]:
    """A person's certificates, newest first (one query)."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )
