"""Publishing the draft programme as the next numbered ``Release``, and the mail that
tells people what changed.

``publish`` refuses while a hard clash exists (``NotPublishable`` carries the list), and
when nothing changed since the newest release. Otherwise it freezes the draft
(``snapshot.take``), carries SEQUENCE and LAST-MODIFIED over from the newest release
(``snapshot.carry``) and stores release N + 1. From release 2 on, everyone a changed
item concerns gets ONE mail for the release, in their own language, listing their
changed items: those who starred it, those holding a seat for it, and its speakers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.accounts.models import User
from lms.conference import snapshot
from lms.conference.clashes import Clash, Slot, find_clashes, hard_clashes
from lms.conference.items import items_of, zone_of
from lms.conference.models import Conference, Speaker
from lms.conference.published import release_of
from lms.conference.registration import follow_published_items
from lms.conference.release_models import Release, Star
from lms.conference.services import ConferenceError, speakers_of
from lms.core.dates import format_date
from lms.events.services import require_organiser
from lms.extensions import db
from lms.mail.outbox import queue_mail
from lms.registrations.models import Registration
from lms.registrations.statuses import holds_seat
from lms.timeutil import utcnow

MAIL_KIND = "conference_programme_changed"


class NotPublishable(ConferenceError):
    """Hard clashes keep the programme from being published; ``clashes`` lists them."""

    def __init__(self, clashes: list[Clash]) -> None:
        super().__init__("clashes", _l("Mend the clashes before publishing."))
        self.clashes = clashes


def _interest(items) -> dict[int, int]:
    """item id -> how many different people starred it or hold a seat for it."""
    people: dict[int, set[int]] = defaultdict(set)
    ids = [item.id for item in items]
    if not ids:
        return {}
    for item_id, user_id in db.session.execute(
        select(Star.item_id, Star.user_id).where(Star.item_id.in_(ids))
    ):
        people[item_id].add(user_id)
    by_offering = {item.offering_id: item.id for item in items if item.offering_id}
    if by_offering:
        for offering_id, user_id in db.session.execute(
            select(Registration.offering_id, Registration.user_id).where(
                Registration.offering_id.in_(list(by_offering)), holds_seat(Registration.status)
            )
        ):
            people[by_offering[offering_id]].add(user_id)
    return {item_id: len(users) for item_id, users in people.items()}


def interest_in(item) -> int:
    """How many different people starred ``item`` or hold a seat for it (what its room
    must seat)."""
    return _interest([item]).get(item.id, 0)


def programme_clashes(conference: Conference, items=None) -> list[Clash]:
    """Every clash of the conference's draft (``clashes.find_clashes``)."""
    items = items_of(conference) if items is None else items
    interest = _interest(items)
    slots = [
        Slot(
            id=item.id,
            title=item.title,
            room_id=item.room_id,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            speaker_ids=tuple(speaker.id for speaker in item.speakers),
            status=item.status,
            interest=interest.get(item.id, 0),
        )
        for item in items
    ]
    return find_clashes(
        slots,
        days=[day.day for day in conference.days],
        day_starts=conference.day_starts,
        day_ends=conference.day_ends,
        zone=conference.timezone,
        capacities={room.id: room.capacity for room in conference.rooms},
    )


def releases_of(conference: Conference) -> list[Release]:
    """The conference's releases, the newest first."""
    return list(
        db.session.scalars(
            select(Release)
            .where(Release.conference_id == conference.id)
            .order_by(Release.number.desc())
        )
    )


def publish(actor, conference: Conference, now: datetime | None = None) -> Release:
    """Publish the draft as the next release (organisers only); refuses with
    ``NotPublishable`` while a hard clash exists, and with ``nothing_changed`` when no
    item changed since the newest release. Queues the change mails from release 2 on."""
    require_organiser(actor)
    items = items_of(conference)
    refused = hard_clashes(programme_clashes(conference, items))
    if refused:
        raise NotPublishable(refused)
    newest = release_of(conference)
    draft = snapshot.take(conference, items, speakers_of(conference))
    stamp = now or utcnow()
    content, changes = snapshot.carry(newest.snapshot if newest else None, draft, stamp)
    # A release with no item changed is still one when a speaker's profile, a room or a
    # track changed: those show on the public pages and in the schedule files.
    if newest is not None and content == newest.snapshot:
        raise ConferenceError("nothing_changed", _l("Nothing changed since the last release."))
    release = Release(
        conference_id=conference.id,
        number=(newest.number + 1) if newest else 1,
        published_at=stamp,
        published_by_id=actor.id,
        snapshot=content,
        changes=changes,
    )
    db.session.add(release)
    db.session.flush()
    changed = {change["guid"] for change in changes}
    follow_published_items(conference, [item for item in items if item.guid in changed])
    if newest is not None:
        queue_change_mails(conference, release)
    return release


