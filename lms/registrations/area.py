"""The registrations area: who holds a seat, waiting lists, participant lists, the
catalogue pages that count seats (``lms_registrations``, and routes on ``lms_events``)."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Mount the pages (the personal home is where login leads), declare the periodic
    tasks, answer the events area's signals."""
    from lms.registrations import (  # noqa: F401  (routes and tables)
        bulk_views,
        catalogue_views,
        manage_views,
        message_views,
        models,
        notify,
        overview_views,
        reactions,
        tasks,
    )
    from lms.registrations.views import bp

    lms.add_blueprint(bp)
    lms.set_home("lms_registrations.home")
    for kind, attachments in notify.MAIL_KINDS.items():
        lms.add_mail_kind(kind, attachments=attachments)
    lms.add_periodic_task("expire_offers", tasks.expire_offers, minute="*/5")
    lms.add_periodic_task("send_reminders", tasks.send_reminders, minute="7")
    reactions.connect()
