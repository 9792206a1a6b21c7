"""A person's agenda in their personal calendar feed: the answer to the calendar
area's ``personal_feed_entries`` signal.

Each starred item of a conference's newest release is one entry with
``UID:conference-item-<guid>@<host>`` (the UID the conference's own ``.ics`` files give
the item, so a client holding both has one event), ``SEQUENCE`` and ``LAST-MODIFIED``
from the release's snapshot (they move only when the item does) and
``STATUS:CANCELLED`` for a cancelled item. Built from releases alone, so the feed's
bytes change only when the person's stars or a release do.
"""

from __future__ import annotations

from sqlalchemy import func, select

from lms.calendar.ical import CalendarEntry
from lms.calendar.signals import personal_feed_entries
from lms.conference.models import Conference, Item
from lms.conference.programme import Programme, ProgrammeItem
from lms.conference.release_models import Release, Star
from lms.conference.snapshot import parse
from lms.core.urls import external_url
from lms.extensions import db


def item_uid(guid: str, uid_host: str) -> str:
    return f"conference-item-{guid}@{uid_host}"


def agenda_entry(programme: Programme, item: ProgrammeItem, uid_host: str, url: str):
    """The calendar entry of one published item (pure: snapshot values in)."""
    data = item.data
    conference = programme.conference
    room = item.room["name"] if item.room else ""
    place = ", ".join(p for p in (room, conference["venue"], conference["address"]) if p)
    names = ", ".join(speaker["name"] for speaker in item.speakers)
    description = "\n\n".join(p for p in (names, data["abstract"].strip(), url) if p)
    return CalendarEntry(
        uid=item_uid(data["guid"], uid_host),
        start=item.starts_at,
        end=item.ends_at,
        timezone=conference["timezone"],
        summary=data["title"],
        description=description,
        location=place,
        url=url,
        status="CANCELLED" if item.cancelled else "CONFIRMED",
        sequence=data["sequence"],
        last_modified=parse(data["last_modified"]),
    )


def _newest_releases(conference_ids: set[int]) -> list[Release]:
    """The newest release of each conference, in one query."""
    newest = (
        select(Release.conference_id, func.max(Release.number).label("number"))
        .where(Release.conference_id.in_(conference_ids))
        .group_by(Release.conference_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Release)
            .join(
                newest,
                (Release.conference_id == newest.c.conference_id)
                & (Release.number == newest.c.number),
            )
            .order_by(Release.conference_id)
        )
    )


def personal_agenda_entries(user, links, zone: str) -> list[CalendarEntry]:
    """The receiver: ``user``'s starred items across conferences, each as its newest
    release has it (a star on an item no release holds gives nothing). Two queries."""
    starred = db.session.execute(
        select(Star.item_id, Item.conference_id, Conference.slug)
        .join(Item, Item.id == Star.item_id)
        .join(Conference, Conference.id == Item.conference_id)
        .where(Star.user_id == user.id)
    ).all()
    if not starred:
        return []
    wanted: dict[int, set[int]] = {}
    slugs = {}
    for item_id, conference_id, slug in starred:
        wanted.setdefault(conference_id, set()).add(item_id)
        slugs[conference_id] = slug
    entries = []
    for release in _newest_releases(set(wanted)):
        programme = Programme(release.snapshot)
        for item in programme.items:
            if item.id in wanted[release.conference_id]:
                url = external_url(
                    "lms_conference.item", slug=slugs[release.conference_id], item_id=item.id
                )
                entries.append(agenda_entry(programme, item, links.uid_host, url))
    return entries


def connect() -> None:
    """Answer the calendar's question for a person's feed (from ``init_area``)."""
    personal_feed_entries.connect(_answer)


def _answer(user, links, zone: str, **_extra):
    return personal_agenda_entries(user, links, zone)
