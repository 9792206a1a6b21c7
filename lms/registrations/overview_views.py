"""The organisers' overview page (``lms_registrations.overview``, ``/manage``)."""

from __future__ import annotations

from flask import abort, current_app, render_template
from flask_login import current_user, login_required

from lms.core.service_errors import PermissionDenied
from lms.registrations.overview import organiser_overview
from lms.registrations.views import bp


@bp.get("/manage")
@login_required
def overview():
    """What is coming, what waits for a decision, and what failed: each with its link."""
    try:
        data = organiser_overview(current_user, weeks=current_app.config["LMS_OVERVIEW_WEEKS"])
    except PermissionDenied:
        abort(403)
    return render_template("lms/registrations/overview.html", overview=data)
