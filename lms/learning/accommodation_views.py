"""A quiz's time page (``/manage/learning/quizzes/<id>/time``): who has more time (or no
limit), giving a person a factor, taking it away. Thin: ``accommodations`` checks who may
(the module's instructors, organisers); a refusal is a 404 or 403 as on the results."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.extensions import db
from lms.learning import accommodations, results
from lms.learning.blueprint import bp
from lms.learning.forms import ConfirmForm
from lms.learning.publishing import LearningError
from lms.learning.results_forms import TimeForm, factor_label
from lms.learning.view_lookups import or_abort

# What the form says when the service refuses a valid form.
REFUSALS = {
    "no_such_person": ("email", _l("Nobody has an account with this e-mail address.")),
    "not_a_learner": ("learner", _l("Choose a person from the list.")),
}


def _time_page(quiz, form: TimeForm, status: int = 200):
    return render_template(
        "lms/learning/results/time.html",
        quiz=quiz,
        form=form,
        rows=accommodations.accommodations_of(quiz),
        factor_label=factor_label,
    ), status


@bp.get("/manage/learning/quizzes/<lms_id:quiz_id>/time")
@login_required
def quiz_time(quiz_id: int):
    """The quiz's accommodations and the form to give one."""
    quiz = or_abort(results.editable_quiz, quiz_id)
    learners = accommodations.quiz_learners(quiz)
    return _time_page(quiz, TimeForm(learners, formdata=None))


@bp.post("/manage/learning/quizzes/<lms_id:quiz_id>/time")
@login_required
def grant_quiz_time(quiz_id: int):
    """Give a person a factor; bad input answers 400 with the form's error, saving nothing."""
    quiz = or_abort(results.editable_quiz, quiz_id)
    form = TimeForm(accommodations.quiz_learners(quiz))
    if form.validate():
        try:
            accommodations.give_time(current_user, quiz, email=form.email.data or "",
                                     user_id=form.learner_id, factor=form.factor_value)  # fmt: skip
        except LearningError as error:
            db.session.rollback()
            name, message = REFUSALS.get(error.code, ("email", _l("Nothing was saved.")))
            form[name].errors = [*form[name].errors, message]
        else:
            db.session.commit()
            flash(_("The time is saved."), "success")
            return redirect(url_for(".quiz_time", quiz_id=quiz.id))
    elif form.csrf_token.errors:
        abort(400)
    return _time_page(quiz, form, 400)


@bp.post("/manage/learning/quizzes/<lms_id:quiz_id>/time/<lms_id:user_id>/delete")
@login_required
def remove_quiz_time(quiz_id: int, user_id: int):
    """Take a person's accommodation away (their quiz's own limit holds again)."""
    quiz = or_abort(results.editable_quiz, quiz_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        accommodations.remove_time(current_user, quiz, user_id)
    except LearningError:
        abort(404)
    db.session.commit()
    flash(_("The extra time is taken away."), "success")
    return redirect(url_for(".quiz_time", quiz_id=quiz.id))
