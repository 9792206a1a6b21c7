"""Network pages: the list, one network, joining and leaving, and the organiser's
page for members and meetings. Routes hang on the events blueprint (``lms_events.*``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.accounts.permissions import role_required
from lms.core.dates import to_local
from lms.events import forms, services
from lms.events import networks as network_services
from lms.events.blueprint import bp
from lms.events.manage_views import ERROR_MESSAGES
from lms.events.models import Network, NetworkMembership
from lms.events.recurrence import RuleError, describe
from lms.extensions import db
from lms.timeutil import utcnow


@bp.get("/networks")
def networks():
    items = list(db.session.scalars(select(Network).order_by(Network.name, Network.id)))
    mine = {}
    if current_user.is_authenticated:
        mine = {
            m.network_id: m.status
            for m in db.session.scalars(
                select(NetworkMembership).where(NetworkMembership.user_id == current_user.id)
            )
        }
    return render_template("lms/events/networks.html", networks=items, mine=mine)


@bp.post("/networks/<lms_id:network_id>/join")
@login_required
def network_join(network_id: int):
    network = db.get_or_404(Network, network_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    membership = network_services.join_network(current_user, network)
    db.session.commit()
    if membership.status == "approved":
        flash(_("You are a member of %(name)s.", name=network.name), "success")
    else:
        flash(_("Your request to join is sent; an organiser will decide."), "success")
    return redirect(url_for(".network_detail", network_id=network.id))


@bp.post("/networks/<lms_id:network_id>/leave")
@login_required
def network_leave(network_id: int):
    network = db.get_or_404(Network, network_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    membership = network_services.membership_of(current_user, network)
    requested = membership is not None and membership.status != "approved"
    try:
        cancelled = network_services.leave_network(current_user, network)
    except services.EventError:
        abort(404)
    db.session.commit()
    if requested:  # never a member: a request withdrawn, nothing left
        flash(_("Your request to join %(name)s is withdrawn.", name=network.name), "success")
    else:
        flash(_("You have left %(name)s.", name=network.name), "success")
    if cancelled:
        message = ngettext(
            "Your place at %(num)s coming meeting is cancelled.",
            "Your places at %(num)s coming meetings are cancelled.",
            cancelled,
        )
        flash(message, "info")
    return redirect(url_for(".network_detail", network_id=network.id))


# --- managing networks -------------------------------------------------------------------------


@bp.route("/manage/networks", methods=["GET", "POST"])
@role_required("organiser")
def manage_networks():
    """Every network, and a form to start a new one."""
    form = forms.NetworkForm()
    if form.validate_on_submit():
        data = form.network_data()
        try:
            network = network_services.create_network(
                current_user,
                name=data.pop("name"),
                description_md=data.pop("description_md"),
                membership=data.pop("membership"),
                rule=data.pop("recurrence_rule"),
                **data,
            )
        except RuleError as error:
            db.session.rollback()
            form.rule_field().errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The network is created."), "success")
            return redirect(url_for(".manage_network", network_id=network.id))
    items = list(db.session.scalars(select(Network).order_by(Network.name, Network.id)))
    status = 400 if request.method == "POST" else 200
    return render_template("lms/events/manage_networks.html", networks=items, form=form), status


@bp.get("/manage/networks/<lms_id:network_id>")
@role_required("organiser")
def manage_network(
    network_id: int, generate_form=None, network_form=None, status: int = 200, planned=None
):
    """Members, the network's settings and meeting defaults, planning meetings from the
    rule (prefilled with those defaults; ``planned``: the dates of a preview), moving or
    skipping one."""
    network = db.get_or_404(Network, network_id)
    if network_form is None:
        network_form = forms.NetworkForm(obj=network, prefix="network")
        network_form.load_rule(network.recurrence_rule)
    if generate_form is None:
        generate_form = forms.PlanMeetingsForm(
            after=to_local(utcnow()).date(),
            start=network.meeting_start,
            minutes=network.meeting_minutes,
            venue=network.venue,
            room=network.room,
            address=network.address,
            online_url=network.online_url,
        )
    by_name = sorted(network.memberships, key=lambda m: (m.user.name, m.user_id))
    return render_template(
        "lms/events/manage_network.html",
        network=network,
        pending=[m for m in by_name if m.status == "pending"],
        members=[m for m in by_name if m.status == "approved"],
        meetings=network_services.network_meetings(network),
        generate_form=generate_form,
        planned=planned,
        rule_in_words=describe(network.recurrence_rule),
        network_form=network_form,
        move_form=forms.MoveMeetingForm(),
        form=forms.ConfirmForm(),
    ), status


@bp.post("/manage/networks/<lms_id:network_id>/settings")
@role_required("organiser")
def manage_network_settings(network_id: int):
    """Save the network's name, rule, membership and meeting defaults."""
    network = db.get_or_404(Network, network_id)
    form = forms.NetworkForm(prefix="network")  # its own ids beside the meetings form
    if form.validate_on_submit():
        try:
            network_services.update_network(current_user, network, form.network_data())
        except RuleError as error:
            db.session.rollback()
            form.rule_field().errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The network is saved."), "success")
            return redirect(url_for(".manage_network", network_id=network_id))
    return manage_network(network_id, network_form=form, status=400)


MEMBER_DECISIONS = {
    "approve": _l("The request is approved."),
    "decline": _l("The request is declined."),
    "remove": _l("The member is removed; their places at coming meetings are cancelled."),
}


@bp.post(
    "/manage/networks/<lms_id:network_id>/members/<lms_id:user_id>"
    "/<any(approve, decline, remove):decision>"
)
@role_required("organiser")
def manage_network_member(network_id: int, user_id: int, decision: str):
    """Approve or decline a request to join, or take a member off the network."""
    network = db.get_or_404(Network, network_id)

    def action():
        if decision == "remove":
            network_services.remove_member(current_user, network, user_id)
        else:
            network_services.decide_membership(
                current_user, network, user_id, approve=decision == "approve"
            )

    return _network_action(network, action, str(MEMBER_DECISIONS[decision]))


@bp.post("/manage/networks/<lms_id:network_id>/meetings/<lms_id:offering_id>/move")
@role_required("organiser")
def manage_network_move(network_id: int, offering_id: int):
    network = db.get_or_404(Network, network_id)
    form = forms.MoveMeetingForm()
    if not form.validate_on_submit():
        flash(_("Give the new date and start time."), "error")
        return redirect(url_for(".manage_network", network_id=network_id))
    return _network_action(
        network,
        lambda: network_services.move_meeting(
            current_user, network, offering_id, form.day.data, form.start.data
        ),
        _("The meeting is moved and the registered participants are told."),
    )


@bp.post("/manage/networks/<lms_id:network_id>/meetings/<lms_id:offering_id>/skip")
@role_required("organiser")
def manage_network_skip(network_id: int, offering_id: int):
    network = db.get_or_404(Network, network_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    return _network_action(
        network,
        lambda: network_services.skip_meeting(current_user, network, offering_id),
        _("The meeting is skipped and the registered participants are told."),
    )


def _network_action(network: Network, action, success: str):
    try:
        action()
    except services.PermissionDenied:
        abort(403)
    except services.EventError as error:
        db.session.rollback()
        flash(ERROR_MESSAGES.get(error.code, _("That could not be done.")), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for(".manage_network", network_id=network.id))
