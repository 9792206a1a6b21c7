"""The .ics that travels with mail: on confirmation (also when promoted from the
waiting list) and on a changed time or place, delivered over real SMTP and read back
with ical.js."""

from __future__ import annotations

from calendar_support import check_wire_format, parse_one
from factories import make, oslo, year_like

from lms.calendar import entries
from lms.calendar.files import links
from lms.events import manage
from lms.extensions import db
from lms.registrations import services as registrations

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2027 = year_like(2027)


def calendar_parts(mail):
    return [part for part in mail.walk() if part.get_content_type() == "text/calendar"]


def only_attachment(mail) -> bytes:
    (part,) = calendar_parts(mail)
    assert part.get_filename() == "invitation.ics"
    assert part.get_content_disposition() == "attachment"
    return part.get_payload(decode=True)


def mails_to(smtp_server, address):
    return [m for m in smtp_server.messages if m["To"] == address]


def test_confirmation_mail_carries_the_offerings_ics(app, factory, smtp_server):
    me = factory.user("me@example.no")
    offering = make.offering(starts=[oslo(Y2027, 1, 14, 9), oslo(Y2027, 7, 15, 9)])
    registrations.register(me, offering.id)
    db.session.commit()

    (mail,) = mails_to(smtp_server, me.email)
    data = only_attachment(mail)
    check_wire_format(data)
    with app.test_request_context("/"):
        assert data == entries.offering_calendar(offering, links()), "the download's bytes"
    parsed = parse_one(data)
    assert parsed["method"] is None
    assert [e["organizer"] for e in parsed["events"]] == [None, None]
    assert [e["start"]["utc"] for e in parsed["events"]] == [
        f"{Y2027}-01-14T08:00:00.000Z",
        f"{Y2027}-07-15T07:00:00.000Z",
    ]


def test_waitlisted_mail_has_no_ics_and_promotion_mail_has_one(app, factory, smtp_server):
    first = factory.user("first@example.no")
    second = factory.user("second@example.no")
    offering = make.offering(starts=[oslo(Y2027, 2, 1, 9)], capacity=1)
    held = registrations.register(first, offering.id)
    registrations.register(second, offering.id)
    db.session.commit()
    (waitlisted,) = mails_to(smtp_server, second.email)
    assert calendar_parts(waitlisted) == []

    registrations.cancel(first, held.id)
    db.session.commit()
    promoted = mails_to(smtp_server, second.email)[-1]
    events_in_mail = parse_one(only_attachment(promoted))["events"]
    assert [e["status"] for e in events_in_mail] == ["CONFIRMED"]
    confirmed_uid = parse_one(only_attachment(mails_to(smtp_server, first.email)[0]))
    cancelled = mails_to(smtp_server, first.email)[-1]
    (event,) = parse_one(only_attachment(cancelled))["events"]
    assert (event["uid"], event["status"], event["sequence"]) == (
        confirmed_uid["events"][0]["uid"],
        "CANCELLED",
        1,
    ), "the event their calendar has from the confirmation, now cancelled"


def test_cancelling_the_offering_tells_why_and_cancels_the_calendar_events(
    app, factory, smtp_server
):
    organiser = factory.user("organiser@example.no", roles=("organiser",))
    seated = factory.user("seated@example.no", language="en")
    waiting = factory.user("waiting@example.no", language="en")
    offering = make.offering(starts=[oslo(Y2027, 4, 6, 9), oslo(Y2027, 4, 13, 9)], capacity=1)
    registrations.register(seated, offering.id)
    registrations.register(waiting, offering.id)
    db.session.commit()
    uids = [
        e["uid"]
        for e in parse_one(only_attachment(mails_to(smtp_server, seated.email)[0]))["events"]
    ]

    manage.cancel_offering(organiser, offering, note="The speaker is ill; a new date follows.")
    db.session.commit()

    mail = mails_to(smtp_server, seated.email)[-1]
    text = mail.get_body(("plain",)).get_content()
    assert "is cancelled, and your registration with it" in text
    assert "The speaker is ill; a new date follows." in text
    assert f"6 April {Y2027}" in text and f"13 April {Y2027}" in text, "the dates that are off"
    events = parse_one(only_attachment(mail))["events"]
    assert [(e["uid"], e["status"]) for e in events] == [(uid, "CANCELLED") for uid in uids]
    told = mails_to(smtp_server, waiting.email)[-1]
    assert "The speaker is ill" in told.get_body(("plain",)).get_content()
    assert calendar_parts(told) == [], "nothing of theirs is in a calendar"


def test_changed_time_mail_carries_the_updated_ics(app, factory, smtp_server):
    organiser = factory.user("organiser@example.no", roles=("organiser",))
    me = factory.user("me@example.no")
    offering = make.offering(starts=[oslo(Y2027, 3, 2, 9)])
    registrations.register(me, offering.id)
    db.session.commit()
    first_uid = parse_one(only_attachment(mails_to(smtp_server, me.email)[0]))["events"][0]["uid"]

    session = offering.sessions[0]
    moved = manage.SessionData(
        id=session.id,
        starts_at=oslo(Y2027, 3, 9, 10),
        ends_at=oslo(Y2027, 3, 9, 12),
        venue=session.venue,
        room=session.room,
    )
    manage.update_offering(organiser, offering, {}, [moved])
    db.session.commit()

    changed = mails_to(smtp_server, me.email)[-1]
    (event,) = parse_one(only_attachment(changed))["events"]
    assert event["uid"] == first_uid
    assert event["sequence"] == 1
    assert event["start"]["utc"] == f"{Y2027}-03-09T09:00:00.000Z"
