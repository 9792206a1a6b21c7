"""Results pages for instructors (their own modules) and organisers (all): a quiz's
results, one learner's attempts, the exports, the essay grading queue and regrading a
question. Thin: the services in ``results``, ``essays`` and ``regrade`` check who may
do what; a refusal becomes a 404 (nothing there) or 403 (someone else's module)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.core.markdown import render_markdown
from lms.core.paging import page_number
from lms.extensions import db
from lms.learning import essays, regrade, results, results_export, results_overview
from lms.learning.answer_text import response_text, right_answer_text
from lms.learning.authoring import may_author
from lms.learning.blueprint import bp
from lms.learning.labels import GRADING_METHOD_LABELS
from lms.learning.publishing import LearningError
from lms.learning.results_forms import EssayGradeForm, RegradeForm
from lms.learning.view_lookups import or_abort
from lms.registrations.exports import CSV_TYPE, SEPARATORS, XLSX_TYPE, csv_separator


def _require_grader() -> None:
    """The queue is for people who may edit modules at all (instructors, organisers)."""
    if not may_author(current_user):
        abort(403)


@bp.get("/manage/learning/results")
@login_required
def results_overview_page():
    """Every quiz the user may see results of, with its attempts, learners, pass rate
    and mean grade (organisers: all modules; instructors: their own); ``?module=`` one
    module's (a module the user may not edit shows nothing)."""
    module_id = request.args.get("module", type=int)
    overview = or_abort(results_overview.results_overview, module_id)
    module = overview[0].quiz.module if module_id is not None and overview else None
    return render_template("lms/learning/results/overview.html", overview=overview, module=module)


@bp.get("/manage/learning/quizzes/<lms_id:quiz_id>/results")
@login_required
def quiz_results(quiz_id: int):
    """A row per learner (paged, filtered by status) and a summary per question."""
    quiz = or_abort(results.editable_quiz, quiz_id)
    status = request.args.get("status")
    status = status if status in results.STATUSES else None
    page = results.results_page(quiz, status=status, page=page_number())
    if page.beyond_last:
        abort(404)
    return render_template(
        "lms/learning/results/quiz.html",
        quiz=quiz,
        page=page,
        status=status,
        questions=results.question_summaries(quiz),
        grading_methods=GRADING_METHOD_LABELS,
    )


@bp.get("/manage/learning/quizzes/<lms_id:quiz_id>/results/<lms_id:user_id>")
@login_required
def learner_results(quiz_id: int, user_id: int):
    """One learner's attempts, answer by answer, with the right answers."""
    quiz = or_abort(results.editable_quiz, quiz_id)
    try:
        learner, attempts = results.learner_attempts(quiz, user_id)
    except LearningError:
        abort(404)
    return render_template(
        "lms/learning/results/learner.html",
        quiz=quiz,
        learner=learner,
        attempts=attempts,
        response_text=response_text,
        right_answer_text=right_answer_text,
        markdown=render_markdown,
    )


@bp.get("/manage/learning/quizzes/<lms_id:quiz_id>/results.<any(csv, xlsx):fmt>")
@login_required
def export_results(quiz_id: int, fmt: str):
    """Every answer of the quiz's submitted attempts, one row each, as CSV or XLSX."""
    quiz = or_abort(results.editable_quiz, quiz_id)
    records, versions = results.export_records(quiz)
    if fmt == "csv":
        separator = request.args.get("sep")
        if separator not in SEPARATORS:
            separator = csv_separator(str(get_locale()))
        body, content_type = results_export.to_csv(records, versions, separator), CSV_TYPE
    else:
        body, content_type = results_export.to_xlsx(records, versions, quiz.title), XLSX_TYPE
    name = f"results-{quiz.id}.{fmt}"
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _queue_page(forms: dict, status: int = 200):
    quiz_id = request.args.get("quiz", type=int)
    queue = essays.essay_queue(current_user, quiz_id)
    for answer, *_rest in queue:
        forms.setdefault(answer.id, EssayGradeForm(prefix=f"essay-{answer.id}", formdata=None))
    body = render_template(
        "lms/learning/results/essays.html",
        queue=queue,
        forms=forms,
        quiz_id=quiz_id,
        markdown=render_markdown,
    )
    return body, status


@bp.get("/manage/learning/essays")
@login_required
def essay_queue():
    """Essays waiting for grading in the modules the user may edit (``?quiz=`` one quiz's)."""
    _require_grader()
    return _queue_page({})


@bp.post("/manage/learning/essays/<lms_id:answer_id>")
@login_required
def grade_essay(answer_id: int):
    """Grade one essay; a bad score answers 400 with the form's error and saves nothing."""
    _require_grader()
    or_abort(essays.gradable_essay, answer_id)
    form = EssayGradeForm(prefix=f"essay-{answer_id}")
    if form.validate():
        try:
            essays.grade_essay(current_user, answer_id, form.value, form.comment.data or "")
        except LearningError:
            form.score.errors.append(_("The score cannot be more than the question's marks."))
        else:
            db.session.commit()
            flash(_("The essay is graded."), "success")
            return redirect(url_for(".essay_queue", **request.args))
    db.session.rollback()
    return _queue_page({answer_id: form}, 400)


@bp.route("/manage/learning/questions/<lms_id:question_id>/regrade", methods=["GET", "POST"])
@login_required
def regrade_question(question_id: int):
    """Confirm (with how many answers would change), then regrade past attempts."""
    quiz_id = request.args.get("quiz", type=int)
    form = RegradeForm()
    if request.method == "POST" and form.validate():
        plan = or_abort(regrade.regrade_question, question_id)
        db.session.commit()
        flash(
            ngettext(
                "%(num)s answer was regraded.", "%(num)s answers were regraded.", len(plan.changes)
            ),
            "success",
        )
        if quiz_id is not None:
            return redirect(url_for(".quiz_results", quiz_id=quiz_id))
        return redirect(url_for(".regrade_question", question_id=question_id))
    plan = or_abort(regrade.plan_regrade, question_id)
    return render_template(
        "lms/learning/results/regrade.html",
        plan=plan,
        form=form,
        quiz_id=quiz_id,
        markdown=render_markdown,
    )
