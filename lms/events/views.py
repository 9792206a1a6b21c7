"""Catalogue and offering pages, offering management, and networks."""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.routing import BuildError

from lms.accounts.permissions import role_required
from lms.events import forms, services
from lms.events.markdown import render_markdown
from lms.events.models import THEMES, Network, NetworkMembership, Offering
from lms.extensions import db
from lms.registrations.services import CapacityWarning

bp = Blueprint("lms_events", __name__)

PAGE_SIZE = 20
MAX_PAGE = 100_000


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


def url_or_none(endpoint: str, **values) -> str | None:
    """A link to a page another area provides, or None while it does not exist."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


@bp.app_template_filter("lms_markdown")
def markdown_filter(text):
    return render_markdown(text)


@bp.app_template_filter("lms_time")
def time_filter(value):
    return format_time(value, "HH:mm") if value else ""


WHEN_PATTERNS = {"nb": "EEEE d. MMMM y 'kl.' HH:mm", "en": "EEEE d MMMM y, HH:mm"}


@bp.app_template_filter("lms_when")
def when_filter(value):
    """A session's start in the LMS zone, weekday included, 24-hour clock."""
    if not value:
        return ""
    return format_datetime(value, WHEN_PATTERNS.get(str(get_locale()), WHEN_PATTERNS["en"]))


@bp.app_template_filter("lms_local_iso")
def local_iso_filter(value):
    """ISO 8601 with the LMS zone's offset, for <time datetime>."""
    return services.to_local(value).isoformat() if value else ""


@bp.app_context_processor
def labels():
    return {
        "lms_kind_labels": forms.KIND_LABELS,
        "lms_theme_labels": forms.THEME_LABELS,
        "lms_status_labels": forms.STATUS_LABELS,
    }


# --- catalogue and detail ----------------------------------------------------------------------


@bp.get("/events")
def catalogue():
    """Published offerings still to come, with filters and search."""
    filters = services.CatalogueFilters.from_args(request.args)
    statement = services.catalogue_statement(filters)
    pagination = db.paginate(statement, page=_page(), per_page=PAGE_SIZE, error_out=False)
    counts = services.seat_counts_for(pagination.items)
    return render_template(
        "lms/events/catalogue.html",
        pagination=pagination,
        counts=counts,
        filters=filters,
        themes=THEMES,
    )


def _visible_offering(offering_id: int) -> Offering:
    offering = db.session.get(Offering, offering_id)
    if offering is None or (offering.status == "draft" and not offering.can_edit(current_user)):
        abort(404)
    return offering


@bp.get("/events/<lms_id:offering_id>")
def detail(offering_id: int):
    """One offering: sessions, place, seats left, and what registering will do."""
    offering = _visible_offering(offering_id)
    counts = services.seat_counts_for([offering])[offering.id]
    registration = services.registration_for(current_user, offering)
    return render_template(
        "lms/events/detail.html",
        offering=offering,
        counts=counts,
        registration=registration,
        action=services.register_action(current_user, offering, counts, registration),
        my_registrations_url=url_or_none("lms_registrations.mine"),
    )


# --- managing offerings ------------------------------------------------------------------------


def _managed(offering_id: int) -> Offering:
    offering = db.get_or_404(Offering, offering_id)
    if not offering.can_edit(current_user):
        abort(403)
    return offering


@bp.get("/manage/offerings")
@login_required
def manage_list():
    """Offerings the user manages, drafts too (organisers: all; instructors: their own)."""
    try:
        statement = services.managed_offerings_statement(current_user)
    except services.PermissionDenied:
        abort(403)
    pagination = db.paginate(statement, page=_page(), per_page=PAGE_SIZE, error_out=False)
    return render_template("lms/events/manage_list.html", pagination=pagination)


