"""Planning a network's meetings: "Preview dates" lists what the rule gives (each date
kept, moved or left out), "Make these meetings" makes the kept ones; "Plan without a
preview" makes them at once. Works without JavaScript: each step is a submit button."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms.accounts.permissions import role_required
from lms.core.dates import to_local, to_utc
from lms.events import forms, services
from lms.events import networks as network_services
from lms.events.blueprint import bp
from lms.events.manage_views import ERROR_MESSAGES
from lms.events.models import Network
from lms.events.network_views import manage_network
from lms.events.recurrence import RuleError
from lms.extensions import db

PLACE_NAMES = ("venue", "room", "address", "online_url")


@bp.post("/manage/networks/<lms_id:network_id>/meetings")
@role_required("organiser")
def manage_network_generate(network_id: int):
    network = db.get_or_404(Network, network_id)
    form = forms.PlanMeetingsForm()
    if not form.validate_on_submit():
        return manage_network(network_id, generate_form=form, status=400)
    try:
        if "preview" in request.form:
            return _preview(network, form)
        if "make" in request.form:
            return _make_kept(network, form)
        planned = network_services.plan_meetings(
            network, after=form.after.data, count=form.count.data, start=form.start.data
        )
        made = network_services.make_meetings(
            current_user,
            network,
            [(p.occurrence, p.starts_at) for p in planned if p.state == "new"],
            minutes=form.minutes.data,
            defaults=_defaults(form),
        )
    except RuleError as error:
        db.session.rollback()
        flash(error.message, "error")
    except services.EventError as error:
        db.session.rollback()
        flash(ERROR_MESSAGES.get(error.code, _("That could not be done.")), "error")
    else:
        db.session.commit()
        _report(len(made), planned)
    return redirect(url_for(".manage_network", network_id=network_id))


def _defaults(form) -> dict:
    defaults = {name: (getattr(form, name).data or "").strip() for name in PLACE_NAMES}
    defaults["capacity"] = form.capacity.data
    return defaults


def _preview(network: Network, form):
    """The dates the rule gives from the form's first date, as rows to keep or move."""
    planned = network_services.plan_meetings(
        network, after=form.after.data, count=form.count.data, start=form.start.data
    )
    while form.rows.entries:
        form.rows.pop_entry()
    for item in planned:
        if item.state == "new":
            local = to_local(item.starts_at)
            form.rows.append_entry(
                {
                    "occurrence": item.occurrence.isoformat(),
                    "include": True,
                    "day": local.date(),
                    "start": local.time(),
                }
            )
    return manage_network(network.id, generate_form=form, planned=planned)


def _make_kept(network: Network, form):
    """Make the rows the organiser kept, at the date and time each now says."""
    kept = []
    for entry in form.rows:
        row = entry.form
        if not row.include.data:
            continue
        try:
            occurrence = date.fromisoformat(row.occurrence.data or "")
        except ValueError:
            flash(_("The preview is out of date: preview the dates again."), "error")
            return redirect(url_for(".manage_network", network_id=network.id))
        kept.append((occurrence, to_utc(row.day.data, row.start.data)))
    left_out = len(form.rows.entries) - len(kept)
    try:
        made = network_services.make_meetings(
            current_user, network, kept, minutes=form.minutes.data, defaults=_defaults(form)
        )
    except services.EventError as error:
        db.session.rollback()
        message = ERROR_MESSAGES.get(error.code, _("That could not be done."))
        flash(message, "error")
        return manage_network(network.id, generate_form=form, planned=[], status=400)
    db.session.commit()
    _report(len(made), [])
    if left_out:
        flash(
            ngettext(
                "%(num)s date was left out, as you chose.",
                "%(num)s dates were left out, as you chose.",
                left_out,
            ),
            "info",
        )
    if len(kept) > len(made):
        _taken_message(len(kept) - len(made))
    return redirect(url_for(".manage_network", network_id=network.id))


def _report(made: int, planned) -> None:
    """Say how many meetings were made, and why any date the rule gave was not."""
    past = sum(1 for p in planned if p.state == "past")
    taken = sum(1 for p in planned if p.state == "taken")
    if made:
        flash(ngettext("%(num)s meeting added.", "%(num)s meetings added.", made), "success")
    else:
        flash(_("No meetings were added."), "error")
    if past:
        flash(
            ngettext(
                "%(num)s date was in the past and was not planned: choose a later first date.",
                "%(num)s dates were in the past and were not planned: choose a later first date.",
                past,
            ),
            "info",
        )
    if taken:
        _taken_message(taken)


def _taken_message(count: int) -> None:
    flash(
        ngettext(
            "%(num)s date already had a meeting and was left alone.",
            "%(num)s dates already had a meeting and were left alone.",
            count,
        ),
        "info",
    )
