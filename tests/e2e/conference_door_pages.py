"""Openers for the conference door's pages (listed in ``site_pages.PAGES``): registering,
the check-in page (empty, and after a scan), the speaker invitation and profile. ``v`` is
a ``site_pages.Visit``."""

from __future__ import annotations

from datetime import timedelta

import conference_door_support as door

from lms.conference import speakers
from lms.conference.registration import register_attendee
from lms.conference.release_models import Attendee
from lms.extensions import db
from lms.timeutil import utcnow


def _organiser(v):
    if v.user is not None and v.user.has_role("organiser"):
        return v.user
    return v.new_user("organiser")


def register_page(v) -> None:
    conference = door.conference(_organiser(v))
    v.goto(f"/conferences/{conference.slug}/register")


def register_with_errors(v) -> None:
    conference = door.conference(_organiser(v))
    v.goto(f"/conferences/{conference.slug}/register")
    for box in v.page.locator("input[name=days]").all():
        box.set_checked(False)
    v.submit("main form", {}, status=400)


def check_in_page(v) -> None:
    conference = door.conference(_organiser(v), days_ahead=0)
    v.goto(f"/manage/conferences/{conference.slug}/check-in")


def check_in_not_today(v) -> None:
    """The check-in page ten days before the conference: it says today is not one of its days."""
    conference = door.conference(_organiser(v), days_ahead=10)
    v.goto(f"/manage/conferences/{conference.slug}/check-in")


def check_in_done(v) -> None:
    conference = door.conference(_organiser(v), days_ahead=0)
    person = v.new_user(name="Ingrid Deltakersen")
    registered = register_attendee(
        person,
        conference,
        days=[conference.days[0].day.isoformat()],
        dietary="Vegetar",
        accessibility="Trinnfri adkomst",
        now=utcnow() - timedelta(days=1),
    )
    db.session.commit()
    code = db.session.scalar(
        db.select(Attendee.code).where(Attendee.registration_id == registered.id)
    )
    v.goto(f"/manage/conferences/{conference.slug}/check-in")
    v.submit("#check-in-form", {"code": code})


def speaker_invitation(v) -> None:
    organiser = v.new_user("organiser")
    conference = door.conference(organiser)
    speaker = door.speaker(conference)
    token = speakers.invite(organiser, speaker, v.lang)
    db.session.commit()
    v.goto(f"/conferences/speaker-invitations/{token}")


def speaker_profile(v) -> None:
    organiser = v.new_user("organiser")
    conference = door.conference(organiser)
    speaker = door.speaker(conference)
    speaker.user_id = v.user.id
    talk = door.item(conference, kind="talk", title="Åpenhet i leverandørkjeden")
    talk.speakers.append(speaker)
    db.session.commit()
    v.goto(f"/me/conference-speaker/{speaker.id}")


DOOR_PAGES = [
    ("conference-register", ("participant",), "lms_conference.register", register_page, 200),
    (
        "conference-register-errors",
        ("participant",),
        "lms_conference.register",
        register_with_errors,
        200,
    ),
    ("conference-check-in", ("organiser",), "lms_conference.check_in", check_in_page, 200),
    (
        "conference-check-in-not-today",
        ("organiser",),
        "lms_conference.check_in",
        check_in_not_today,
        200,
    ),
    ("conference-check-in-done", ("organiser",), "lms_conference.check_in", check_in_done, 200),
    (
        "conference-speaker-invitation",
        ("participant",),
        "lms_conference.confirm_speaker",
        speaker_invitation,
        200,
    ),
    (
        "conference-speaker-profile",
        ("participant",),
        "lms_conference.speaker_profile",
        speaker_profile,
        200,
    ),
]
