"""Catalogue and offering pages. (Skeleton: the catalogue and management views come next.)"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from lms.events.models import Offering
from lms.extensions import db

bp = Blueprint("lms_events", __name__)


@bp.get("/events/<lms_id:offering_id>")
def detail(offering_id: int):
    """One offering: sessions, place, seats left, and what registering will do."""
    offering = db.session.get(Offering, offering_id)
    if offering is None or (offering.status == "draft" and not offering.can_edit(current_user)):
        abort(404)
    return render_template("lms/events/detail.html", offering=offering)
