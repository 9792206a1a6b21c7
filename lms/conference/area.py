"""The conference area: the programme builder and its releases, the public programme and
its feeds, personal agendas, speakers, and check-in at the door."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Put the area's tables on the metadata and mount its pages."""
    from lms.conference import (  # noqa: F401  (tables, routes and feed entries)
        agenda_feed,
        agenda_views,
        attendees,
        builder_views,
        changes_views,
        door_views,
        exports_views,
        grid_views,
        models,
        programme_views,
        release_models,
        seat_views,
        speaker_views,
    )
    from lms.conference.blueprint import bp
    from lms.conference.releases import MAIL_KIND
    from lms.registrations import signals as registration_signals

    lms.add_blueprint(bp)
    # The mail telling people what a new release changed for them (releases.py).
    lms.add_mail_kind(MAIL_KIND)
    # The door: a conference registration with a place gets its attendee code, and its
    # confirmation carries the QR code (the conference's own mail, with the calendar file).
    lms.add_mail_attachment("conference_pass", attendees.pass_attachment)
    lms.add_mail_kind(
        "conference_registration_confirmed", attachments=("calendar", "conference_pass")
    )
    lms.add_mail_kind("conference_speaker_invitation")
    registration_signals.status_written.connect(attendees.give_code, sender="conference")
    registration_signals.status_mail.connect(attendees.confirmation_mail, sender="conference")
    registration_signals.offering_page_sections.connect(door_views.on_offering_page)
    agenda_feed.connect()
