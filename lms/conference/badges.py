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

# How long a name or an organisation may be (in characters) before its badge prints it
# smaller: a badge is 78 mm wide inside, and every word must fit it whole or hyphenated.
NAME_STEPS = ((22, "long"), (40, "longer"), (60, "longest"))
ORGANISATION_STEPS = ((40, "long"), (80, "longer"))


def size_class(text: str, steps: tuple[tuple[int, str], ...]) -> str:
    """The badge's size class for ``text``: "" (full size), or the name of the last step
    whose length it passes, so a long name shrinks instead of running off the badge."""
    found = ""
    for length, name in steps:
        if len(text or "") > length:
            found = name
    return found


def badges(conference: Conference) -> list[dict]:
    """What each badge shows, by name."""
    result = []
    for attendee, registration in badge_rows(conference):
        user = registration.user
        png = base64.b64encode(qr_png(attendee.code, scale=4)).decode("ascii")
        result.append(
            {
                "name": user.name,
                "name_size": size_class(user.name, NAME_STEPS),
                "organisation": user.organisation,
                "organisation_size": size_class(user.organisation, ORGANISATION_STEPS),
                "days": [format_date(day) for day in days_of(conference, registration.answers)],
                "code": attendee.code,
                "qr": f"data:image/png;base64,{png}",
            }
        )
    return result


def badges_pdf(actor, conference: Conference) -> bytes:
    """The badges of ``conference`` as PDF bytes (organisers only)."""
    require_organiser(actor)
    return HTML(string=badges_html(conference)).write_pdf()


def badges_html(conference: Conference) -> str:
    """The badges page WeasyPrint lays out (a test checks that every word stays on its badge)."""
    return render_template(
        "lms/conference/badges_pdf.html", conference=conference, badges=badges(conference)
    )
