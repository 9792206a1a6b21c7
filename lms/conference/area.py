"""The conference area: the programme builder and its releases, the public programme and
its feeds, personal agendas, speakers, and check-in at the door."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Put the area's tables on the metadata and mount its pages."""
    from lms.conference import (  # noqa: F401  (tables)
        exports_views,
        models,
        release_models,
    )
    from lms.conference.blueprint import bp

    lms.add_blueprint(bp)
