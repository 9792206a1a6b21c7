"""Instructors' pages for a module's question bank: the list (filtered by tag) and the
question form of each type (``/manage/learning/<id>/questions…``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.extensions import db
from lms.learning import quiz_authoring
from lms.learning.authoring_views import editable, show_form_error
from lms.learning.blueprint import bp
from lms.learning.models import Module, Question
from lms.learning.publishing import LearningError, quiz_tag
from lms.learning.question_forms import EDITORS, QuestionForm


@bp.get("/manage/learning/<lms_id:module_id>/questions")
@login_required
def question_bank(module_id: int):
    """The module's questions with their tags; ``?tag=`` keeps those tagged so."""
    module = editable(module_id)
    tag = (request.args.get("tag") or "").strip() or None
    return render_template(
        "lms/learning/manage/questions.html",
        module=module,
        questions=quiz_authoring.questions_of(module, tag),
        tag=tag,
        pools=quiz_authoring.tag_pool_sizes(module),
        editors=EDITORS,
    )


def _question_form(module: Module, question: Question | None, kind: str) -> QuestionForm:
    form = QuestionForm(obj=question.current if question and request.method == "GET" else None)
    form.kind.data = kind
    form.set_choices(module, quiz_tag)
    if request.method == "GET":
        if question is not None:
            form.key.data = question.key
            form.load_spec(question.current.spec or {})
            form.load_tags(question.tags or [])
        else:
            form.load_spec({})
            quiz_id = request.args.get("quiz", type=int)
            form.load_tags([quiz_tag(q) for q in module.quizzes if q.id == quiz_id])
    elif request.form.get("add_row") == "rows":
        form.add_rows(1)
    return form


def _question_page(module: Module, question: Question | None, kind: str):
    form = _question_form(module, question, kind)
    adding_row = request.form.get("add_row") == "rows"
    faults: list = []
    if not adding_row and form.validate_on_submit():
        try:
            saved = quiz_authoring.save_question(
                current_user,
                module,
                question,
                key=(form.key.data or "").strip(),
                kind=kind,
                text_md=form.text_md.data.strip(),
                spec=form.spec_of(),
                feedback_md=(form.feedback_md.data or "").strip(),
                points=form.points.data,
                tags=form.tags(),
            )
        except quiz_authoring.QuestionFaults as refusal:
            db.session.rollback()
            faults = refusal.faults
        except LearningError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            if saved.new_version:
                flash(_("Saved as version %(number)s; attempts already made keep the version "
                        "they answered.", number=saved.version.number), "success")  # fmt: skip
            else:
                flash(_("The question is saved."), "success")
            return redirect(
                url_for(".edit_question", module_id=module.id, question_id=saved.question.id)
            )
    status = 400 if request.method == "POST" and not adding_row else 200
    return render_template(
        "lms/learning/manage/question_form.html",
        form=form,
        module=module,
        question=question,
        editor=EDITORS[kind],
        faults=faults,
    ), status


@bp.route("/manage/learning/<lms_id:module_id>/questions/new", methods=["GET", "POST"])
@login_required
def new_question(module_id: int):
    """A new question of the type ``?kind=`` names (the bank page links each type)."""
    module = editable(module_id)
    kind = request.args.get("kind", "")
    if kind not in EDITORS:
        abort(404)
    return _question_page(module, None, kind)


@bp.route(
    "/manage/learning/<lms_id:module_id>/questions/<lms_id:question_id>", methods=["GET", "POST"]
)
@login_required
def edit_question(module_id: int, question_id: int):
    module = editable(module_id)
    question = db.get_or_404(Question, question_id)
    if question.module_id != module.id:
        abort(404)
    return _question_page(module, question, question.current.kind)
