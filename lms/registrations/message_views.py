"""The organisers' message to an offering's participants, in three steps: write it,
read it as the recipients will (and send a test to oneself), then send it. Messages sent
are listed under the form. Routes hang on the registrations blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.events.models import Offering
from lms.extensions import db
from lms.registrations import forms, messages, services
from lms.registrations.services import RegistrationError
from lms.registrations.views import bp, error_message

ACTIONS = ("preview", "edit", "test", "send")


def _managed(offering_id: int) -> Offering:
    offering = db.get_or_404(Offering, offering_id)
    if not services.can_manage(current_user, offering):
        abort(403)
    return offering


def _message_form() -> forms.MessageForm:
    """The form: from the POST, or (GET) with the people ticked on the participant list."""
    if request.method == "POST":
        return forms.MessageForm().for_selection()
    ids = forms.parse_ids(request.args.get("selected", "").split(","))
    return forms.MessageForm(selected=",".join(map(str, ids))).for_selection()


def _written(form: forms.MessageForm) -> tuple[str, str]:
    """Subject and text as typed, with the browser's CRLF line ends made plain."""
    return form.subject.data.strip(), form.text.data.replace("\r\n", "\n").strip()


@bp.route("/manage/offerings/<lms_id:offering_id>/message", methods=["GET", "POST"])
@login_required
def message(offering_id: int):
    """Write (GET, or "edit"), preview and test ("preview", "test"), then send ("send"):
    a message goes out only from its preview, so nobody sends one unread."""
    offering = _managed(offering_id)
    form = _message_form()
    action = request.form.get("action", "preview")
    if request.method == "POST" and action not in ACTIONS:
        abort(400)
    if request.method == "GET" or action == "edit" or not form.validate():
        status = 400 if request.method == "POST" and action != "edit" else 200
        return render_template(
            "lms/registrations/message.html",
            offering=offering,
            form=form,
            recipients=messages.audience_sizes(offering, form.selected_ids()),
            sent=messages.sent_messages(offering),
        ), status
    subject, text = _written(form)
    if action == "send":
        try:
            record = messages.send(
                current_user, offering.id, subject, text, form.audience.data, form.selected_ids()
            )
        except RegistrationError as error:
            db.session.rollback()
            flash(error_message(error), "error")
        else:
            db.session.commit()
            flash(
                ngettext(
                    "The message is on its way to %(num)s person.",
                    "The message is on its way to %(num)s people.",
                    record.recipients,
                ),
                "success",
            )
            return redirect(url_for(".message", offering_id=offering.id))
    elif action == "test":
        messages.send_test(current_user, offering.id, subject, text)
        db.session.commit()
        flash(_("A test copy is on its way to %(email)s.", email=current_user.email), "success")
    mail_subject, body = messages.preview(
        current_user, offering.id, subject, text, str(get_locale())
    )
    reached = len(messages.recipients(offering, form.audience.data, form.selected_ids()))
    return render_template(
        "lms/registrations/message_preview.html",
        offering=offering,
        form=form,
        subject=subject,
        text=text,
        mail_subject=mail_subject,
        body=body,
        reached=reached,
    ), (422 if action == "send" else 200)
