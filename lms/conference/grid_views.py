"""The builder's grid of a day (rooms × time), the move form, publishing and the list of
releases (``/manage/conferences/<id>/…``, organisers only).

Moving works without JavaScript: each placed item in the grid has a "Move" link to a
form (room, day, start, end), reached and filled by keyboard (WCAG 2.5.7). Dragging in
the grid (``lms/static/conference-grid.js``) only fills in and submits the same form.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.permissions import role_required
from lms.conference import forms, items, releases
from lms.conference.blueprint import bp
from lms.conference.builder_views import conference_or_404, part_or_404, show_error
from lms.conference.clashes import clashes_of, clashing_item_ids, too_small_rooms
from lms.conference.models import ConferenceDay, Item
from lms.conference.services import ConferenceError
from lms.core.dates import format_date
from lms.core.service_errors import PermissionDenied
from lms.extensions import db

SLOT_MINUTES = 30


def _slots(conference, day: date) -> list[datetime]:
    """The starts of the grid's rows: every half hour of the day's hours, local time."""
    zone = items.zone_of(conference)
    moment = datetime.combine(day, conference.day_starts, tzinfo=zone)
    end = datetime.combine(day, conference.day_ends, tzinfo=zone)
    slots = []
    while moment < end:
        slots.append(moment)
        moment += timedelta(minutes=SLOT_MINUTES)
    return slots


@bp.get("/manage/conferences/<lms_id:conference_id>/days/<lms_id:day_id>")
@role_required("organiser")
def day_grid(conference_id: int, day_id: int):
    conference = conference_or_404(conference_id)
    day = part_or_404(ConferenceDay, conference, day_id)
    everything = items.items_of(conference)
    clashes = releases.programme_clashes(conference, everything)
    clashing = clashing_item_ids(clashes)
    slots = _slots(conference, day.day)
    cells: dict[tuple[int, int], list[Item]] = {}
    elsewhere = []  # on this day, but not in a row of the grid (outside the hours)
    for item in everything:
        if not item.is_placed:
            continue
        start = items.local_time(conference, item.starts_at)
        if start.date() != day.day:
            continue
        row = next(
            (i for i, slot in enumerate(slots)
             if slot <= start < slot + timedelta(minutes=SLOT_MINUTES)),
            None,
        )  # fmt: skip
        if row is None:
            elsewhere.append(item)
        else:
            cells.setdefault((row, item.room_id), []).append(item)
    return render_template(
        "lms/conference/manage_grid.html",
        conference=conference,
        day=day,
        slots=slots,
        cells=cells,
        cells_in_row={row for row, _room in cells},
        elsewhere=elsewhere,
        clashing=clashing,
        too_small=too_small_rooms(clashes),
        unplaced=[item for item in everything if not item.is_placed],
        local_time=lambda moment: items.local_time(conference, moment),
        move_form=forms.ConfirmForm(),
    )


def _move_form(conference, item):
    form = forms.MoveForm()
    form.fill_choices(conference, format_date)
    if request.method == "GET":
        if item.is_placed:
            start = items.local_time(conference, item.starts_at)
            end = items.local_time(conference, item.ends_at)
            form.room_id.data, form.day.data = item.room_id, start.date().isoformat()
            form.start.data, form.end.data = start.time(), end.time()
        else:
            form.room_id.data = request.args.get("room", type=int)
            form.day.data = request.args.get("day")
    return form


@bp.route(
    "/manage/conferences/<lms_id:conference_id>/items/<lms_id:item_id>/move",
    methods=["GET", "POST"],
)
@role_required("organiser")
def move_item(conference_id: int, item_id: int):
    conference = conference_or_404(conference_id)
    item = part_or_404(Item, conference, item_id)
    form = _move_form(conference, item)
    if form.validate_on_submit():
        days = {day.day.isoformat(): day for day in conference.days}
        if form.day.data not in days:
            form.day.errors = [_("Choose one of the conference's days.")]
        else:
            day = days[form.day.data]
            try:
                items.place_item(
                    current_user,
                    item,
                    form.room_id.data,
                    items.conference_time(conference, day.day, form.start.data),
                    items.conference_time(conference, day.day, form.end.data),
                )
            except PermissionDenied:
                abort(403)
            except ConferenceError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                db.session.commit()
                flash(_("%(title)s is moved.", title=item.title), "success")
                _warn_of_clashes(conference, item)
                target = url_for(".day_grid", conference_id=conference.id, day_id=day.id)
                return redirect(f"{target}#item-{item.id}")
    status = 400 if request.method == "POST" else 200
    return render_template(
        "lms/conference/manage_move.html",
        conference=conference,
        item=item,
        form=form,
        interest=releases.interest_in(item),
    ), status


def _warn_of_clashes(conference, item) -> None:
    """After a move, say at once what the item now clashes with, as warnings: the move is
    kept (a draft may clash), and publishing will name them again."""
    rooms = {room.id: room for room in conference.rooms}
    for clash in clashes_of(releases.programme_clashes(conference), item.id):
        if clash.kind == "capacity":
            interested, seats = clash.numbers
            message = _(
                "%(room)s may be too small for %(title)s: %(interested)s people are "
                "interested, and it seats %(seats)s.",
                room=rooms[clash.room_id].name,
                title=item.title,
                interested=interested,
                seats=seats,
            )
        else:
            message = _(
                "%(title)s now clashes. %(clash)s: %(titles)s.",
                title=item.title,
                clash=forms.CLASH_LABELS[clash.kind],
                titles=" / ".join(clash.titles),
            )
        flash(message, "warning")


@bp.get("/manage/conferences/<lms_id:conference_id>/publish")
@role_required("organiser")
def publish_page(conference_id: int):
    conference = conference_or_404(conference_id)
    clashes = releases.programme_clashes(conference)
    return _publish_page(conference, clashes, 200)


def _publish_page(conference, clashes, status):
    return render_template(
        "lms/conference/manage_publish.html",
        conference=conference,
        hard=[clash for clash in clashes if clash.hard],
        soft=[clash for clash in clashes if not clash.hard],
        clash_labels=forms.CLASH_LABELS,
        rooms={room.id: room.name for room in conference.rooms},
        confirm_form=forms.ConfirmForm(),
        refused=status != 200,
    ), status


@bp.post("/manage/conferences/<lms_id:conference_id>/publish")
@role_required("organiser")
def publish(conference_id: int):
    conference = conference_or_404(conference_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        release = releases.publish(current_user, conference)
    except PermissionDenied:
        abort(403)
    except releases.NotPublishable:
        db.session.rollback()
        return _publish_page(conference, releases.programme_clashes(conference), 409)
    except ConferenceError as error:
        db.session.rollback()
        flash(str(error.message or _("The programme was not published.")), "error")
        return redirect(url_for(".publish_page", conference_id=conference.id))
    db.session.commit()
    flash(_("Release %(number)s is published.", number=release.number), "success")
    return redirect(url_for(".release_list", conference_id=conference.id))


@bp.get("/manage/conferences/<lms_id:conference_id>/releases")
@role_required("organiser")
def release_list(conference_id: int):
    conference = conference_or_404(conference_id)
    return render_template(
        "lms/conference/manage_releases.html",
        conference=conference,
        releases=[
            (each, releases.change_lines(conference, each.snapshot, each.changes))
            for each in releases.releases_of(conference)
        ],
    )
