"""The events area: offerings, their sessions, networks (``lms_events``)."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Mount the events blueprint with the organiser and network pages on it."""
    from lms.events import (  # noqa: F401  (routes, tables)
        lifecycle_views,
        manage_views,
        models,
        network_views,
        plan_views,
    )
    from lms.events.blueprint import bp

    lms.add_blueprint(bp)
    lms.add_mail_kind("network_membership_approved")
    lms.add_mail_kind("network_membership_declined")
