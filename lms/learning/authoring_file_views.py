"""Instructors' page for a module's files: upload (listed types, a size limit; images
re-encoded), the list with the Markdown to paste into a lesson, delete
(``/manage/learning/<id>/attachments…``)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.extensions import db
from lms.learning import authoring, forms
from lms.learning.attachments import ALLOWED_EXTENSIONS, AttachmentError
from lms.learning.authoring_views import editable
from lms.learning.blueprint import bp
from lms.learning.models import Attachment


@bp.route("/manage/learning/<lms_id:module_id>/attachments", methods=["GET", "POST"])
@login_required
def manage_attachments(module_id: int):
    module = editable(module_id)
    form = forms.AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            saved = authoring.upload_attachment(
                current_user, module, upload.filename or "", upload.read()
            )
        except AttachmentError as error:
            db.session.rollback()
            form.file.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("“%(name)s” is uploaded.", name=saved.filename), "success")
            return redirect(url_for(".manage_attachments", module_id=module.id))
    return render_template(
        "lms/learning/manage/attachments.html",
        module=module,
        form=form,
        files=authoring.attachments_of(module),
        snippet=authoring.snippet,
        types=", ".join(ALLOWED_EXTENSIONS),
        limit_mb=current_app.config["LMS_LEARNING_MAX_ATTACHMENT"] / (1024 * 1024),
        confirm_form=forms.ConfirmForm(),
    ), (400 if form.is_submitted() else 200)


@bp.post("/manage/learning/<lms_id:module_id>/attachments/<lms_id:attachment_id>/delete")
@login_required
def delete_attachment(module_id: int, attachment_id: int):
    module = editable(module_id)
    attachment = db.get_or_404(Attachment, attachment_id)
    if attachment.module_id != module.id:
        abort(404)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    name = attachment.filename
    authoring.delete_attachment(current_user, attachment)
    db.session.commit()
    flash(_("“%(name)s” is deleted.", name=name), "success")
    return redirect(url_for(".manage_attachments", module_id=module.id))
