"""Certificate pages: the PDF for its holder (and the module's instructors and
organisers), the public verification page, and revoking. Routes hang on the learning
blueprint (``lms_learning.*``)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.learning import certificates
from lms.learning.blueprint import bp
from lms.learning.certificate_forms import RevokeForm
from lms.learning.certificate_pdf import certificate_pdf
from lms.learning.publishing import LearningError

REVOKE_ERRORS = {
    "reason_needed": _l("Say why the certificate is revoked."),
    "already_revoked": _l("The certificate is already revoked."),
}


def _found(code: str):
    certificate = certificates.find_certificate(code)
    if certificate is None:
        abort(404)
    return certificate


@bp.get("/me/certificates/<code>.pdf")
@login_required
def certificate_download(code: str):
    """The certificate as a PDF in the holder's language; anyone else but organisers
    and the module's instructors gets a 404 (the code alone shows only the public page)."""
    certificate = _found(code)
    if not certificates.can_download(current_user, certificate):
        abort(404)
    return Response(
        certificate_pdf(certificate),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="certificate-{code}.pdf"'},
    )


@bp.get("/certificates/<code>")
def verify_certificate(code: str):
    """Public: the holder's name, what was completed, the date, and whether the
    certificate is valid or revoked (with the date). Nothing else about the person."""
    certificate = _found(code)
    return render_template(
        "lms/learning/verify_certificate.html",
        certificate=certificate,
        can_revoke=certificates.can_revoke(current_user, certificate),
    )


@bp.route("/certificates/<code>/revoke", methods=["GET", "POST"])
@login_required
def revoke_certificate(code: str):
    """Revoke, after a page that asks for the reason and says what it does."""
    certificate = _found(code)
    if not certificates.can_revoke(current_user, certificate):
        abort(404)
    form = RevokeForm()
    status = 200
    if form.validate_on_submit():
        try:
            certificates.revoke_certificate(current_user, certificate, form.reason.data)
        except PermissionDenied:
            abort(404)
        except LearningError as error:
            db.session.rollback()
            form.reason.errors = [str(REVOKE_ERRORS.get(error.code, error.code))]
            status = 409 if error.code == "already_revoked" else 400
        else:
            db.session.commit()
            flash(_("The certificate is revoked."), "success")
            return redirect(url_for(".verify_certificate", code=certificate.code))
    elif form.is_submitted():
        status = 400
    return render_template(
        "lms/learning/revoke_certificate.html", certificate=certificate, form=form
    ), status
