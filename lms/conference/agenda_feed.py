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
from lms.conference import ical_entries
from lms.conference.models import Conference, Item
from lms.conference.release_models import Release, Star
from lms.core.urls import external_url
from lms.extensions import db


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
        slug = slugs[release.conference_id]
        # The same entry as the conference's own files give the item (one mapping).
        item_links = ical_entries.Links(
            uid_host=links.uid_host,
            item_url=lambda item_id, slug=slug: external_url(
                "lms_conference.item", slug=slug, item_id=item_id
            ),
        )
        chosen = [i for i in release.snapshot["items"] if i["id"] in wanted[release.conference_id]]
        entries.extend(ical_entries.programme_entries(release.snapshot, item_links, chosen))
    return entries


def connect() -> None:
    """Answer the calendar's question for a person's feed (from ``init_area``)."""
    personal_feed_entries.connect(_answer)


def _answer(user, links, zone: str, **_extra):
    return personal_agenda_entries(user, links, zone)
