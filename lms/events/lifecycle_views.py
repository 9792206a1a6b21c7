"""Confirmation pages before what cannot be undone: cancelling an offering or skipping a
network meeting (everyone registered is mailed), deleting a draft, leaving a network or
taking a member off one (members-only places are cancelled). Each is a page with a form,
so it works without JavaScript; the POST that acts is the existing route (cancel, skip,
leave, remove) or this module's (delete)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.accounts.permissions import role_required
from lms.events import forms, lifecycle, services
from lms.events import networks as network_services
from lms.events.blueprint import bp
from lms.events.manage_views import ERROR_MESSAGES
from lms.events.models import Network, NetworkMembership, Offering
from lms.extensions import db


@bp.get("/manage/offerings/<lms_id:offering_id>/cancel")
@role_required("organiser")
def manage_cancel_confirm(offering_id: int):
    """Say how many people cancelling will tell, and ask for the reason for the mail."""
    offering = db.get_or_404(Offering, offering_id)
    if offering.status not in ("draft", "published"):
        flash(ERROR_MESSAGES["already_cancelled"], "error")
        return redirect(url_for(".manage_edit", offering_id=offering.id))
    try:
        reach = lifecycle.cancellation_reach(current_user, offering)
    except services.PermissionDenied:
        abort(403)
    return render_template(
        "lms/events/manage_cancel.html",
        offering=offering,
        reach=reach,
        form=forms.ConfirmForm(),
    )


@bp.route("/manage/offerings/<lms_id:offering_id>/delete", methods=["GET", "POST"])
@role_required("organiser")
def manage_delete(offering_id: int):
    """GET: ask; POST: delete the draft (refused when it is not a draft or people are
    registered)."""
    offering = db.get_or_404(Offering, offering_id)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        title = offering.title
        try:
            lifecycle.delete_draft(current_user, offering)
        except services.PermissionDenied:
            abort(403)
        except services.EventError as error:
            db.session.rollback()
            flash(ERROR_MESSAGES.get(error.code, _("That could not be done.")), "error")
            return redirect(url_for(".manage_edit", offering_id=offering_id))
        db.session.commit()
        flash(_("The draft %(title)s is deleted.", title=title), "success")
        return redirect(url_for(".manage_list"))
    if not lifecycle.may_delete(offering):
        flash(ERROR_MESSAGES["not_deletable"], "error")
        return redirect(url_for(".manage_edit", offering_id=offering_id))
    return render_template("lms/events/manage_delete.html", offering=offering, form=form)


@bp.get("/manage/networks/<lms_id:network_id>/meetings/<lms_id:offering_id>/skip")
@role_required("organiser")
def manage_network_skip_confirm(network_id: int, offering_id: int):
    """Skipping a meeting cancels it: say how many people are told, then ask."""
    network = db.get_or_404(Network, network_id)
    meeting = db.get_or_404(Offering, offering_id)
    if meeting.network_id != network.id or meeting.status != "published":
        abort(404)
    try:
        reach = lifecycle.cancellation_reach(current_user, meeting)
    except services.PermissionDenied:
        abort(403)
    return render_template(
        "lms/events/manage_skip.html",
        network=network,
        meeting=meeting,
        reach=reach,
        form=forms.ConfirmForm(),
    )


@bp.get("/manage/networks/<lms_id:network_id>/members/<lms_id:user_id>/remove")
@role_required("organiser")
def manage_network_remove_confirm(network_id: int, user_id: int):
    """Which places taking a member off the network would cancel, before it is done."""
    network = db.get_or_404(Network, network_id)
    membership = db.session.get(NetworkMembership, (network.id, user_id))
    if membership is None or membership.status != "approved":
        abort(404)
    try:
        places = lifecycle.places_lost_by_removal(current_user, network, user_id)
    except services.PermissionDenied:
        abort(403)
    return render_template(
        "lms/events/manage_remove_member.html",
        network=network,
        person=membership.user,
        places=places,
        form=forms.ConfirmForm(),
    )


@bp.get("/networks/<lms_id:network_id>/leave")
@login_required
def network_leave_confirm(network_id: int):
    """Which places leaving would cancel, before the person leaves."""
    network = db.get_or_404(Network, network_id)
    membership = network_services.membership_of(current_user, network)
    if membership is None:
        abort(404)
    return render_template(
        "lms/events/network_leave.html",
        network=network,
        membership=membership,
        places=lifecycle.places_lost_by_leaving(current_user, network),
        form=forms.ConfirmForm(),
    )
