"""Instructors' pages for modules: the list, a module's page, its settings, lessons,
publishing and archiving (``/manage/learning…`` on the learning blueprint). Thin: parse,
call ``authoring``, commit once, render or redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.core.service_errors import PermissionDenied
from lms.events.manage import instructor_choices
from lms.extensions import db
from lms.learning import authoring, forms
from lms.learning.blueprint import bp
from lms.learning.labels import PURPOSE_LABELS
from lms.learning.models import REVIEW_PARTS, Lesson, Module
from lms.learning.publishing import LearningError, NotPublishable, latest_version
from lms.learning.question_forms import EDITORS

# What a form says for each refusal: the field it belongs to (None: above the form).
FORM_ERRORS = {
    "bad_slug": ("slug", forms.KEY_MESSAGE),
    "slug_taken": ("slug", _l("Another module already has this slug.")),
    "bad_key": ("key", forms.KEY_MESSAGE),
    "key_taken": ("key", _l("Another item of this module already has this key.")),
    "not_an_instructor": ("instructors", _l("Only people with the instructor role can be chosen.")),
    "not_a_course": ("courses", _l("Only courses can be chosen.")),
    "objective_twice": ("objectives", _l("Two objectives have the same code.")),
    "bad_objective_code": (
        "objectives",
        _l("An objective's code is letters, digits, dots, hyphens or underscores."),
    ),
}


@bp.context_processor
def authoring_labels() -> dict:
    """The words for statuses, purposes, review options and question types."""
    return {
        "lms_module_status_labels": forms.MODULE_STATUS_LABELS,
        "lms_purpose_labels": PURPOSE_LABELS,
        "lms_review_moments": forms.MOMENT_LABELS,
        "lms_review_parts": REVIEW_PARTS,
        "lms_question_kinds": EDITORS,
    }


def show_form_error(form, error: LearningError) -> None:
    """Put ``error``'s message at its field, or above the form."""
    name, message = FORM_ERRORS.get(error.code, (None, _l("Nothing was saved.")))
    if name is not None and name in form:
        form[name].errors = [*form[name].errors, message]
    else:
        form.form_errors.append(message)


def editable(module_id: int) -> Module:
    """The module, for someone who may edit it (403 otherwise, 404 when there is none)."""
    module = db.get_or_404(Module, module_id)
    if not module.can_edit(current_user):
        abort(403)
    return module


def lesson_of(module: Module, lesson_id: int) -> Lesson:
    lesson = db.get_or_404(Lesson, lesson_id)
    if lesson.module_id != module.id:
        abort(404)
    return lesson


@bp.get("/manage/learning")
@login_required
def manage_modules():
    """The modules the user may edit, with status, version and when last published."""
    try:
        rows = authoring.editable_modules(current_user)
    except PermissionDenied:
        abort(403)
    return render_template("lms/learning/manage/list.html", rows=rows)


def _module_form(module: Module | None) -> forms.ModuleForm:
    form = forms.ModuleForm()
    form.instructors.choices = forms.options((u.id, u.name) for u in instructor_choices())
    form.courses.choices = forms.options((o.id, o.title) for o in authoring.course_choices())
    if request.method == "GET" and module is not None:
        form.load(module, [u.id for u in module.instructors], authoring.course_ids(module))
    elif request.method == "GET":
        form.instructors.data = [current_user.id]
    if request.method == "POST" and request.form.get("add_row") == "objectives":
        form.objectives.append_entry()
    return form


def _save_module(form: forms.ModuleForm, module: Module | None) -> Module:
    if module is None:
        module = authoring.create_module(current_user, form.module_data())
    else:
        authoring.update_module(current_user, module, form.module_data())
    authoring.set_objectives(current_user, module, form.objective_rows())
    authoring.set_instructors(current_user, module, form.instructors.data or [])
    authoring.set_courses(current_user, module, form.courses.data or [])
    return module


def _module_form_page(module: Module | None):
    form = _module_form(module)
    adding_row = request.form.get("add_row") == "objectives"
    if not adding_row and form.validate_on_submit():
        try:
            saved = _save_module(form, module)
        except PermissionDenied:
            abort(403)
        except LearningError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("The module is saved.") if module else _("The module is saved as a draft."),
                  "success")  # fmt: skip
            return redirect(url_for(".manage_module", module_id=saved.id))
    status = 400 if request.method == "POST" and not adding_row else 200
    return render_template("lms/learning/manage/settings.html", form=form, module=module), status


@bp.route("/manage/learning/new", methods=["GET", "POST"])
@login_required
def new_module():
    if not authoring.may_author(current_user):
        abort(403)
    return _module_form_page(None)


@bp.route("/manage/learning/<lms_id:module_id>/settings", methods=["GET", "POST"])
@login_required
def module_settings(module_id: int):
    return _module_form_page(editable(module_id))