@bp.route("/manage/offerings/new", methods=["GET", "POST"])
@role_required("organiser")
def manage_new():
    form = _offering_form(None)
    if form.validate_on_submit():
        try:
            offering = services.create_offering(
                current_user, _offering_data(form), _session_rows(form)
            )
            services.set_instructors(current_user, offering, form.instructors.data or [])
        except services.EventError:
            form.general_errors.append(_("Check the sessions: each must end after it starts."))
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
    form = _offering_form(offering)
    if form.validate_on_submit():
        try:
            changed = services.update_offering(
                current_user,
                offering,
                _offering_data(form),
                _session_rows(form),
                allow_below_held=form.allow_below_held.data,
            )
            if current_user.has_role("organiser"):
                services.set_instructors(current_user, offering, form.instructors.data or [])
        except services.PermissionDenied:
            abort(403)
        except CapacityWarning as warning:
            db.session.rollback()
            form.capacity.errors.append(
                _(
                    "%(held)s people hold a seat, more than %(capacity)s. Nobody is removed: "
                    "confirm below to keep them all.",
                    held=warning.held,
                    capacity=warning.capacity,
                )
            )
        except services.EventError:
            db.session.rollback()
            form.general_errors.append(_("Check the sessions: each must end after it starts."))
        else:
            db.session.commit()
            flash(_("The offering is saved."), "success")
            if changed and offering.status == "published":
                flash(_("Registered participants are told about the new time or place."), "info")
            return redirect(url_for(".manage_edit", offering_id=offering.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "lms/events/manage_form.html",
        form=form,
        offering=offering,
        duplicate_form=forms.DuplicateForm(),
        confirm_form=forms.ConfirmForm(),
    ), status


def _offering_form(offering: Offering | None) -> forms.OfferingForm:
    extra = min(max(request.args.get("rows", forms.SESSION_ROWS, type=int) or 0, 1), 30)
    form = forms.OfferingForm(obj=offering if request.method == "GET" else None)
    form.instructors.choices = forms.options((u.id, u.name) for u in services.instructor_choices())
    if offering is not None and offering.kind == "network_meeting":
        form.kind.choices = forms.options(forms.KIND_LABELS.items())
    if request.method == "GET":
        zone = services.local_zone()
        for name in ("registration_opens_at", "registration_closes_at", "cancellation_deadline"):
            value = getattr(offering, name, None)
            getattr(form, name).data = (
                value.astimezone(zone).replace(tzinfo=None) if value else None
            )
        while form.sessions.entries:
            form.sessions.pop_entry()
        for session in getattr(offering, "sessions", []):
            start, end = services.to_local(session.starts_at), services.to_local(session.ends_at)
            form.sessions.append_entry(
                {
                    "id": str(session.id),
                    "day": start.date(),
                    "start": start.time(),
                    "end": end.time(),
                    "title": session.title,
                    "venue": session.venue,
                    "room": session.room,
                }
            )
        for _n in range(extra):
            form.sessions.append_entry()
        form.instructors.data = [u.id for u in getattr(offering, "instructors", [])]
    return form


def _offering_data(form: forms.OfferingForm) -> dict:
    data = {name: getattr(form, name).data for name in services.OFFERING_FIELDS}
    for name in ("summary", "description_md", "audience", "venue", "room", "address"):
        data[name] = (data[name] or "").strip()
    data["online_url"] = (data["online_url"] or "").strip()
    data["consent_text"] = (data["consent_text"] or "").strip()
    zone = services.local_zone()
    for name in ("registration_opens_at", "registration_closes_at", "cancellation_deadline"):
        if data[name] is not None:
            data[name] = data[name].replace(tzinfo=zone).astimezone(UTC)
    return data


def _session_rows(form: forms.OfferingForm) -> list[services.SessionData]:
    rows = []
    for entry in form.sessions:
        row = entry.form
        if row.is_blank():
            continue
        session_id = int(row.id.data) if (row.id.data or "").isdigit() else None
        if row.remove.data and session_id is None:
            continue
        if row.remove.data:
            rows.append(
                services.SessionData(id=session_id, remove=True, starts_at=None, ends_at=None)
            )
            continue
        rows.append(
            services.SessionData(
                id=session_id,
                starts_at=services.to_utc(row.day.data, row.start.data),
                ends_at=services.to_utc(row.day.data, row.end.data),
                title=(row.title.data or "").strip(),
                venue=(row.venue.data or "").strip(),
                room=(row.room.data or "").strip(),
            )
        )
    return rows


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


ERROR_MESSAGES = {
    "not_draft": _l("Only a draft can be published."),
    "not_archivable": _l("Only a published or cancelled offering can be archived."),
    "no_sessions": _l("Add at least one session before publishing."),
    "already_cancelled": _l("The offering is already cancelled."),
    "not_pending": _l("That request has already been decided."),
    "bad_rule": _l("The recurrence rule cannot be read."),
    "not_found": _l("That meeting does not belong to this network."),
}


@bp.post("/manage/offerings/<lms_id:offering_id>/publish")
@role_required("organiser")
def manage_publish(offering_id: int):
    return _organiser_action(
        offering_id, lambda o: services.publish(current_user, o), _("The offering is published.")
    )


@bp.post("/manage/offerings/<lms_id:offering_id>/cancel")
@role_required("organiser")
def manage_cancel(offering_id: int):
    return _organiser_action(
        offering_id,
        lambda o: services.cancel_offering(current_user, o),
        _("The offering is cancelled and everyone registered is told."),
    )


@bp.post("/manage/offerings/<lms_id:offering_id>/archive")
@role_required("organiser")
def manage_archive(offering_id: int):
    return _organiser_action(
        offering_id, lambda o: services.archive(current_user, o), _("The offering is archived.")
    )


@bp.post("/manage/offerings/<lms_id:offering_id>/duplicate")
@role_required("organiser")
def manage_duplicate(offering_id: int):
    offering = db.get_or_404(Offering, offering_id)
    form = forms.DuplicateForm()
    if not form.validate_on_submit():
        flash(_("Give a number of weeks between -520 and 520."), "error")
        return redirect(url_for(".manage_edit", offering_id=offering.id))
    copy = services.duplicate(current_user, offering, weeks=form.weeks.data)
    db.session.commit()
    flash(_("This is the copy, saved as a draft."), "success")
    return redirect(url_for(".manage_edit", offering_id=copy.id))


# --- networks ----------------------------------------------------------------------------------


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
    return render_template(
        "lms/events/networks.html", networks=items, mine=mine, form=forms.ConfirmForm()
    )


@bp.get("/networks/<lms_id:network_id>")
def network_detail(network_id: int):
    network = db.get_or_404(Network, network_id)
    inside = services.can_see_members_area(current_user, network)
    meetings = services.network_meetings(network) if inside else []
    members = (
        sorted(
            (m for m in network.memberships if m.status == "approved"),
            key=lambda m: m.user.name,
        )
        if inside
        else []
    )
    return render_template(
        "lms/events/network.html",
        network=network,
        inside=inside,
        meetings=meetings,
        members=members,
        membership=services.membership_of(current_user, network),
        counts=services.seat_counts_for(meetings),
        form=forms.ConfirmForm(),
    )


@bp.post("/networks/<lms_id:network_id>/join")
@login_required
def network_join(network_id: int):
    network = db.get_or_404(Network, network_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    membership = services.join_network(current_user, network)
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
    try:
        services.leave_network(current_user, network)
    except services.EventError:
        abort(404)
    db.session.commit()
    flash(_("You have left %(name)s.", name=network.name), "success")
    return redirect(url_for(".network_detail", network_id=network.id))


# --- managing networks -------------------------------------------------------------------------


@bp.route("/manage/networks", methods=["GET", "POST"])
@role_required("organiser")
def manage_networks():
    """Every network, and a form to start a new one."""
    form = forms.NetworkForm()
    if form.validate_on_submit():
        try:
            network = services.create_network(
                current_user,
                name=form.name.data.strip(),
                description_md=(form.description_md.data or "").strip(),
                membership=form.membership.data,
                rule=form.recurrence_rule.data.strip().upper(),
            )
        except services.EventError:
            form.recurrence_rule.errors.append(ERROR_MESSAGES["bad_rule"])
        else:
            db.session.commit()
            flash(_("The network is created."), "success")
            return redirect(url_for(".manage_network", network_id=network.id))
    items = list(db.session.scalars(select(Network).order_by(Network.name, Network.id)))
    status = 400 if request.method == "POST" else 200
    return render_template("lms/events/manage_networks.html", networks=items, form=form), status


@bp.get("/manage/networks/<lms_id:network_id>")
@role_required("organiser")
def manage_network(network_id: int, generate_form=None, status: int = 200):
    """Pending members, generating meetings from the rule, moving or skipping one."""
    network = db.get_or_404(Network, network_id)
    pending = [m for m in network.memberships if m.status == "pending"]
    return render_template(
        "lms/events/manage_network.html",
        network=network,
        pending=pending,
        meetings=services.network_meetings(network),
        generate_form=generate_form or forms.GenerateMeetingsForm(),
        move_form=forms.MoveMeetingForm(),
        form=forms.ConfirmForm(),
    ), status


@bp.post("/manage/networks/<lms_id:network_id>/meetings")
@role_required("organiser")
def manage_network_generate(network_id: int):
    network = db.get_or_404(Network, network_id)
    form = forms.GenerateMeetingsForm()
    if not form.validate_on_submit():
        return manage_network(network_id, generate_form=form, status=400)
    defaults = {"capacity": form.capacity.data, "venue": (form.venue.data or "").strip()}
    defaults["online_url"] = (form.online_url.data or "").strip()
    try:
        made = services.generate_meetings(
            current_user,
            network,
            after=form.after.data,
            start=form.start.data,
            minutes=form.minutes.data,
            count=form.count.data,
            defaults=defaults,
        )
    except services.EventError as error:
        db.session.rollback()
        flash(ERROR_MESSAGES.get(error.code, _("That could not be done.")), "error")
    else:
        db.session.commit()
        flash(_("%(count)s meetings added.", count=len(made)), "success")
    return redirect(url_for(".manage_network", network_id=network_id))


@bp.post(
    "/manage/networks/<lms_id:network_id>/members/<lms_id:user_id>/<any(approve, decline):decision>"
)
@role_required("organiser")
def manage_network_member(network_id: int, user_id: int, decision: str):
    network = db.get_or_404(Network, network_id)
    return _network_action(
        network,
        lambda: services.decide_membership(
            current_user, network, user_id, approve=decision == "approve"
        ),
        _("The request is approved.") if decision == "approve" else _("The request is declined."),
    )


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
        lambda: services.move_meeting(
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
        lambda: services.skip_meeting(current_user, network, offering_id),
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
