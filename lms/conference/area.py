"""The conference area: the programme builder and its releases, the public programme and
its feeds, personal agendas, speakers, and check-in at the door."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Put the area's tables on the metadata and mount its pages."""
    # The tables, and the public side's views and feed entries (imported to register).
    from lms.conference import (  # noqa: F401
        agenda_feed,
        agenda_views,
        changes_views,
        models,
        programme_views,
        release_models,
    )
    from lms.conference.blueprint import bp

    lms.add_blueprint(bp)
    agenda_feed.connect()
