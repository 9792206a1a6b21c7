"""The organisers' programme builder (``/manage/conferences…``): conferences, their days,
rooms, tracks, speakers and items. The grid, moving, publishing and releases are in
``grid_views.py``. Views parse a form, call a service, commit once."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.permissions import role_required
from lms.conference import forms, items, services
from lms.conference.blueprint import bp
from lms.conference.models import Conference, ConferenceDay, Item, Room, Speaker, Track
from lms.conference.published import release_of
from lms.conference.registration import item_seat_counts
from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.registrations.seats import seat_counts


def show_error(form, error: services.ConferenceError) -> None:
    """Put a service's refusal at its field, or above the form."""
    message = error.message or _("That could not be saved.")
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def conference_or_404(conference_id: int) -> Conference:
    return db.get_or_404(Conference, conference_id)


def part_or_404(model, conference: Conference, part_id: int | None):
    if part_id is None:
        return None
    part = db.get_or_404(model, part_id)
    if part.conference_id != conference.id:
        abort(404)
    return part


def save_form(form, save, *, template_args: dict, success: str, target):
    """Validate ``form``, call ``save()`` (a service), commit and redirect to
    ``target(result)``; else the form again (400 after a POST)."""
    if form.validate_on_submit():
        try:
            result = save()
        except PermissionDenied:
            abort(403)
        except services.ConferenceError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(success, "success")
            return redirect(target(result))
    status = 400 if request.method == "POST" else 200
    return render_template("lms/conference/manage_form.html", form=form, **template_args), status


@bp.get("/manage/conferences")
@role_required("organiser")
def manage_conferences():
    return render_template("lms/conference/manage_list.html", conferences=services.conferences())


@bp.route("/manage/conferences/new", methods=["GET", "POST"])
@role_required("organiser")
def new_conference():
    form = forms.ConferenceForm()
    return save_form(
        form,
        lambda: services.create_conference(current_user, form.data),
        template_args={"conference": None, "heading": _("New conference")},
        success=_("The conference is created. Add its days, rooms and programme."),
        target=lambda made: url_for(".manage_conference", conference_id=made.id),
    )


def builder_page(conference: Conference, registration_form=None, status: int = 200):
    """The builder's home: days, rooms, tracks, speakers, items and registration (the
    registration form as posted when it was refused, else a fresh one)."""
    programme_items = items.items_of(conference)
    offering = conference.offering
    return render_template(
        "lms/conference/manage_conference.html",
        conference=conference,
        speakers=services.speakers_of(conference),
        items=programme_items,
        seats=item_seat_counts(programme_items),
        registration=seat_counts(offering) if offering is not None else None,
        registration_form=registration_form
        or forms.SeatsForm(capacity=offering.capacity if offering is not None else None),
        newest=release_of(conference),
        day_form=forms.DayForm(),
        confirm_form=forms.ConfirmForm(),
        kind_labels=forms.KIND_LABELS,
        local_time=lambda moment: items.local_time(conference, moment),
    ), status


@bp.get("/manage/conferences/<lms_id:conference_id>")
@role_required("organiser")
def manage_conference(conference_id: int):
    return builder_page(conference_or_404(conference_id))


@bp.route("/manage/conferences/<lms_id:conference_id>/settings", methods=["GET", "POST"])
@role_required("organiser")
def conference_settings(conference_id: int):
    conference = conference_or_404(conference_id)
    form = forms.ConferenceForm(obj=conference)
    return save_form(
        form,
        lambda: services.update_conference(current_user, conference, form.data),
        template_args={"conference": conference, "heading": _("Settings")},
        success=_("The settings are saved."),
        target=lambda made: url_for(".manage_conference", conference_id=made.id),
    )


@bp.post("/manage/conferences/<lms_id:conference_id>/days")
@role_required("organiser")
def add_day(conference_id: int):
    conference = conference_or_404(conference_id)
    form = forms.DayForm()
    return save_form(
        form,
        lambda: services.add_day(current_user, conference, form.day.data),
        template_args={"conference": conference, "heading": _("Add a day")},
        success=_("The day is added."),
        target=lambda _day: url_for(".manage_conference", conference_id=conference.id) + "#days",
    )


