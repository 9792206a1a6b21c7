"""The door's pages: registering for a conference, the organisers' check-in page (a
phone at the entrance: type or paste the code, or scan it where the browser can) and the
name badges PDF. Thin: the services in ``registration``, ``attendees`` and ``badges``
do the work."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.accounts.permissions import role_required
from lms.conference import attendees, badges, door_forms, registration
from lms.conference.blueprint import bp
from lms.conference.models import Conference, Item
from lms.conference.published import conference_by_slug, is_published
from lms.conference.services import ConferenceError
from lms.extensions import db
from lms.registrations import register_button
from lms.registrations.seats import seat_counts
from lms.registrations.services import RegistrationError, find_registration
from lms.registrations.signals import PageSection
from lms.registrations.statuses import ACTIVE
from lms.registrations.views import REFUSAL_STATUS, error_message

ERRORS = {
    "not_open": _l("Registration for this conference is not open."),
    "no_days_chosen": _l("Choose a day."),
    "unknown_day": _l("Choose among the conference's days."),
    "too_long": _l("The text is too long."),
    "not_started": _l("Check-in opens on the conference's first day."),
    "no_days": _l("The conference has no days."),
}


@bp.app_template_global("lms_attendee_code")
def attendee_code(offering, user) -> str:
    """The check-in code in a conference's confirmation mail."""
    attendee = attendees.attendee_of(offering.id, user.id)
    return attendee.code if attendee is not None else ""


def on_offering_page(offering, viewer=None) -> PageSection | None:
    """On the conference offering's own page: the conference's registration, which asks
    for the days (the offering's plain register page registers for every day)."""
    if offering.kind == "conference_item":
        return _item_section(offering)
    if offering.kind != "conference":
        return None
    slug = db.session.scalar(select(Conference.slug).where(Conference.offering_id == offering.id))
    if slug is None:
        return None
    return PageSection(
        heading=_("Registering for the conference"),
        links=((_("Choose the days you come"), url_for("lms_conference.register", slug=slug)),),
    )


def _item_section(offering) -> PageSection | None:
    """A round table's seats lead back to the item in the programme."""
    found = db.session.execute(
        select(Item.id, Item.title, Conference.slug, Conference.title)
        .join(Conference, Conference.id == Item.conference_id)
        .where(Item.offering_id == offering.id)
    ).first()
    if found is None:
        return None
    item_id, item_title, slug, conference_title = found
    return PageSection(
        heading=_("Part of %(conference)s", conference=conference_title),
        links=((_("%(item)s in the programme", item=item_title),
                url_for("lms_conference.item", slug=slug, item_id=item_id)),),
    )  # fmt: skip


def _conference(slug: str):
    conference = conference_by_slug(slug)
    if conference is None:
        abort(404)
    return conference


@bp.route("/conferences/<slug>/register", methods=["GET", "POST"])
@login_required
def register(slug: str):
    """The days, dietary and accessibility needs; registering says what happened."""
    conference = _conference(slug)
    offering = conference.offering
    if offering is None or offering.status in ("draft", "archived"):
        abort(404)
    existing = find_registration(current_user, offering.id)
    if existing is not None and existing.status in ACTIVE:
        flash(_("You are already registered."), "info")
        return redirect(url_for("lms_registrations.mine"))
    form = door_forms.ConferenceRegisterForm().for_conference(conference)
    status = 200
    if form.validate_on_submit():
        try:
            registered = registration.register_attendee(
                current_user,
                conference,
                days=form.days.data,
                dietary=form.dietary.data or "",
                accessibility=form.accessibility.data or "",
            )
        except ConferenceError as error:
            db.session.rollback()
            flash(str(ERRORS.get(error.code, _l("That could not be done."))), "error")
            status = 400
        except RegistrationError as error:
            db.session.rollback()
            flash(error_message(error), "error")
            status = REFUSAL_STATUS.get(error.code, 422)
        else:
            db.session.commit()
            if registered.status == "confirmed":
                flash(_("You have a place. We have sent you a confirmation."), "success")
            else:
                flash(
                    _(
                        "The offering is full: you are on the waiting list as number %(n)s.",
                        n=registered.waitlist_position,
                    ),
                    "success",
                )
            return redirect(url_for("lms_registrations.mine"))
    elif form.is_submitted():
        status = 400
    counts = seat_counts(offering)
    action = register_button.register_action(current_user, offering, counts, existing)
    return render_template(
        "lms/conference/register.html",
        conference=conference,
        published=is_published(conference),
        offering=offering,
        form=form,
        counts=counts,
        action=action,
    ), status


@bp.route("/manage/conferences/<slug>/check-in", methods=["GET", "POST"])
@role_required("organiser")
def check_in(slug: str):
    """Type, paste or scan a code: who it is, their days and needs, or why not."""
    conference = _conference(slug)
    form = door_forms.CheckInForm()
    result, status, problem = None, 200, None
    if form.validate_on_submit():
        try:
            result = attendees.check_in(current_user, conference, form.code.data)
        except ConferenceError as error:
            db.session.rollback()
            problem, status = ERRORS.get(error.code, _l("That could not be done.")), 422
        else:
            db.session.commit()
            status = 404 if result.outcome == "unknown" else 200
        form = door_forms.CheckInForm(formdata=None)
    elif form.is_submitted():
        status = 400
    return render_template(
        "lms/conference/check_in.html",
        conference=conference,
        form=form,
        result=result,
        problem=problem,
        door_day=attendees.door_day(conference),
    ), status


@bp.get("/manage/conferences/<slug>/badges.pdf")
@role_required("organiser")
def badges_pdf(slug: str):
    """Every attendee with a place, one printable PDF."""
    conference = _conference(slug)
    pdf = badges.badges_pdf(current_user, conference)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="badges-{conference.slug}.pdf"'},
    )
