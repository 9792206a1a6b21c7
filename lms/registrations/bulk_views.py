"""Actions on several participants at once, chosen with the boxes on the participant list:
write to them (the message page, with them as its audience), cancel their registrations
(after a page that asks: it cannot be undone) or record that they came. Routes hang on
the registrations blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from lms.events.models import Offering
from lms.extensions import db
from lms.registrations import bulk, forms, services
from lms.registrations.services import RegistrationError
from lms.registrations.views import bp, error_message

BULK_ACTIONS = ("message", "cancel", "attended")


def _managed(offering_id: int) -> Offering:
    offering = db.get_or_404(Offering, offering_id)
    if not services.can_manage(current_user, offering):
        abort(403)
    return offering


@bp.post("/manage/offerings/<lms_id:offering_id>/participants/bulk")
@login_required
def bulk_action(offering_id: int):
    """Do ``action`` to the ticked registrations (``selected``); cancelling asks first
    and happens when the answer comes back with ``confirm=yes``."""
    offering = _managed(offering_id)
    action = request.form.get("action")
    if action not in BULK_ACTIONS:
        abort(400)
    ids = forms.parse_ids(request.form.getlist("selected"))
    back = redirect(url_for(".participants", offering_id=offering.id))
    try:
        if action == "message":
            bulk.selected(current_user, offering.id, ids, ())  # refuses an empty choice
            return redirect(
                url_for(".message", offering_id=offering.id, selected=",".join(map(str, ids)))
            )
        if action == "cancel" and request.form.get("confirm") != "yes":
            chosen = bulk.cancellable(current_user, offering.id, ids)
            return render_template(
                "lms/registrations/cancel_participants.html",
                offering=offering,
                chosen=chosen.fits,
                others=chosen.others,
                action=url_for(".bulk_action", offering_id=offering.id),
                ids=[r.id for r in chosen.fits],
            )
        if action == "cancel":
            done = bulk.cancel_many(current_user, offering.id, ids)
            message = ngettext(
                "%(num)s registration is cancelled.", "%(num)s registrations are cancelled.", done
            )
        else:
            done = bulk.attendance_many(current_user, offering.id, ids)
            message = ngettext(
                "%(num)s person is recorded as attended.",
                "%(num)s people are recorded as attended.",
                done,
            )
    except RegistrationError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return back
    db.session.commit()
    flash(message, "success")
    return back
