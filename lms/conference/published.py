"""Finding a conference and the release of its programme that the public side reads.

The public pages, feeds, schedule files and API read a ``Release`` (the newest, or the
one a versioned address asks for), never the draft rows; a conference with no release
yet has no public programme.

A release's snapshot is the whole programme as JSON (some 60 kB for 80 items). A file
kept per release needs none of it to be served, nor the conference or release as objects:
``published_release_key`` finds only the release's identity, as plain columns, and the
snapshot is read only if the file has to be built.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, func, select

from lms.conference.models import Conference
from lms.conference.release_models import Release
from lms.extensions import db


def conference_by_slug(slug: str) -> Conference | None:
    return db.session.scalar(select(Conference).where(Conference.slug == slug))


@cache
def _statement(selected: tuple, by_slug: bool, numbered: bool):
    """Built once per process (building it costs about what running it does, on a kept
    file's every request): ``selected`` of the conference's newest release, or of release
    ``:number`` when ``numbered``; the conference is ``:slug`` when ``by_slug``, else
    ``:conference`` (its id)."""
    statement = select(*selected)
    if by_slug:
        statement = statement.join_from(
            Release, Conference, Release.conference_id == Conference.id
        ).where(Conference.slug == bindparam("slug"))
    else:
        statement = statement.where(Release.conference_id == bindparam("conference"))
    if numbered:
        return statement.where(Release.number == bindparam("number"))
    return statement.order_by(Release.number.desc()).limit(1)


def release_of(conference: Conference, number: int | None = None) -> Release | None:
    """Release ``number`` of the conference's programme, or the newest when ``number``
    is None; None when there is no such release."""
    statement = _statement((Release,), False, number is not None)
    return db.session.scalar(statement, {"conference": conference.id, "number": number})


def published_release(slug: str, number: int | None = None) -> tuple[Conference, Release] | None:
    """``(conference, release)`` as ``release_of`` finds it, in one statement; None when
    there is no such conference or release."""
    statement = _statement((Conference, Release), True, number is not None)
    row = db.session.execute(statement, {"slug": slug, "number": number}).first()
    return (row[0], row[1]) if row is not None else None


def published_release_key(slug: str, number: int | None = None):
    """The release ``published_release`` finds as a row of its ``id``, ``number`` and
    ``published_at`` (None when there is none): all a file kept per release needs to be
    found. Loading the conference and release as objects cost as much as the rest of a
    kept file's request."""
    selected = (Release.id, Release.number, Release.published_at)
    statement = _statement(selected, True, number is not None)
    return db.session.execute(statement, {"slug": slug, "number": number}).first()


def release_snapshot(release_id: int) -> dict:
    """The programme as of release ``release_id``: read when a kept file is built."""
    return db.session.get(Release, release_id).snapshot


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
