"""The calendar files the app hands out: downloads, feeds and mail attachments all
build on the same origin (``LMS_BASE_URL`` plus the mount point), so a session has
one UID wherever a client got it from."""

from __future__ import annotations

from flask import current_app

from lms.calendar import ical
from lms.mail.outbox import external_url

ATTACHMENT_NAME = "invitation.ics"
ATTACHMENT_TYPE = "text/calendar"


def base_url() -> str:
    """``LMS_BASE_URL`` plus the mount point (never the host a request came in on)."""
    return external_url("lms_core.home").rstrip("/")


def offering_ics_bytes(offering) -> bytes:
    """The offering's calendar file, as downloaded and as attached to mail."""
    return ical.offering_calendar(offering, base_url(), zone=current_app.config["LMS_TIMEZONE"])


def offering_attachment(offering) -> tuple[str, str, bytes]:
    """The ``.ics`` for a mail: the download's bytes, no METHOD and no ORGANIZER, so
    clients add or update the events and send no "accepted" replies."""
    return (ATTACHMENT_NAME, ATTACHMENT_TYPE, offering_ics_bytes(offering))
