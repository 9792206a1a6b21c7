"""Instructors' and organisers' GIFT pages for a module's question bank: import a file
(or pasted text) into the bank, and download the bank as GIFT. Thin: the work is in
``gift_import``."""

from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import SelectField, TextAreaField

from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.learning.blueprint import bp
from lms.learning.gift import GiftError
from lms.learning.gift_import import bank_as_gift, import_gift
from lms.learning.models import Module
from lms.learning.publishing import require_editor

MAX_GIFT_BYTES = 1024 * 1024  # 1 MB: thousands of questions


class GiftImportForm(FlaskForm):
    """A GIFT file or pasted GIFT text, and the quiz the questions join (or none)."""

    file = FileField(
        _l("GIFT file"), validators=[FileAllowed(["gift", "txt"], _l("Use a .gift or .txt file."))]
    )
    text = TextAreaField(_l("Or paste the questions"))
    quiz = SelectField(_l("Add the questions to"), choices=[])

    def gift_text(self) -> str | None:
        """The file's text (UTF-8) or the pasted text; None, with the field's error
        added, when there is neither or the file cannot be read."""
        upload = self.file.data
        if upload and getattr(upload, "filename", ""):
            content = upload.read(MAX_GIFT_BYTES + 1)
            if len(content) > MAX_GIFT_BYTES:
                self.file.errors.append(_("The file is larger than 1 MB."))
                return None
            try:
                return content.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.file.errors.append(_("The file is not UTF-8 text."))
                return None
        if (self.text.data or "").strip():
            if len(self.text.data.encode("utf-8")) > MAX_GIFT_BYTES:
                self.text.errors.append(_("The text is longer than 1 MB."))
                return None
            return self.text.data
        self.file.errors.append(_("Choose a file or paste the questions."))
        return None


def _editable(module_id: int) -> Module:
    module = db.get_or_404(Module, module_id)
    try:
        require_editor(current_user, module)
    except PermissionDenied:
        abort(403)
    return module


def _form(module: Module) -> GiftImportForm:
    form = GiftImportForm()
    form.quiz.choices = [("", _("The question bank only"))] + [
        (str(quiz.id), quiz.title) for quiz in module.quizzes
    ]
    return form


@bp.route("/manage/learning/modules/<lms_id:module_id>/gift", methods=["GET", "POST"])
@login_required
def gift_import(module_id: int):
    """Import questions from a GIFT file into the module's bank: all of them, or none
    with each line's fault listed."""
    module = _editable(module_id)
    form = _form(module)
    faults, status = [], 200
    if form.validate_on_submit():
        text = form.gift_text()
        quiz = next((q for q in module.quizzes if str(q.id) == form.quiz.data), None)
        if text is not None:
            try:
                made = import_gift(current_user, module, text, quiz=quiz)
            except GiftError as error:
                faults = error.faults
            else:
                db.session.commit()
                flash(
                    ngettext(
                        "%(num)s question was imported.",
                        "%(num)s questions were imported.",
                        len(made),
                    ),
                    "success",
                )
                return redirect(url_for(".gift_import", module_id=module.id))
        db.session.rollback()
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template(
        "lms/learning/gift_import.html", module=module, form=form, faults=faults
    ), status


@bp.get("/manage/learning/modules/<lms_id:module_id>/questions.gift")
@login_required
def gift_export(module_id: int):
    """The module's question bank (current versions) as a GIFT file to download."""
    module = _editable(module_id)
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", module.slug) or "questions"
    return Response(
        bank_as_gift(current_user, module),
        content_type="text/plain; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.gift"',
            "X-Content-Type-Options": "nosniff",
        },
    )
