"""Registration from the builder: a round table's or workshop's limited seats, and the
conference's own registration. Each is an offering of the registration engine
(``registration.py``); a number below the seats already held is refused until the
organiser confirms it, as on the seminar form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.accounts.permissions import role_required
from lms.conference import forms, items
from lms.conference.blueprint import bp
from lms.conference.builder_views import builder_page, conference_or_404, part_or_404
from lms.conference.models import Item
from lms.conference.registration import (
    ensure_item_seats,
    ensure_offering,
    item_seat_counts,
)
from lms.conference.services import ConferenceError
from lms.core.service_errors import PermissionDenied
from lms.events.forms import capacity_warning_text
from lms.events.services import CapacityWarning
from lms.extensions import db

SEAT_ERRORS = {
    "not_seated": _l("Only round tables and workshops have seats of their own."),
    "unplaced": _l("Place the item in a room and at a time first."),
    "no_days": _l("Add the conference's days first."),
    "invalid_capacity": _l("Give the number of seats as a whole number from 0."),
}


def save_seats(form: forms.SeatsForm, save) -> bool:
    """Validate ``form`` and call ``save()`` (a service), committing; False, with the
    reason at the seats field (or, below the seats held, ``form.below_held_warning`` to
    confirm), when it is refused."""
    if not form.validate_on_submit():
        return False
    try:
        save()
    except PermissionDenied:
        abort(403)
    except CapacityWarning as warning:
        db.session.rollback()
        form.below_held_warning = capacity_warning_text(warning)
        return False
    except ConferenceError as error:
        db.session.rollback()
        form.capacity.errors.append(
            str(SEAT_ERRORS.get(error.code, SEAT_ERRORS["invalid_capacity"]))
        )
        return False
    db.session.commit()
    return True


@bp.route(
    "/manage/conferences/<lms_id:conference_id>/items/<lms_id:item_id>/seats",
    methods=["GET", "POST"],
)
@role_required("organiser")
def item_seats(conference_id: int, item_id: int):
    """Set a round table's or workshop's number of seats; shows those taken and waiting."""
    conference = conference_or_404(conference_id)
    item = part_or_404(Item, conference, item_id)
    if not item.can_have_seats:
        abort(404)
    form = forms.SeatsForm(capacity=item.offering.capacity if item.offering else None)
    saved = save_seats(
        form,
        lambda: ensure_item_seats(
            current_user, item, form.capacity.data, allow_below_held=form.allow_below_held.data
        ),
    )
    if saved:
        flash(_("The seats of %(title)s are saved.", title=item.title), "success")
        return redirect(
            url_for(".manage_conference", conference_id=conference.id) + f"#item-{item.id}"
        )
    return render_template(
        "lms/conference/manage_seats.html",
        conference=conference,
        item=item,
        form=form,
        counts=item_seat_counts([item]).get(item.id),
        local_time=lambda moment: items.local_time(conference, moment),
    ), (400 if request.method == "POST" else 200)


@bp.post("/manage/conferences/<lms_id:conference_id>/registration")
@role_required("organiser")
def conference_registration(conference_id: int):
    """Open the conference's registration with a number of seats, or change it."""
    conference = conference_or_404(conference_id)
    was_open = conference.offering is not None
    form = forms.SeatsForm()
    saved = save_seats(
        form,
        lambda: ensure_offering(
            current_user,
            conference,
            capacity=form.capacity.data,
            allow_below_held=form.allow_below_held.data,
        ),
    )
    if not saved:
        return builder_page(conference, registration_form=form, status=400)
    flash(
        _("The number of seats is saved.") if was_open else _("Registration is open."),
        "success",
    )
    return redirect(url_for(".manage_conference", conference_id=conference.id) + "#registration")