def _recipients(content: dict, guids: set[str]) -> dict[str, dict]:
    """address -> {"user": User | None, "name", "guids": set}: everyone a changed item
    concerns, each address once (an account's address, or a speaker's own)."""
    items = [item for item in content["items"] if item["guid"] in guids]
    by_id = {item["id"]: item["guid"] for item in items}
    by_offering = {item["offering_id"]: item["guid"] for item in items if item["offering_id"]}
    concerned: list[tuple[User | None, str, str, str]] = []  # user, address, name, guid
    users = defaultdict(set)
    for item_id, user_id in db.session.execute(
        select(Star.item_id, Star.user_id).where(Star.item_id.in_(list(by_id)))
    ):
        users[user_id].add(by_id[item_id])
    if by_offering:
        for offering_id, user_id in db.session.execute(
            select(Registration.offering_id, Registration.user_id).where(
                Registration.offering_id.in_(list(by_offering)), holds_seat(Registration.status)
            )
        ):
            users[user_id].add(by_offering[offering_id])
    speaker_guids = defaultdict(set)
    for item in items:
        for speaker_id in item["speaker_ids"]:
            speaker_guids[speaker_id].add(item["guid"])
    for speaker in db.session.scalars(select(Speaker).where(Speaker.id.in_(list(speaker_guids)))):
        if speaker.user_id is not None:
            users[speaker.user_id] |= speaker_guids[speaker.id]
        elif speaker.email:
            for guid in speaker_guids[speaker.id]:
                concerned.append((None, speaker.email, speaker.name, guid))
    for user in db.session.scalars(select(User).where(User.id.in_(list(users)))):
        for guid in users[user.id]:
            concerned.append((user, user.email, user.name, guid))
    recipients: dict[str, dict] = {}
    for user, address, name, guid in concerned:
        entry = recipients.setdefault(address.lower(), {"user": user, "name": name, "guids": set()})
        entry["user"] = entry["user"] or user
        entry["guids"].add(guid)
    return recipients


# What happened to an item in a release, as the changes page, its feed and the mail say it.
CHANGE_LABELS = {
    "new": _l("New"),
    "moved": _l("Moved"),
    "changed": _l("Changed"),
    "cancelled": _l("Cancelled"),
}


def change_places(conference: Conference, content: dict, changes: list[dict]) -> dict[str, str]:
    """Each changed item's day, time and room in the conference's zone as of ``content``
    (a release's snapshot), by guid; empty for a cancelled item."""
    items = {item["guid"]: item for item in content["items"]}
    rooms = {room["id"]: room["name"] for room in content["rooms"]}
    zone = zone_of(conference)
    places = {}
    for change in changes:
        item = items[change["guid"]]
        place = ""
        if item["status"] != "cancelled":
            start = snapshot.parse(item["starts_at"]).astimezone(zone)
            end = snapshot.parse(item["ends_at"]).astimezone(zone)
            place = f"{format_date(start.date())} {start:%H:%M}–{end:%H:%M}"
            room = rooms.get(item["room_id"], "")
            place += f", {room}" if room else ""
        places[change["guid"]] = place
    return places


def change_lines(conference: Conference, content: dict, changes: list[dict]) -> list[str]:
    """One line per changed item, in the current language: what happened, the title, and
    (unless cancelled) its day, time and room."""
    titles = {item["guid"]: item["title"] for item in content["items"]}
    places = change_places(conference, content, changes)
    lines = []
    for change in changes:
        line = f"{CHANGE_LABELS[change['kind']]}: {titles[change['guid']]}"
        lines.append(f"{line} – {places[change['guid']]}" if places[change["guid"]] else line)
    return lines


def queue_change_mails(conference: Conference, release: Release) -> int:
    """Queue one mail per person the release's changes concern (see ``publish``);
    returns how many were queued."""
    changes = {change["guid"]: change for change in release.changes}
    recipients = _recipients(release.snapshot, set(changes))
    item_ids = {item["guid"]: item["id"] for item in release.snapshot["items"]}
    default = current_app.config["LMS_DEFAULT_LOCALE"]
    for address, entry in sorted(recipients.items()):
        user = entry["user"]
        language = user.language if user is not None and user.language else default
        theirs = [change for guid, change in changes.items() if guid in entry["guids"]]
        with force_locale(language):
            lines = change_lines(conference, release.snapshot, theirs)
        queue_mail(
            user.email if user is not None else address,
            MAIL_KIND,
            language,
            name=entry["name"],
            conference_title=conference.title,
            conference_slug=conference.slug,
            release_number=release.number,
            change_count=len(lines),
            changes_text="\n".join(lines),
            # The template links each line to its item's public page; the links are
            # built when the mail is rendered, on the base the mail recorded.
            item_ids=",".join(str(item_ids[change["guid"]]) for change in theirs),
        )
    return len(recipients)
