"""The public programme (``/conferences/<slug>…``): a day as a list or a grid, with
filters; an item's page; the speakers and a speaker's page. Every page reads the newest
release (``published.published_release``), never the draft rows; a conference with no release
has no public programme (404)."""

from __future__ import annotations

from datetime import date

from flask import abort, g, render_template, request
from flask_babel import refresh
from flask_login import current_user

from lms.conference import agenda
from lms.conference.blueprint import bp
from lms.conference.programme import Programme, ProgrammeFilters, grid, overlaps_of
from lms.conference.programme_labels import KIND_LABELS
from lms.conference.published import published_release
from lms.events.forms import LANGUAGE_LABELS, PRINCIPLE_LABELS, THEME_LABELS
from lms.events.models import Offering
from lms.extensions import db
from lms.registrations import register_button


def published_programme(slug: str):
    """``(conference, release, programme)`` of the newest release, or a 404; times on
    the page are shown in the conference's own zone."""
    found = published_release(slug)
    if found is None:
        abort(404)
    conference, release = found
    programme = Programme(release.snapshot)
    g.lms_timezone = programme.conference["timezone"]
    refresh()  # the zone may have been looked up already in this request
    return conference, release, programme


@bp.app_context_processor
def conference_labels():
    return {
        "lms_session_type_labels": KIND_LABELS,
        "lms_item_language_labels": LANGUAGE_LABELS,
        "lms_principle_labels": PRINCIPLE_LABELS,
    }


def _day_asked(programme: Programme) -> tuple[date | None, str]:
    """The day asked for (``?day=YYYY-MM-DD``, the first day by default), and the text
    asked for when it is no day of the conference."""
    asked = (request.args.get("day") or "").strip()[:20]
    if not asked:
        return (programme.days[0] if programme.days else None), ""
    try:
        day = date.fromisoformat(asked)
    except ValueError:
        return None, asked
    return (day, "") if day in programme.days else (None, asked)


@bp.get("/conferences/<slug>")
def programme(slug: str):
    """A day of the programme as a list (default) or a grid (``?view=grid``), filtered;
    a filter or day that means nothing is a 400 that says so."""
    conference, release, programme = published_programme(slug)
    filters = ProgrammeFilters.from_args(request.args, programme)
    day, bad_day = _day_asked(programme)
    view = "grid" if request.args.get("view") == "grid" else "list"
    items = programme.day_items(day, filters) if day is not None else []
    mine = agenda.agenda_items(current_user, conference, programme)
    page = render_template(
        "lms/conference/programme_day.html",
        conference=conference,
        release=release,
        programme=programme,
        filters=filters,
        day=day,
        bad_day=bad_day,
        view=view,
        items=items,
        grid=grid(programme, items) if view == "grid" else None,
        starred={each.id for each in mine},
        overlaps=overlaps_of(mine),
        themes=THEME_LABELS,
    )
    return page, 400 if filters.invalid or bad_day else 200


@bp.get("/conferences/<slug>/items/<lms_id:item_id>")
def item(slug: str, item_id: int):
    """One item: abstract, speakers, time, room (with its accessibility notes), track;
    for a signed-in person, the star button and what it overlaps in their agenda; and
    the registration box of its limited seats, if it has them."""
    conference, _release, programme = published_programme(slug)
    shown = programme.item(item_id)
    if shown is None:
        abort(404)
    mine = agenda.agenda_items(current_user, conference, programme)
    return render_template(
        "lms/conference/programme_item.html",
        conference=conference,
        programme=programme,
        item=shown,
        starred=shown.id in {each.id for each in mine},
        clashes=[each for each in mine if each.id != shown.id and each.overlaps(shown)
                 and not each.cancelled and not shown.cancelled],
        seats=_seats(shown),
        themes=THEME_LABELS,
    )  # fmt: skip


def _seats(shown) -> register_button.RegisterBox | None:
    """A round table's or workshop's own limited seats: the offering's registration box."""
    offering_id = shown.data.get("offering_id")
    offering = db.session.get(Offering, offering_id) if offering_id else None
    return register_button.register_box(current_user, offering) if offering else None


@bp.get("/conferences/<slug>/speakers")
def speakers(slug: str):
    """Every speaker of the release, by name, with their items."""
    conference, _release, programme = published_programme(slug)
    return render_template(
        "lms/conference/programme_speakers.html", conference=conference, programme=programme
    )


@bp.get("/conferences/<slug>/speakers/<lms_id:speaker_id>")
def speaker(slug: str, speaker_id: int):
    """A speaker's profile and their items."""
    conference, _release, programme = published_programme(slug)
    shown = programme.speakers.get(speaker_id)
    if shown is None:
        abort(404)
    return render_template(
        "lms/conference/programme_speaker.html",
        conference=conference,
        programme=programme,
        speaker=shown,
        items=programme.items_of_speaker(speaker_id),
    )
