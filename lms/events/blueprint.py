"""The events blueprint and its template filters.

Organiser pages for offerings are in ``manage_views.py`` and network pages in
``network_views.py``; the public catalogue and offering pages, which count seats, in the
registrations area (``lms.registrations.catalogue_views``). All hang their routes on this
blueprint, so endpoint names stay ``lms_events.*``.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import format_datetime, format_time, get_locale

from lms.core.dates import WHEN_PATTERNS, to_local
from lms.core.markdown import render_markdown
from lms.events import forms

bp = Blueprint("lms_events", __name__)

PAGE_SIZE = 20


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
    return to_local(value).isoformat() if value else ""


@bp.app_context_processor
def labels():
    return {
        "lms_kind_labels": forms.KIND_LABELS,
        "lms_theme_labels": forms.THEME_LABELS,
        "lms_status_labels": forms.STATUS_LABELS,
    }
