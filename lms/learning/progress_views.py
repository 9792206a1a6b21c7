"""A learner's "My learning" page, and the organisers' page for a course's completion
rule. Routes hang on the learning blueprint (``lms_learning.*``)."""

from __future__ import annotations

from urllib.parse import quote

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.accounts.permissions import role_required
from lms.events.models import Offering
from lms.extensions import db
from lms.learning import certificates, progress
from lms.learning.blueprint import bp
from lms.learning.certificate_forms import CourseRuleForm
from lms.learning.models import CourseRule
from lms.learning.publishing import LearningError

RULE_ERRORS = {
    "not_a_course": _l("Only a course can have a completion rule."),
    "bad_percent": _l("Give a whole number from 0 to 100."),
    "rule_needs_something": _l(
        "The rule must need something: a share of the sessions, or the course's modules."
    ),
}

STEP_ENDPOINTS = {"lesson": "lms_learning.lesson", "quiz": "lms_learning.quiz"}
STEP_FOLDERS = {"lesson": "lessons", "quiz": "quizzes"}


@bp.app_template_global("lms_learning_step_url")
def step_url(slug: str, step: progress.Step) -> str:
    """Where "continue where you left off" leads: the participant's lesson or quiz page
    (``lms_learning.lesson`` / ``lms_learning.quiz``), or its path while those pages
    are not mounted."""
    endpoint = STEP_ENDPOINTS[step.kind]
    if endpoint in current_app.view_functions:
        return url_for(endpoint, slug=slug, key=step.key)
    base = url_for("lms_core.home").rstrip("/")
    return f"{base}/learning/{quote(slug)}/{STEP_FOLDERS[step.kind]}/{quote(step.key)}"


@bp.get("/me/learning")
@login_required
def my_learning():
    """Modules in progress (a bar and where to go on) and completed ones with their
    certificates; certificates of courses too. A fixed number of queries."""
    activity = progress.activity_of(current_user.id)
    touched = progress.modules_touched(current_user.id)
    issued = certificates.certificates_of(current_user.id)
    by_module = {c.module_id: c for c in issued if c.module_id is not None}
    modules = progress.progress_of_modules(current_user, touched | set(by_module), activity)
    ordered = sorted(modules.values(), key=lambda p: (p.title.casefold(), p.module_id))
    return render_template(
        "lms/learning/my_learning.html",
        # A module with a certificate is listed as completed, even if a newer version
        # added a lesson since: the certificate stands.
        in_progress=[
            p for p in ordered if p.started and not p.complete and p.module_id not in by_module
        ],
        completed=[p for p in ordered if p.complete or p.module_id in by_module],
        by_module=by_module,
        courses=[c for c in issued if c.offering_id is not None],
    )


@bp.route("/manage/learning/courses/<lms_id:offering_id>/rule", methods=["GET", "POST"])
@role_required("organiser")
def course_rule(offering_id: int):
    """What completing a course takes: its modules, and a share of its sessions."""
    offering = db.get_or_404(Offering, offering_id)
    if offering.kind != "course":
        abort(404)
    rule = db.session.get(CourseRule, offering.id)
    form = CourseRuleForm(
        obj=rule, data=None if rule else {"min_attendance_percent": 80, "needs_modules": True}
    )
    status = 200
    if form.validate_on_submit():
        try:
            progress.set_course_rule(
                current_user,
                offering,
                min_attendance_percent=form.min_attendance_percent.data,
                needs_modules=form.needs_modules.data,
            )
        except LearningError as error:
            db.session.rollback()
            form.min_attendance_percent.errors = [str(RULE_ERRORS.get(error.code, error.code))]
            status = 400  # the rule as typed cannot be kept
        else:
            db.session.commit()
            flash(_("The completion rule is saved."), "success")
            return redirect(url_for(".course_rule", offering_id=offering.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "lms/learning/course_rule.html",
        offering=offering,
        form=form,
        modules=len(progress.course_modules(offering.id)),
        sessions=len(offering.active_sessions),
    ), status
