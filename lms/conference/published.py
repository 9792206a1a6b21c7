"""Finding a conference and the release of its programme that the public side reads.

The public pages, feeds, schedule files and API read a ``Release`` (the newest, or the
one a versioned address asks for), never the draft rows; a conference with no release
yet has no public programme.
"""

from __future__ import annotations

from sqlalchemy import select

from lms.conference.models import Conference
from lms.conference.release_models import Release
from lms.extensions import db


def conference_by_slug(slug: str) -> Conference | None:
    return db.session.scalar(select(Conference).where(Conference.slug == slug))


def release_of(conference: Conference, number: int | None = None) -> Release | None:
    """Release ``number`` of the conference's programme, or the newest when ``number``
    is None; None when there is no such release."""
    statement = select(Release).where(Release.conference_id == conference.id)
    if number is None:
        statement = statement.order_by(Release.number.desc()).limit(1)
    else:
        statement = statement.where(Release.number == number)
    return db.session.scalar(statement)


def is_published(conference: Conference) -> bool:
    """Whether the conference has a public programme (at least one release)."""
    found = select(Release.id).where(Release.conference_id == conference.id).limit(1)
    return db.session.scalar(found) is not None
