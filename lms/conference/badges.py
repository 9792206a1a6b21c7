"""Name badges for every attendee with a place: one printable PDF (WeasyPrint), A4 with
six badges a page, each with the name, organisation, days and the attendee's QR code.

The QR codes are PNG data URIs made by segno, so the PDF needs nothing from the network.
"""

from __future__ import annotations

import base64

from flask import render_template
from weasyprint import HTML

from lms.conference.attendees import badge_rows, qr_png
from lms.conference.models import Conference
from lms.conference.registration import days_of
from lms.core.dates import format_date
from lms.events.services import require_organiser


def badges(conference: Conference) -> list[dict]:
    """What each badge shows, by name."""
    result = []
    for attendee, registration in badge_rows(conference):
        user = registration.user
        png = base64.b64encode(qr_png(attendee.code, scale=4)).decode("ascii")
        result.append(
            {
                "name": user.name,
                "organisation": user.organisation,
                "days": [format_date(day) for day in days_of(conference, registration.answers)],
                "code": attendee.code,
                "qr": f"data:image/png;base64,{png}",
            }
        )
    return result


def badges_pdf(actor, conference: Conference) -> bytes:
    """The badges of ``conference`` as PDF bytes (organisers only)."""
    require_organiser(actor)
    html = render_template(
        "lms/conference/badges_pdf.html", conference=conference, badges=badges(conference)
    )
    return HTML(string=html).write_pdf()
