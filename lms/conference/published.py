"""Finding a conference and the release of its programme that the public side reads.

The public pages, feeds, schedule files and API read a ``Release`` (the newest, or the
one a versioned address asks for), never the draft rows; a conference with no release
yet has no public programme.

A release's snapshot is the whole programme as JSON (some 60 kB for 80 items). A file
kept per release needs none of it to be served, so callers that only need the release's
identity ask for it without the snapshot (``snapshot=False``): the column is then read,
and decoded, only if the file has to be built.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import defer

from lms.conference.models import Conference
from lms.conference.release_models import Release
from lms.extensions import db


def conference_by_slug(slug: str) -> Conference | None:
    return db.session.scalar(select(Conference).where(Conference.slug == slug))


@cache
def _statement(entities: tuple, numbered: bool, snapshot: bool):
    """Built once per process (building it costs about what running it does, on a kept
    file's every request): ``entities`` of the conference's newest release, or of release
    ``:number`` when ``numbered``; the conference is ``:conference`` or ``:slug``."""
    statement = select(*entities)
    if Conference in entities:
        statement = statement.join(Release, Release.conference_id == Conference.id).where(
            Conference.slug == bindparam("slug")
        )
    else:
        statement = statement.where(Release.conference_id == bindparam("conference"))
    if numbered:
        statement = statement.where(Release.number == bindparam("number"))
    else:
        statement = statement.order_by(Release.number.desc()).limit(1)
    return statement if snapshot else statement.options(defer(Release.snapshot))


def release_of(
    conference: Conference, number: int | None = None, *, snapshot: bool = True
) -> Release | None:
    """Release ``number`` of the conference's programme, or the newest when ``number``
    is None; None when there is no such release."""
    statement = _statement((Release,), number is not None, snapshot)
    return db.session.scalar(statement, {"conference": conference.id, "number": number})


def published_release(
    slug: str, number: int | None = None, *, snapshot: bool = True
) -> tuple[Conference, Release] | None:
    """``(conference, release)`` as ``release_of`` finds it, in one statement; None when
    there is no such conference or release."""
    statement = _statement((Conference, Release), number is not None, snapshot)
    row = db.session.execute(statement, {"slug": slug, "number": number}).first()
    return (row[0], row[1]) if row is not None else None


def is_published(conference: Conference) -> bool:
    """Whether the conference has a public programme (at least one release)."""
    found = select(Release.id).where(Release.conference_id == conference.id).limit(1)
    return db.session.scalar(found) is not None


def newest_releases() -> list[tuple[Conference, Release]]:
    """Each conference with a published programme and its newest release, by title."""
    newest = (
        select(Release.conference_id, func.max(Release.number).label("number"))
        .group_by(Release.conference_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Conference, Release)
        .join(newest, newest.c.conference_id == Conference.id)
        .join(
            Release,
            (Release.conference_id == Conference.id) & (Release.number == newest.c.number),
        )
        .order_by(Conference.title, Conference.id)
    ).all()
    return [(conference, release) for conference, release in rows]