@bp.get("/manage/learning/<lms_id:module_id>")
@login_required
def manage_module(module_id: int):
    """A module's page: status and versions, publish, preview, lessons, quizzes."""
    module = editable(module_id)
    return render_template(
        "lms/learning/manage/module.html",
        module=module,
        newest=latest_version(module.id),
        changed=authoring.has_unpublished_changes(module),
        confirm_form=forms.ConfirmForm(),
    )


def _fault_link(module: Module, where: str) -> str:
    """Where a publishing fault can be mended: a question, a quiz, or the settings."""
    for question in module.questions:
        if question.key == where:
            return url_for(".edit_question", module_id=module.id, question_id=question.id)
    for quiz in module.quizzes:
        if quiz.key == where:
            return url_for(".edit_quiz", module_id=module.id, quiz_id=quiz.id)
    return url_for(".module_settings", module_id=module.id)


@bp.post("/manage/learning/<lms_id:module_id>/publish")
@login_required
def publish_module(module_id: int):
    module = editable(module_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    newest = latest_version(module.id)
    try:
        version = authoring.publish_module(current_user, module)
    except NotPublishable as refusal:
        db.session.rollback()
        faults = [(where, message, _fault_link(module, where)) for where, message in refusal.faults]
        return render_template("lms/learning/manage/faults.html", module=module, faults=faults), 409
    db.session.commit()
    if newest is not None and version.id == newest.id:
        flash(_("Nothing changed since version %(number)s: it stays published.",
                number=version.number), "info")  # fmt: skip
    else:
        flash(_("Published as version %(number)s.", number=version.number), "success")
    return redirect(url_for(".manage_module", module_id=module.id))


@bp.post("/manage/learning/<lms_id:module_id>/archive")
@login_required
def archive_module(module_id: int):
    module = editable(module_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("archived") == "no":
        try:
            authoring.unarchive_module(current_user, module)
        except LearningError:
            flash(_("The module is not archived."), "error")
            return redirect(url_for(".manage_module", module_id=module.id))
        message = _("The module is back.")
    else:
        authoring.archive_module(current_user, module)
        message = _("The module is archived: participants no longer find it.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".manage_module", module_id=module.id))


# --- lessons --------------------------------------------------------------------------


def _lesson_page(module: Module, lesson: Lesson | None):
    form = forms.LessonForm(obj=lesson if request.method == "GET" else None)
    previewing = bool(request.form.get("preview"))
    if form.validate_on_submit() and not previewing:
        values = {"title": form.title.data.strip(), "body_md": form.body_md.data or "",
                  "key": (form.key.data or "").strip()}  # fmt: skip
        try:
            if lesson is None:
                lesson = authoring.add_lesson(current_user, module, **values)
            else:
                authoring.update_lesson(current_user, lesson, **values)
        except LearningError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("The lesson is saved."), "success")
            return redirect(url_for(".edit_lesson", module_id=module.id, lesson_id=lesson.id))
    status = 400 if request.method == "POST" and form.errors else 200
    return render_template(
        "lms/learning/manage/lesson_form.html",
        form=form,
        module=module,
        lesson=lesson,
        preview=previewing and not form.errors,
    ), status


@bp.route("/manage/learning/<lms_id:module_id>/lessons/new", methods=["GET", "POST"])
@login_required
def new_lesson(module_id: int):
    return _lesson_page(editable(module_id), None)


@bp.route("/manage/learning/<lms_id:module_id>/lessons/<lms_id:lesson_id>", methods=["GET", "POST"])
@login_required
def edit_lesson(module_id: int, lesson_id: int):
    module = editable(module_id)
    return _lesson_page(module, lesson_of(module, lesson_id))


@bp.post("/manage/learning/<lms_id:module_id>/lessons/<lms_id:lesson_id>/move")
@login_required
def move_lesson(module_id: int, lesson_id: int):
    """One place up or down (buttons on the module page: keyboard, no dragging)."""
    module = editable(module_id)
    lesson = lesson_of(module, lesson_id)
    direction = request.form.get("direction", "")
    if not forms.ConfirmForm().validate_on_submit() or direction not in ("up", "down"):
        abort(400)
    if authoring.move_lesson(current_user, lesson, direction):
        db.session.commit()
        flash(_("“%(title)s” moved.", title=lesson.title), "success")
    return redirect(url_for(".manage_module", module_id=module.id, _anchor=f"lesson-{lesson.id}"))


@bp.route(
    "/manage/learning/<lms_id:module_id>/lessons/<lms_id:lesson_id>/delete",
    methods=["GET", "POST"],
)
@login_required
def delete_lesson(module_id: int, lesson_id: int):
    """A confirmation page, then the lesson is deleted from the working copy."""
    module = editable(module_id)
    lesson = lesson_of(module, lesson_id)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        title = lesson.title
        authoring.delete_lesson(current_user, lesson)
        db.session.commit()
        flash(_("“%(title)s” is deleted.", title=title), "success")
        return redirect(url_for(".manage_module", module_id=module.id, _anchor="lessons"))
    return render_template(
        "lms/learning/manage/lesson_delete.html", module=module, lesson=lesson, form=form
    )
