"""Instructors' pages for a module's quizzes: settings, the questions each asks, and its
random draws (``/manage/learning/<id>/quizzes…``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.extensions import db
from lms.learning import forms, quiz_authoring
from lms.learning.authoring_views import editable, show_form_error
from lms.learning.blueprint import bp
from lms.learning.models import Module, Quiz, QuizDraw
from lms.learning.publishing import LearningError, quiz_questions


def quiz_of(module: Module, quiz_id: int) -> Quiz:
    quiz = db.get_or_404(Quiz, quiz_id)
    if quiz.module_id != module.id:
        abort(404)
    return quiz


def _quiz_form(quiz: Quiz | None) -> forms.QuizForm:
    form = forms.QuizForm(obj=quiz if request.method == "GET" else None)
    if request.method == "GET" and quiz is not None:
        form.load(quiz)
    elif request.method == "GET":
        form.review_field("immediately", "score").data = True
        form.review_field("immediately", "answers").data = True
    if request.method == "POST" and request.form.get("add_row") == "bands":
        form.bands.append_entry()
    return form


def _quiz_page(module: Module, quiz: Quiz | None):
    form = _quiz_form(quiz)
    adding_row = request.form.get("add_row") == "bands"
    if not adding_row and form.validate_on_submit():
        try:
            if quiz is None:
                quiz = quiz_authoring.create_quiz(current_user, module, form.quiz_data())
            else:
                quiz_authoring.update_quiz(current_user, quiz, form.quiz_data())
        except LearningError as error:
            db.session.rollback()
            if error.code == "closes_before_opens":
                form.closes_at.errors.append(_("The quiz must close after it opens."))
            else:
                show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("The quiz is saved."), "success")
            return redirect(url_for(".edit_quiz", module_id=module.id, quiz_id=quiz.id))
    status = 400 if request.method == "POST" and not adding_row else 200
    return render_template(
        "lms/learning/manage/quiz_form.html",
        form=form,
        module=module,
        quiz=quiz,
        questions=quiz_questions(module, quiz) if quiz else [],
        draw_form=forms.DrawForm(formdata=None),
        pools=quiz_authoring.tag_pool_sizes(module),
        confirm_form=forms.ConfirmForm(),
    ), status


@bp.route("/manage/learning/<lms_id:module_id>/quizzes/new", methods=["GET", "POST"])
@login_required
def new_quiz(module_id: int):
    return _quiz_page(editable(module_id), None)


@bp.route("/manage/learning/<lms_id:module_id>/quizzes/<lms_id:quiz_id>", methods=["GET", "POST"])
@login_required
def edit_quiz(module_id: int, quiz_id: int):
    module = editable(module_id)
    return _quiz_page(module, quiz_of(module, quiz_id))


@bp.post("/manage/learning/<lms_id:module_id>/quizzes/<lms_id:quiz_id>/draws")
@login_required
def add_draw(module_id: int, quiz_id: int):
    """N questions at random from those with a tag (redirects back with what happened)."""
    module = editable(module_id)
    quiz = quiz_of(module, quiz_id)
    form = forms.DrawForm()
    back = url_for(".edit_quiz", module_id=module.id, quiz_id=quiz.id, _anchor="draws")
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Give a tag and a number of questions from 1 to 200."), "error")
        return redirect(back)
    quiz_authoring.add_draw(current_user, quiz, tag=form.tag.data, count=form.count.data)
    db.session.commit()
    flash(_("The draw is added."), "success")
    return redirect(back)


@bp.post(
    "/manage/learning/<lms_id:module_id>/quizzes/<lms_id:quiz_id>/draws/<lms_id:draw_id>/delete"
)
@login_required
def remove_draw(module_id: int, quiz_id: int, draw_id: int):
    module = editable(module_id)
    quiz = quiz_of(module, quiz_id)
    draw = db.get_or_404(QuizDraw, draw_id)
    if draw.quiz_id != quiz.id:
        abort(404)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    quiz_authoring.remove_draw(current_user, draw)
    db.session.commit()
    flash(_("The draw is removed."), "success")
    return redirect(url_for(".edit_quiz", module_id=module.id, quiz_id=quiz.id, _anchor="draws"))
