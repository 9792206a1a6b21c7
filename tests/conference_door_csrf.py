"""CSRF attacks on the door's forms (conference registration, check-in, speaker
invitation, confirmation and profile), for tests/test_security_csrf.py's table: each
forged POST (no token) must be refused and change nothing."""

from __future__ import annotations

import conference_door_support as door
from registrations_csrf import Attack
from sqlalchemy import func, select

from lms.conference import speakers
from lms.conference.models import Speaker
from lms.conference.release_models import Attendee
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.registrations.models import Registration, SessionAttendance


def _counts() -> tuple:
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Registration, Attendee, SessionAttendance, OutboxMessage)
    )


def _speaker_state(speaker_id: int) -> tuple:
    db.session.expire_all()
    s = db.session.get(Speaker, speaker_id)
    return (s.user_id, s.invite_token_hash, s.name, s.photo, s.confirmed_at)


def _organiser(factory, login):
    user = factory.user("victim@example.no", roles=("organiser",))
    login(user)
    return user


def csrf_register(factory, login, client):
    organiser = factory.user("org@example.no", roles=("organiser",))
    conference = door.conference(organiser)
    login(factory.user("victim@example.no"))
    before = _counts()
    data = {"days": [conference.days[0].day.isoformat()]}
    return Attack(
        f"/conferences/{conference.slug}/register", data, lambda: _check(_counts(), before)
    )


def csrf_check_in(factory, login, client):
    from datetime import timedelta

    from lms.conference.registration import register_attendee
    from lms.timeutil import utcnow

    organiser = _organiser(factory, login)
    conference = door.conference(organiser, days_ahead=0)
    registered = register_attendee(
        factory.user(),
        conference,
        days=[conference.days[0].day.isoformat()],
        now=utcnow() - timedelta(days=1),
    )
    db.session.commit()
    code = db.session.scalar(select(Attendee.code).where(Attendee.registration_id == registered.id))
    before = _counts()

    def unchanged():
        _check(_counts(), before)
        assert db.session.scalar(select(Attendee.checked_in_at)) is None

    return Attack(f"/manage/conferences/{conference.slug}/check-in", {"code": code}, unchanged)


def csrf_invite_speaker(factory, login, client):
    organiser = _organiser(factory, login)
    conference = door.conference(organiser)
    speaker = door.speaker(conference)
    before = _speaker_state(speaker.id), _counts()
    return Attack(
        f"/manage/conferences/{conference.slug}/speakers/{speaker.id}/invite",
        {},
        lambda: _check((_speaker_state(speaker.id), _counts()), before),
    )


def csrf_confirm_speaker(factory, login, client):
    organiser = factory.user("org@example.no", roles=("organiser",))
    conference = door.conference(organiser)
    speaker = door.speaker(conference)
    token = speakers.invite(organiser, speaker, "nb")
    db.session.commit()
    login(factory.user("victim@example.no"))
    before = _speaker_state(speaker.id)
    return Attack(
        f"/conferences/speaker-invitations/{token}",
        {},
        lambda: _check(_speaker_state(speaker.id), before),
    )


def csrf_speaker_profile(factory, login, client):
    organiser = factory.user("org@example.no", roles=("organiser",))
    conference = door.conference(organiser)
    speaker = door.speaker(conference)
    victim = factory.user("victim@example.no")
    speaker.user_id = victim.id
    db.session.commit()
    login(victim)
    before = _speaker_state(speaker.id)
    return Attack(
        f"/me/conference-speaker/{speaker.id}",
        {"name": "Forged"},
        lambda: _check(_speaker_state(speaker.id), before),
    )


def _check(now, before) -> None:
    assert now == before


CONFERENCE_DOOR_CSRF_ATTACKS = {
    "lms_conference.register": csrf_register,
    "lms_conference.check_in": csrf_check_in,
    "lms_conference.invite_speaker": csrf_invite_speaker,
    "lms_conference.confirm_speaker": csrf_confirm_speaker,
    "lms_conference.speaker_profile": csrf_speaker_profile,
}
