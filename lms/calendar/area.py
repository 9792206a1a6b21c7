"""The calendar area: .ics files and personal feeds, and the .ics that mail attaches."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Mount the calendar pages and declare the mail attachments."""
    from lms.calendar import files
    from lms.calendar.views import bp

    lms.add_blueprint(bp)
    lms.add_mail_attachment("calendar", files.mail_attachment)
    lms.add_mail_attachment("calendar_cancelled", files.cancelled_attachment)
