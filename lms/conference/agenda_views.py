"""Stars and the personal agenda: star or unstar an item (a POST form, then back to
the page it was pressed on) and ``/conferences/<slug>/agenda``, the person's starred
items by day with a warning for each pair that overlaps."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.conference import agenda
from lms.conference.agenda import AgendaError
from lms.conference.blueprint import bp
from lms.conference.programme import overlapping, overlaps_of
from lms.conference.programme_views import published_programme
from lms.core.security import is_safe_redirect
from lms.extensions import db


def _back(slug: str, item_id: int):
    target = request.form.get("next", "")
    if is_safe_redirect(target):
        return redirect(target)
    return redirect(url_for("lms_conference.item", slug=slug, item_id=item_id))


@bp.post("/conferences/<slug>/items/<lms_id:item_id>/star")
@login_required
def star(slug: str, item_id: int):
    conference, _release, programme = published_programme(slug)
    try:
        added = agenda.star(current_user, conference, programme, item_id)
    except AgendaError as error:
        if error.code == "not_found":
            abort(404)
        if error.code == "not_starrable":
            flash(_("A break is in everyone's day: it is not added to agendas."), "error")
        else:
            flash(_("A cancelled item cannot be added to your agenda."), "error")
        return _back(slug, item_id)
    db.session.commit()
    title = programme.item(item_id).data["title"]
    if added:
        flash(_("“%(title)s” is in your agenda.", title=title), "success")
    mine = agenda.agenda_items(current_user, conference, programme)
    clashes = overlaps_of(mine).get(item_id, [])
    if clashes:
        flash(
            _(
                "“%(title)s” overlaps with %(others)s in your agenda.",
                title=title,
                others=", ".join(f"“{other.data['title']}”" for other in clashes),
            ),
            "info",
        )
    return _back(slug, item_id)


@bp.post("/conferences/<slug>/items/<lms_id:item_id>/unstar")
@login_required
def unstar(slug: str, item_id: int):
    conference, _release, programme = published_programme(slug)
    if agenda.unstar(current_user, conference, item_id):
        db.session.commit()
        shown = programme.item(item_id)
        title = shown.data["title"] if shown else ""
        flash(_("“%(title)s” is no longer in your agenda.", title=title), "success")
    return _back(slug, item_id)


@bp.get("/conferences/<slug>/agenda")
@login_required
def my_agenda(slug: str):
    """The person's starred items by day, and the pairs that overlap."""
    conference, _release, programme = published_programme(slug)
    items = agenda.agenda_items(current_user, conference, programme)
    return render_template(
        "lms/conference/agenda.html",
        conference=conference,
        programme=programme,
        days=agenda.agenda_days(items),
        clashes=overlapping(items),
        overlaps=overlaps_of(items),
    )
