"""Speakers' own side: an organiser invites a speaker by e-mail, the speaker confirms
through the link (signed in) and is linked to the profile, then edits it and sees their
own items and times.

The invitation is a single-use token: only its SHA-256 is stored
(``Speaker.invite_token_hash``, as accounts keep their tokens), and confirming clears it
with a conditional UPDATE, so a second use (even a concurrent one) finds nothing. A
photo is re-encoded by Pillow to pixels only (``learning.attachments.reencoded_image``,
the one image rule): no EXIF or other metadata is kept, SVG is refused.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from lms.accounts.models import hash_token
from lms.conference.models import Conference, Item, Speaker
from lms.conference.published import release_of
from lms.conference.services import ConferenceError
from lms.conference.snapshot import parse
from lms.core.service_errors import PermissionDenied
from lms.events.services import require_organiser
from lms.extensions import db
from lms.learning.attachments import AttachmentError, extension_of, reencoded_image
from lms.mail.outbox import queue_mail
from lms.timeutil import utcnow

MAX_PHOTO_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = ("png", "jpg", "jpeg", "webp")


def invite(actor, speaker: Speaker, language: str) -> str:
    """Mail the speaker a link to confirm their profile; a new invitation replaces an
    earlier one (its link stops working). Returns the token (for tests)."""
    require_organiser(actor)
    if not speaker.can_be_invited:
        state = speaker.invitation_state
        raise ConferenceError("no_email" if state == "no_email" else "already_confirmed")
    raw = secrets.token_urlsafe(32)
    speaker.invite_token_hash = hash_token(raw)
    speaker.invited_at = utcnow()
    conference = db.session.get(Conference, speaker.conference_id)
    queue_mail(
        speaker.email,
        "conference_speaker_invitation",
        language,
        speaker=speaker,
        conference=conference,
        token=raw,
    )
    db.session.flush()
    return raw


def invited_speaker(raw: str) -> Speaker | None:
    """The speaker a link invites, while it is unused (for showing the page)."""
    if not raw or len(raw) > 200:
        return None
    return db.session.scalar(select(Speaker).where(Speaker.invite_token_hash == hash_token(raw)))


def confirm(user, raw: str) -> Speaker:
    """Link ``user`` to the speaker the link invites, once; ``bad_token`` otherwise."""
    speaker = invited_speaker(raw)
    if speaker is None:
        raise ConferenceError("bad_token")
    taken = db.session.execute(
        update(Speaker)
        .where(Speaker.id == speaker.id, Speaker.invite_token_hash == hash_token(raw))
        .values(invite_token_hash=None, user_id=user.id, confirmed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise ConferenceError("bad_token")
    db.session.refresh(speaker)
    return speaker


def own_speaker(user, speaker_id: int) -> Speaker:
    """The speaker profile ``user`` is linked to; ``PermissionDenied`` for anyone else's."""
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied()
    if speaker.user_id != user.id:
        raise PermissionDenied()
    return speaker


def clean_photo(filename: str, data: bytes) -> tuple[bytes, str]:
    """A photo's bytes re-encoded (pixels only) and its type; ``AttachmentError``
    (``bad_type``, ``too_large``, ``bad_image``) otherwise."""
    extension = extension_of(filename or "")
    if extension not in PHOTO_TYPES:
        raise AttachmentError("bad_type")
    if len(data) > MAX_PHOTO_BYTES:
        raise AttachmentError("too_large")
    return reencoded_image(data, extension)


def update_profile(
    user,
    speaker_id: int,
    *,
    name: str,
    organisation: str,
    job_title: str,
    bio: str,
    photo: tuple[str, bytes] | None = None,
    remove_photo: bool = False,
) -> Speaker:
    """The speaker edits their own profile (and photo)."""
    speaker = own_speaker(user, speaker_id)
    speaker.name = name.strip()
    speaker.organisation, speaker.job_title = organisation.strip(), job_title.strip()
    speaker.bio = bio.strip()
    if photo is not None:
        speaker.photo, speaker.photo_type = clean_photo(*photo)
    elif remove_photo:
        speaker.photo, speaker.photo_type = None, ""
    db.session.flush()
    return speaker


@dataclass(frozen=True)
class SpeakerItem:
    title: str
    kind: str
    starts_at: datetime | None
    ends_at: datetime | None
    room: str
    status: str


def items_of(speaker: Speaker) -> tuple[list[SpeakerItem], bool]:
    """The speaker's items and times: from the newest release if there is one (what the
    public sees), else the draft. Returns (items, published)."""
    conference = db.session.get(Conference, speaker.conference_id)
    release = release_of(conference)
    if release is not None:
        snap = release.snapshot
        rooms = {room["id"]: room["name"] for room in snap.get("rooms", [])}
        found = [
            SpeakerItem(
                item["title"],
                item["kind"],
                parse(item["starts_at"]) if item["starts_at"] else None,
                parse(item["ends_at"]) if item["ends_at"] else None,
                rooms.get(item["room_id"], ""),
                item["status"],
            )
            for item in snap.get("items", [])
            if speaker.id in item.get("speaker_ids", [])
        ]
        return found, True
    items = db.session.scalars(
        select(Item)
        .where(Item.conference_id == conference.id, Item.speakers.any(Speaker.id == speaker.id))
        .order_by(Item.starts_at, Item.id)
    ).all()
    found = [
        SpeakerItem(
            item.title,
            item.kind,
            item.starts_at,
            item.ends_at,
            item.room.name if item.room else "",
            item.status,
        )
        for item in items
    ]
    return found, False
