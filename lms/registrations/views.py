"""Registration pages for participants: their home, register, "My registrations", cancel
or leave the list, accept an offered seat. The organisers' pages (``manage_views``) hang on the same
blueprint and share its error messages."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.events.models import Offering
from lms.extensions import db
from lms.registrations import forms, log_notes, register_button, services
from lms.registrations.home import participant_home
from lms.registrations.models import Registration
from lms.registrations.seats import seat_counts
from lms.registrations.services import RegistrationError
from lms.registrations.statuses import ACTIVE, CANCELLABLE

bp = Blueprint("lms_registrations", __name__)

ERRORS = {
    "not_found": _l("That offering cannot be found."),
    "cancelled": _l("The offering is cancelled."),
    "closed": _l("Registration is closed."),
    "members_only": _l("Only members of the network can register."),
    "consent_required": _l("You must agree to register."),
    "already_registered": _l("You are already registered."),
    "not_cancellable": _l("This registration cannot be cancelled."),
    "deadline_passed": _l("The deadline for cancelling has passed. Contact the organisers."),
    "no_offer": _l("There is no offer to accept."),
    "offer_expired": _l("The offer has expired."),
    "not_pending": _l("This registration is no longer waiting for approval."),
    "not_promotable": _l("Only people waiting for a place can be given one."),
    "not_waitlisted": _l("This person is not on the waiting list."),
    "not_confirmed": _l("Only confirmed participants can be checked in."),
    "not_started": _l("Attendance can be recorded from the day the offering starts."),
    "encoding": _l("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."),
    "not_csv": _l("The file is not a CSV file."),
    "no_recipients": _l("Nobody would get this message."),
    "none_selected": _l("Choose at least one person first."),
}


CANCELLED_MESSAGES = {
    "waitlisted": _l("You have left the waiting list."),
    "offered": _l("You have declined the place. It goes to the next in line."),
    "offered_to_nobody": _l("You have declined the place."),
    "confirmed": _l("Your place is cancelled."),
    "pending": _l("Your registration is withdrawn."),
}

# A valid form the offering refuses: as in the API (409 already registered, 403 members
# only, 422 closed or cancelled). A form with field errors answers 400, as on every form.
REFUSAL_STATUS = {"already_registered": 409, "members_only": 403, "not_found": 404}


@bp.app_context_processor
def labels():
    return {
        "lms_registration_status_labels": forms.STATUS_LABELS,
        "lms_organisation_type_labels": forms.ORGANISATION_TYPE_LABELS,
        "lms_log_note": log_notes.note_text,
    }


def error_message(error: RegistrationError) -> str:
    return str(ERRORS.get(error.code, _l("That could not be done.")))


# --- participants --------------------------------------------------------------------------


@bp.route("/events/<lms_id:offering_id>/register", methods=["GET", "POST"])
@login_required
def register(offering_id: int):
    """The offering's questions and consent; registering says what happened."""
    offering = db.session.get(Offering, offering_id)
    if offering is None or offering.status in ("draft", "archived"):
        abort(404)
    existing = services.find_registration(current_user, offering.id)
    if existing is not None and existing.status in ACTIVE:
        flash(_("You are already registered."), "info")
        return redirect(url_for(".mine"))
    form = forms.RegisterForm().for_offering(offering)
    status = 200
    if form.validate_on_submit():
        try:
            registered = services.register(
                current_user, offering.id, answers=form.answers(), consent="consent" in form
            )
        except RegistrationError as error:
            db.session.rollback()
            flash(error_message(error), "error")
            status = REFUSAL_STATUS.get(error.code, 422)
        else:
            message = _registered_message(registered)
            db.session.commit()
            flash(message, "success")
            return redirect(url_for(".mine"))
    elif request.method == "POST":
        status = 400
    counts = seat_counts(offering)
    action = register_button.register_action(current_user, offering, counts, existing)
    return render_template(
        "lms/registrations/register.html",
        offering=offering,
        form=form,
        counts=counts,
        action=action,
    ), status


def _registered_message(registered: services.Registered) -> str:
    if registered.status == "confirmed":
        return _("You have a place. We have sent you a confirmation.")
    if registered.status == "pending":
        return _("Your registration is waiting for an organiser's approval.")
    return _(
        "The offering is full: you are on the waiting list as number %(n)s.",
        n=registered.waitlist_position,
    )


@bp.get("/me")
@login_required
def home():
    """The page a person lands on after login: offers to answer, the next sessions, places,
    waiting-list positions; those who run offerings also get the way to their tools."""
    return render_template("lms/registrations/home.html", home=participant_home(current_user))


@bp.get("/me/registrations")
@login_required
def mine():
    """Offers, upcoming places, the waiting lists, pending and past registrations."""
    return render_template(
        "lms/registrations/mine.html", groups=services.my_registrations(current_user)
    )


def _own(registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != current_user.id:
        abort(404)
    return registration


@bp.route("/me/registrations/<lms_id:registration_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(registration_id: int):
    """Ask first, then cancel a place or leave the waiting list."""
    registration = _own(registration_id)
    if registration.status not in CANCELLABLE:
        abort(404)
    # Whether the seat goes to someone in line: only then do the page and the flash say so.
    passes_on = (
        services.waitlist_moves(registration.offering)
        and seat_counts(registration.offering).waitlisted > 0
    )
    if request.method == "POST":
        try:
            services.cancel(current_user, registration.id)
        except RegistrationError as error:
            db.session.rollback()
            flash(error_message(error), "error")
        else:
            was = registration.log[-1].from_status
            db.session.commit()
            if was == "offered" and not passes_on:
                was = "offered_to_nobody"
            flash(CANCELLED_MESSAGES.get(was, CANCELLED_MESSAGES["confirmed"]), "success")
        return redirect(url_for(".mine"))
    return render_template(
        "lms/registrations/cancel.html",
        registration=registration,
        offering=registration.offering,
        deadline_passed=services.cancel_deadline_passed(registration),
        passes_on=passes_on,
    )


@bp.post("/me/registrations/<lms_id:registration_id>/accept")
@login_required
def accept(registration_id: int):
    """Take the place held for you."""
    registration = _own(registration_id)
    try:
        services.accept_offer(current_user, registration.id)
    except RegistrationError as error:
        db.session.rollback()
        flash(error_message(error), "error")
    else:
        db.session.commit()
        flash(_("You have a place. We have sent you a confirmation."), "success")
    return redirect(url_for(".mine"))
