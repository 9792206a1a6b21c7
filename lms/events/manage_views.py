"""Organiser and instructor pages for offerings: the list, the form, publish, cancel,
archive and duplicate. Routes hang on the events blueprint (``lms_events.manage_*``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.accounts.permissions import role_required
from lms.core.paging import page_number
from lms.events import forms, manage, services
from lms.events.blueprint import PAGE_SIZE, bp
from lms.events.lifecycle import cancellation_reach, may_delete
from lms.events.models import Network, Offering
from lms.events.offering_list import ListFilters, offering_list
from lms.extensions import db

ERROR_MESSAGES = {
    "not_draft": _l("Only a draft can be published."),
    "not_archivable": _l("Only a published or cancelled offering can be archived."),
    "no_sessions": _l("Add at least one session before publishing."),
    "already_cancelled": _l("The offering is already cancelled."),
    "not_pending": _l("That request has already been decided."),
    "bad_rule": _l("The recurrence rule cannot be read."),
    "not_found": _l("That meeting does not belong to this network."),
    "not_a_member": _l("That person is not a member of this network."),
    "no_start": _l("Give the time the meetings start."),
    "bad_count": _l("Plan from 1 to 24 meetings, each 15 minutes to 12 hours long."),
    "in_the_past": _l("A meeting cannot be planned in the past: choose a later date or time."),
    "read_only": _l("A cancelled or archived offering cannot be changed."),
    "not_deletable": _l("Only a draft that nobody has registered for can be deleted."),
}
# What the offering form says for each refusal of create_offering/update_offering/
# set_instructors: the field it belongs to (None: above the form), and why. Each refusal has
# its own words, so the organiser is told what to change rather than one guess for all.
FORM_ERRORS = {
    "ends_before_start": (None, _l("Check the sessions: each must end after it starts.")),
    "no_sessions": (
        None,
        _l("A published offering needs at least one session: cancel the offering instead."),
    ),
    "unknown_session": (
        None,
        _l("A session in the form is no longer part of this offering: open the page again."),
    ),
    "not_an_instructor": (
        "instructors",
        _l("Only people with the instructor role can be chosen."),
    ),
}


def show_form_error(form: forms.OfferingForm, error: services.EventError) -> None:
    """Put ``error``'s message at its field, or above the form (``general_errors``)."""
    field_name, message = FORM_ERRORS.get(error.code, (None, _l("The offering was not saved.")))
    if field_name is None:
        form.general_errors.append(message)
    else:
        getattr(form, field_name).errors.append(message)


def _managed(offering_id: int) -> Offering:
    offering = db.get_or_404(Offering, offering_id)
    if not offering.can_edit(current_user):
        abort(403)
    return offering


@bp.get("/manage/offerings")
@login_required
def manage_list():
    """Offerings the user manages, drafts too (organisers: all; instructors: their own):
    upcoming first, searchable and filtered, network meetings folded by network."""
    filters = ListFilters.from_args(request.args)
    network = db.get_or_404(Network, filters.network) if filters.network else None
    try:
        pagination = offering_list(current_user, filters, page=page_number(), per_page=PAGE_SIZE)
    except services.PermissionDenied:
        abort(403)
    return render_template(
        "lms/events/manage_list.html", pagination=pagination, filters=filters, network=network
    )


@bp.route("/manage/offerings/new", methods=["GET", "POST"])
@role_required("organiser")
def manage_new():
    form = _offering_form(None)
    if form.validate_on_submit():
        try:
            offering = manage.create_offering(
                current_user, form.offering_data(), form.session_rows()
            )
            manage.set_instructors(current_user, offering, form.instructors.data or [])
        except services.EventError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("The offering is saved as a draft."), "success")
            return redirect(url_for(".manage_edit", offering_id=offering.id))
    status = 400 if request.method == "POST" else 200
    return render_template("lms/events/manage_form.html", form=form, offering=None), status


