"""A session taken off a published offering stays in the offering's .ics and in the
personal feed as STATUS:CANCELLED with a raised SEQUENCE (read with ical.js), so
subscribed calendars remove it; pages, seats and mail go by the remaining sessions."""

from __future__ import annotations

import re

import pytest
from calendar_support import check_wire_format, parse_one
from conftest import post_form
from factories import make, oslo, year_like
from registrations_support import mails

from lms.calendar import feeds
from lms.events import manage
from lms.events.models import Offering
from lms.extensions import db
from lms.registrations import services as registrations

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2027 = year_like(2027)


@pytest.fixture
def organiser(factory):
    return factory.user("arrangor@example.no", roles=("organiser",))


def by_uid(data: bytes) -> dict[str, dict]:
    check_wire_format(data)
    return {e["uid"]: e for e in parse_one(data)["events"]}


def remove_second(organiser, offering: Offering) -> None:
    first, second = offering.sessions
    rows = [
        manage.SessionData(
            id=first.id,
            starts_at=first.starts_at,
            ends_at=first.ends_at,
            venue=first.venue,
            room=first.room,
        ),
        manage.SessionData(id=second.id, remove=True),
    ]
    manage.update_offering(organiser, offering, {}, rows)
    db.session.commit()


def test_removed_session_is_cancelled_in_the_offering_file_and_the_personal_feed(
    client, factory, organiser
):
    me = factory.user("deltaker@example.no")
    offering = make.offering(starts=[oslo(Y2027, 9, 7, 9), oslo(Y2027, 9, 14, 9)])
    registrations.register(me, offering.id)
    db.session.commit()
    ics, feed = f"/events/{offering.id}/calendar.ics", f"/calendar/{feeds.feed_token(me)}.ics"
    before = client.get(ics)
    before_file, before_feed = by_uid(before.data), by_uid(client.get(feed).data)
    kept_uid, removed_uid = sorted(before_file, key=lambda u: before_file[u]["start"]["utc"])

    remove_second(organiser, offering)

    after = client.get(ics, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200, "the file changed, so the old ETag no longer matches"
    for old, new in (
        (before_file, by_uid(after.data)),
        (before_feed, by_uid(client.get(feed).data)),
    ):
        assert set(new) == set(old), "the removed session is still in the file"
        assert (new[removed_uid]["status"], old[removed_uid]["status"]) == (
            "CANCELLED",
            "CONFIRMED",
        )
        assert new[removed_uid]["sequence"] == old[removed_uid]["sequence"] + 1
        assert new[removed_uid]["lastModified"] >= old[removed_uid]["lastModified"]
        assert new[removed_uid]["start"]["utc"] == old[removed_uid]["start"]["utc"]
        assert (new[kept_uid]["status"], new[kept_uid]["sequence"]) == ("CONFIRMED", 0)


def test_participants_are_told_and_the_mail_lists_what_remains(app, factory, organiser):
    me = factory.user("deltaker@example.no")
    offering = make.offering(starts=[oslo(Y2027, 9, 7, 9), oslo(Y2027, 9, 14, 9)])
    registrations.register(me, offering.id)
    db.session.commit()
    remove_second(organiser, offering)
    (changed,) = mails(me.email, "offering_changed")
    assert f"7. september {Y2027}" in changed.body_text
    assert f"14. september {Y2027}" not in changed.body_text, "the removed date is not listed"
    (attachment,) = changed.attachments
    statuses = sorted(e["status"] for e in parse_one(attachment.content)["events"])
    assert statuses == ["CANCELLED", "CONFIRMED"], "the attached file cancels it too"
    db.session.expire_all()
    offering = db.session.get(Offering, offering.id)
    assert [s.status for s in offering.sessions] == ["scheduled", "cancelled"]
    assert offering.ends_at == oslo(Y2027, 9, 7, 12), "seats and pages go by what remains"


def test_removing_the_first_session_moves_the_start(app, organiser):
    offering = make.offering(starts=[oslo(Y2027, 9, 7, 9), oslo(Y2027, 9, 14, 9)])
    first, second = offering.sessions
    rows = [
        manage.SessionData(id=first.id, remove=True),
        manage.SessionData(
            id=second.id,
            starts_at=second.starts_at,
            ends_at=second.ends_at,
            venue=second.venue,
            room=second.room,
        ),
    ]
    manage.update_offering(organiser, offering, {}, rows)
    db.session.commit()
    assert offering.starts_at == oslo(Y2027, 9, 14, 9)
    assert [s.id for s in offering.active_sessions] == [second.id]


def test_edit_page_no_longer_offers_the_removed_session(client, login, organiser):
    offering = make.offering(starts=[oslo(Y2027, 9, 7, 9), oslo(Y2027, 9, 14, 9)])
    removed_id = offering.sessions[1].id
    remove_second(organiser, offering)
    login(organiser)
    page = f"/manage/offerings/{offering.id}"
    html = client.get(page).get_data(as_text=True)
    row_ids = re.findall(r'<input[^>]*name="sessions-\d+-id"[^>]*value="(\d+)"', html)
    assert row_ids == [str(offering.sessions[0].id)], "the removed one is no editable row"
    assert "lms-removed-sessions" in html

    # A forged row for the cancelled session is refused, not applied.
    with pytest.raises(manage.EventError):
        manage.update_offering(
            organiser,
            offering,
            {},
            [
                manage.SessionData(
                    id=removed_id, starts_at=oslo(Y2027, 9, 21, 9), ends_at=oslo(Y2027, 9, 21, 12)
                )
            ],
        )
    db.session.rollback()
    response = post_form(client, page, {"title": ""}, form_page=page)
    assert response.status_code == 400