@bp.post("/manage/conferences/<lms_id:conference_id>/days/<lms_id:day_id>/delete")
@role_required("organiser")
def remove_day(conference_id: int, day_id: int):
    conference = conference_or_404(conference_id)
    day = part_or_404(ConferenceDay, conference, day_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    services.remove_day(current_user, conference, day)
    db.session.commit()
    flash(_("The day is removed."), "success")
    return redirect(url_for(".manage_conference", conference_id=conference.id) + "#days")


def _part_heading(headings: tuple[str, str], part) -> str:
    """A new part's heading, or an existing one's kind and name ("Room: Sal A"), so the
    organiser sees which one they are changing even when its name is long."""
    edit, new = headings
    if part is None:
        return new
    return f"{edit}: {part.title if isinstance(part, Item) else part.name}"


def _part_view(conference_id, part_id, model, form_class, save, headings, saved):
    conference = conference_or_404(conference_id)
    part = part_or_404(model, conference, part_id)
    form = form_class(obj=part)
    return save_form(
        form,
        lambda: save(current_user, conference, form.data, part),
        template_args={"conference": conference, "heading": _part_heading(headings, part)},
        success=saved,
        target=lambda _made: url_for(".manage_conference", conference_id=conference.id),
    )


@bp.route("/manage/conferences/<lms_id:conference_id>/rooms/new", methods=["GET", "POST"])
@bp.route(
    "/manage/conferences/<lms_id:conference_id>/rooms/<lms_id:room_id>", methods=["GET", "POST"]
)
@role_required("organiser")
def room_form(conference_id: int, room_id: int | None = None):
    return _part_view(conference_id, room_id, Room, forms.RoomForm, services.save_room,
                      (_("Room"), _("New room")), _("The room is saved."))  # fmt: skip


@bp.route("/manage/conferences/<lms_id:conference_id>/tracks/new", methods=["GET", "POST"])
@bp.route(
    "/manage/conferences/<lms_id:conference_id>/tracks/<lms_id:track_id>", methods=["GET", "POST"]
)
@role_required("organiser")
def track_form(conference_id: int, track_id: int | None = None):
    return _part_view(conference_id, track_id, Track, forms.TrackForm, services.save_track,
                      (_("Track"), _("New track")), _("The track is saved."))  # fmt: skip


@bp.route("/manage/conferences/<lms_id:conference_id>/speakers/new", methods=["GET", "POST"])
@bp.route(
    "/manage/conferences/<lms_id:conference_id>/speakers/<lms_id:speaker_id>",
    methods=["GET", "POST"],
)
@role_required("organiser")
def speaker_form(conference_id: int, speaker_id: int | None = None):
    return _part_view(conference_id, speaker_id, Speaker, forms.SpeakerForm,
                      services.save_speaker, (_("Speaker"), _("New speaker")),
                      _("The speaker is saved."))  # fmt: skip


@bp.route("/manage/conferences/<lms_id:conference_id>/items/new", methods=["GET", "POST"])
@bp.route(
    "/manage/conferences/<lms_id:conference_id>/items/<lms_id:item_id>", methods=["GET", "POST"]
)
@role_required("organiser")
def item_form(conference_id: int, item_id: int | None = None):
    conference = conference_or_404(conference_id)
    item = part_or_404(Item, conference, item_id)
    form = forms.ItemForm(obj=item)
    if request.method == "GET" and item is not None:
        form.speaker_ids.data = [speaker.id for speaker in item.speakers]
    form.fill_choices(conference, services.speakers_of(conference))
    return save_form(
        form,
        lambda: items.save_item(current_user, conference, form.item_data(), item),
        template_args={
            "conference": conference,
            "heading": _part_heading((_("Programme item"), _("New programme item")), item),
            "item": item,
        },
        success=_("The item is saved."),
        target=lambda made: (
            url_for(".manage_conference", conference_id=conference.id) + f"#item-{made.id}"
        ),
    )