@bp.route("/manage/offerings/<lms_id:offering_id>", methods=["GET", "POST"])
@login_required
def manage_edit(offering_id: int):
    offering = _managed(offering_id)
    if offering.is_closed:  # read only: its facts, and what can still be done with it
        status = 409 if request.method == "POST" else 200
        if status == 409:
            flash(ERROR_MESSAGES["read_only"], "error")
        return render_template(
            "lms/events/manage_closed.html",
            offering=offering,
            duplicate_form=forms.DuplicateForm(weeks=0),
            confirm_form=forms.ConfirmForm(),
        ), status
    form = _offering_form(offering)
    if form.validate_on_submit():
        try:
            changed = manage.update_offering(
                current_user,
                offering,
                form.offering_data(),
                form.session_rows(),
                allow_below_held=form.allow_below_held.data,
            )
            if current_user.has_role("organiser"):
                manage.set_instructors(current_user, offering, form.instructors.data or [])
            # The save bar's "Save and publish": what was typed is saved first, in the same
            # transaction, so publishing never drops it.
            publishing = offering.status == "draft" and bool(request.form.get("publish"))
            if publishing:
                manage.publish(current_user, offering)
        except services.PermissionDenied:
            abort(403)
        except services.CapacityWarning as warning:
            db.session.rollback()
            form.capacity.errors.append(forms.capacity_warning_text(warning))
        except services.EventError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(
                _("The offering is published.") if publishing else _("The offering is saved."),
                "success",
            )
            if changed and offering.status == "published" and not publishing:
                flash(_("Registered participants are told about the new time or place."), "info")
            return redirect(url_for(".manage_edit", offering_id=offering.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "lms/events/manage_form.html",
        form=form,
        offering=offering,
        duplicate_form=forms.DuplicateForm(),
        confirm_form=forms.ConfirmForm(),
        may_delete=may_delete(offering),
    ), status


def _offering_form(offering: Offering | None) -> forms.OfferingForm:
    extra = min(max(request.args.get("rows", forms.SESSION_ROWS, type=int) or 0, 1), 30)
    form = forms.OfferingForm(obj=offering if request.method == "GET" else None)
    form.instructors.choices = forms.options((u.id, u.name) for u in manage.instructor_choices())
    if offering is not None and offering.kind == "network_meeting":
        form.kind.choices = forms.options(forms.KIND_LABELS.items())
    if request.method == "GET":
        form.load(offering, extra_rows=extra)
    return form


def _organiser_action(offering_id: int, action, success: str):
    offering = db.get_or_404(Offering, offering_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = action(offering)
    except services.PermissionDenied:
        abort(403)
    except services.EventError as error:
        db.session.rollback()
        flash(ERROR_MESSAGES.get(error.code, _("That could not be done.")), "error")
        return redirect(url_for(".manage_edit", offering_id=offering_id))
    db.session.commit()
    flash(success, "success")
    target = result.id if isinstance(result, Offering) else offering_id
    return redirect(url_for(".manage_edit", offering_id=target))


@bp.post("/manage/offerings/<lms_id:offering_id>/publish")
@role_required("organiser")
def manage_publish(offering_id: int):
    return _organiser_action(
        offering_id, lambda o: manage.publish(current_user, o), _("The offering is published.")
    )


@bp.post("/manage/offerings/<lms_id:offering_id>/cancel")
@role_required("organiser")
def manage_cancel(offering_id: int):
    reason = (request.form.get("reason") or "").strip()[:2000]
    # Asked before cancelling, as the confirmation page asked: nobody registered, nobody told.
    told = cancellation_reach(current_user, db.get_or_404(Offering, offering_id))
    return _organiser_action(
        offering_id,
        lambda o: manage.cancel_offering(current_user, o, note=reason),
        _("The offering is cancelled and everyone registered is told.")
        if told
        else _("The offering is cancelled."),
    )


@bp.post("/manage/offerings/<lms_id:offering_id>/archive")
@role_required("organiser")
def manage_archive(offering_id: int):
    return _organiser_action(
        offering_id, lambda o: manage.archive(current_user, o), _("The offering is archived.")
    )


@bp.post("/manage/offerings/<lms_id:offering_id>/duplicate")
@role_required("organiser")
def manage_duplicate(offering_id: int):
    offering = db.get_or_404(Offering, offering_id)
    form = forms.DuplicateForm()
    if not form.validate_on_submit():
        flash(_("Give a number of weeks between -520 and 520."), "error")
        return redirect(url_for(".manage_edit", offering_id=offering.id))
    copy = manage.duplicate(current_user, offering, weeks=form.weeks.data)
    db.session.commit()
    flash(_("This is the copy, saved as a draft: give it its own title."), "success")
    return redirect(url_for(".manage_edit", offering_id=copy.id))
