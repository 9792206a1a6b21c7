"""Administration pages: assign roles, read outgoing mail."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from lms.accounts import services
from lms.accounts.models import User
from lms.accounts.permissions import role_required
from lms.admin.forms import MAIL_STATUS_LABELS, ROLE_LABELS, RolesForm, mail_kind_labels
from lms.admin.mail_list import MailFilters, outbox_statement
from lms.core.paging import page_number
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.rendering import readable

bp = Blueprint("lms_admin", __name__)

PAGE_SIZE = 50


@bp.get("/users")
@role_required("admin")
def users():
    """People, searchable by name or e-mail, with their roles."""
    query = request.args.get("q", "").strip()[:200]
    statement = select(User).order_by(User.name, User.id)
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    pagination = db.paginate(statement, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "lms/admin/users.html",
        pagination=pagination,
        query=query,
        role_labels=ROLE_LABELS,
    )


@bp.route("/users/<lms_id:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user_roles(user_id: int):
    """Show one person and set their roles."""
    user = db.get_or_404(User, user_id)
    form = RolesForm()
    if request.method == "GET":
        form.roles.data = sorted(user.role_names - {"participant"})
    if form.validate_on_submit():
        try:
            services.set_roles(current_user, user, set(form.roles.data or []))
        except services.PermissionDenied:
            abort(403)
        except services.AccountError:
            form.roles.errors.append(_("There must always be at least one administrator."))
        else:
            db.session.commit()
            flash(_("The roles of %(name)s are saved.", name=user.name), "success")
            return redirect(url_for(".users"))
    status = 400 if request.method == "POST" else 200
    return render_template("lms/admin/user_roles.html", user=user, form=form), status


@bp.get("/mail")
@role_required("admin")
def mail():
    """Outgoing mail, newest first, searched by recipient and filtered by kind and
    status: what a developer reads when no SMTP is set, and where failures are found."""
    kinds = current_app.extensions["lms"].mail_kinds
    filters = MailFilters.from_args(request.args, kinds)
    pagination = db.paginate(
        outbox_statement(filters), page=page_number(), per_page=PAGE_SIZE, error_out=False
    )
    pagination.items = [readable(message) for message in pagination.items]  # worker not done
    return render_template(
        "lms/admin/mail.html",
        pagination=pagination,
        filters=filters,
        kind_labels=mail_kind_labels(kinds),
        status_labels=MAIL_STATUS_LABELS,
    )


@bp.get("/mail/<lms_id:message_id>")
@role_required("admin")
def mail_message(message_id: int):
    """One outgoing message, text and HTML."""
    message = readable(db.get_or_404(OutboxMessage, message_id))
    return render_template(
        "lms/admin/mail_message.html", message=message, status_labels=MAIL_STATUS_LABELS
    )
