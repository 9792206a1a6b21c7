"""The events blueprint, its template filters, and the public catalogue and offering pages.

Organiser pages for offerings are in ``manage_views.py`` and network pages in
``network_views.py``; both hang their routes on this blueprint, so endpoint names stay
``lms_events.*``.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import format_datetime, format_time, get_locale
from flask_login import current_user
from werkzeug.routing import BuildError

from lms.core.dates import WHEN_PATTERNS
from lms.events import forms, services
from lms.events.cards import CatalogueFragments
from lms.events.markdown import render_markdown
from lms.events.models import Offering
from lms.extensions import db

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
    pagination = services.catalogue_page(filters, page=_page(), per_page=PAGE_SIZE)
    fragments = CatalogueFragments(filters)
    return fragments.whole_page(
        pagination,
        lambda: render_template(
            "lms/events/catalogue.html",
            pagination=pagination,
            filters=filters,
            fragments=fragments,
        ),
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
        online_url=services.online_url_for(current_user, offering),
        counts=counts,
        registration=registration,
        action=services.register_action(current_user, offering, counts, registration),
        my_registrations_url=url_or_none("lms_registrations.mine"),
    )
