"""The events blueprint and its template filters.

Organiser pages for offerings are in ``manage_views.py`` and network pages in
``network_views.py``; the public catalogue and offering pages, which count seats, in the
registrations area (``lms.registrations.catalogue_views``). All hang their routes on this
blueprint, so endpoint names stay ``lms_events.*``.
"""

from __future__ import annotations

from flask import Blueprint

from lms.core.markdown import render_markdown
from lms.events import forms

bp = Blueprint("lms_events", __name__)

PAGE_SIZE = 20


@bp.app_template_filter("lms_markdown")
def markdown_filter(text):
    return render_markdown(text)


@bp.app_context_processor
def labels():
    return {
        "lms_kind_labels": forms.KIND_LABELS,
        "lms_theme_labels": forms.THEME_LABELS,
        "lms_status_labels": forms.STATUS_LABELS,
    }
