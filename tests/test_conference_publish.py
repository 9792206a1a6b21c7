"""Publishing the programme (lms/conference/releases.py): refused while a hard clash
exists, release 1 mails nobody, a later release mails each person it concerns once, in
their own language, listing their changed items (rendered as the worker renders it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conference_build_support import at, first_day, make_conference, make_item, make_speaker
from factories import outbox

from lms.conference import items, releases
from lms.conference.registration import ensure_item_seats
from lms.conference.release_models import Release, Star
from lms.conference.services import ConferenceError
from lms.core.service_errors import PermissionDenied
from lms.events.models import Offering
from lms.extensions import db
from lms.mail.rendering import materialize
from lms.registrations.models import Registration


@pytest.fixture
def organiser(factory):
    return factory.user("org@example.no", roles=("organiser",))


def rendered(kind=releases.MAIL_KIND):
    rows = outbox(kind=kind)
    for row in rows:
        materialize(row.id)
    return {row.to_address: row for row in outbox(kind=kind)}


def test_publishing_is_refused_while_a_hard_clash_exists_then_release_1_mails_nobody(
    factory, organiser
):
    conference = make_conference()
    hall, small = conference.rooms
    day = first_day()
    keynote = make_item(conference, "Åpning", room=hall, start=at(day, 9))
    panel = make_item(conference, "Panel", room=hall, start=at(day, 9, 30))
    star = factory.user("star@example.no")
    db.session.add(Star(user_id=star.id, item_id=keynote.id))
    db.session.commit()

    with pytest.raises(releases.NotPublishable) as refused:
        releases.publish(organiser, conference)
    [clash] = refused.value.clashes
    assert (clash.kind, clash.item_ids, clash.target) == ("room", (keynote.id, panel.id), panel.id)
    db.session.rollback()
    assert db.session.scalar(db.select(Release)) is None

    items.place_item(organiser, panel, small.id, at(day, 9, 30), at(day, 10, 15))
    release = releases.publish(organiser, conference)
    db.session.commit()
    assert release.number == 1
    assert [c["kind"] for c in release.changes] == ["new", "new"]
    assert {i["title"]: i["sequence"] for i in release.snapshot["items"]} == {
        "Åpning": 0,
        "Panel": 0,
    }
    assert outbox(kind=releases.MAIL_KIND) == []

    with pytest.raises(ConferenceError) as nothing:
        releases.publish(organiser, conference)
    assert nothing.value.code == "nothing_changed"
    with pytest.raises(PermissionDenied):
        releases.publish(factory.user(), conference)


def test_release_2_mails_each_person_once_in_their_language_listing_their_items(factory, organiser):
    conference = make_conference()
    hall, small = conference.rooms
    day = first_day()
    english = factory.user("english@example.no", language="en", name="Emma English")
    norsk = factory.user("norsk@example.no", language="nb", name="Nora Norsk")
    untouched = factory.user("untouched@example.no")
    speaker_user = factory.user("speaker@example.no", language="en", name="Sam Speaker")
    with_account = make_speaker(conference, "Sam Speaker", user=speaker_user)
    by_mail = make_speaker(conference, "Guest Speaker", email="guest@example.org")
    seats = Offering(kind="conference_item", status="published", title="Rundebord", capacity=10)
    db.session.add(seats)
    db.session.flush()
    moved = make_item(conference, "Klimakrav", room=hall, start=at(day, 9), speakers=[with_account])
    table = make_item(
        conference,
        "Rundebord",
        room=small,
        start=at(day, 11),
        offering_id=seats.id,
        speakers=[by_mail, with_account],
    )
    quiet = make_item(conference, "Uendret", room=hall, start=at(day, 13))
    for user, item in ((english, moved), (english, table), (norsk, moved), (untouched, quiet)):
        db.session.add(Star(user_id=user.id, item_id=item.id))
    # A seat on the round table, and a cancelled registration that is told nothing.
    db.session.add(Registration(user_id=norsk.id, offering_id=seats.id, status="confirmed"))
    gone = factory.user("gone@example.no")
    db.session.add(Registration(user_id=gone.id, offering_id=seats.id, status="cancelled"))
    db.session.commit()
    releases.publish(organiser, conference)
    db.session.commit()

    items.place_item(organiser, moved, hall.id, at(day, 10), at(day, 10, 45))
    table.title = "Rundebord om klima"
    db.session.commit()
    release = releases.publish(organiser, conference, now=at(day, 0) - timedelta(days=30))
    db.session.commit()
    assert release.number == 2
    assert sorted((c["title"], c["kind"]) for c in release.changes) == [
        ("Klimakrav", "moved"),
        ("Rundebord om klima", "changed"),
    ]
    sequences = {i["title"]: i["sequence"] for i in release.snapshot["items"]}
    assert sequences == {"Klimakrav": 1, "Rundebord om klima": 1, "Uendret": 0}

    mails = rendered()
    assert sorted(mails) == [
        "english@example.no",
        "guest@example.org",
        "norsk@example.no",
        "speaker@example.no",
    ]
    assert len(outbox(kind=releases.MAIL_KIND)) == 4  # one each, though several items

    emma = mails["english@example.no"]
    assert emma.language == "en"
    assert emma.subject == "Programme changes: Anskaffelseskonferansen"
    assert "Hello Emma English," in emma.body_text
    assert "Moved: Klimakrav" in emma.body_text and "10:00–10:45, Sal A" in emma.body_text
    assert "Changed: Rundebord om klima" in emma.body_text
    changes_page = "http://lms.test/conferences/anskaffelser/changes#release-2"
    moved_page = f"http://lms.test/conferences/anskaffelser/items/{moved.id}"
    table_page = f"http://lms.test/conferences/anskaffelser/items/{table.id}"
    assert changes_page in emma.body_text and f'href="{changes_page}"' in emma.body_html
    assert moved_page in emma.body_text and table_page in emma.body_text
    assert f'<li><a href="{moved_page}">Moved: Klimakrav' in emma.body_html

    nora = mails["norsk@example.no"]  # starred one, holds a seat at the other
    assert nora.language == "nb"
    assert "Hei, Nora Norsk!" in nora.body_text
    assert "Flyttet: Klimakrav" in nora.body_text and "Endret: Rundebord om klima" in nora.body_text
    assert "Moved" not in nora.body_text

    guest = mails["guest@example.org"]  # a speaker without an account: the default language
    assert guest.language == "nb" and "Rundebord om klima" in guest.body_text
    assert "Klimakrav" not in guest.body_text
    assert table_page in guest.body_text and moved_page not in guest.body_text
    sam = mails["speaker@example.no"]
    assert "Klimakrav" in sam.body_text and "Rundebord om klima" in sam.body_text


def test_an_item_taken_out_of_the_grid_is_cancelled_in_the_next_release(factory, organiser):
    conference = make_conference()
    day = first_day()
    item = make_item(conference, "Klimakrav", room=conference.rooms[0], start=at(day, 9))
    fan = factory.user("fan@example.no", language="en")
    db.session.add(Star(user_id=fan.id, item_id=item.id))
    db.session.commit()
    releases.publish(organiser, conference)
    items.unplace_item(organiser, item)
    release = releases.publish(organiser, conference)
    db.session.commit()
    assert release.changes == [{"guid": item.guid, "kind": "cancelled", "title": "Klimakrav"}]
    [mail] = rendered().values()
    assert mail.to_address == "fan@example.no" and "Cancelled: Klimakrav" in mail.body_text


def test_the_room_size_warning_counts_each_person_who_starred_or_holds_a_seat_once(factory):
    conference = make_conference(rooms=(("Lite rom", 2),))
    seats = Offering(kind="conference_item", status="published", title="Verksted", capacity=5)
    db.session.add(seats)
    db.session.flush()
    item = make_item(conference, "Verksted", room=conference.rooms[0], start=at(first_day(), 9),
                     offering_id=seats.id)  # fmt: skip
    both, starred = factory.user(), factory.user()
    waiting = factory.user()
    db.session.add_all([Star(user_id=both.id, item_id=item.id),
                        Star(user_id=starred.id, item_id=item.id),
                        Registration(user_id=both.id, offering_id=seats.id, status="confirmed"),
                        Registration(user_id=waiting.id, offering_id=seats.id,
                                     status="waitlisted")])  # fmt: skip
    db.session.commit()
    assert releases.programme_clashes(conference) == []  # two people, two seats
    seated = factory.user()
    db.session.add(Registration(user_id=seated.id, offering_id=seats.id, status="confirmed"))
    db.session.commit()
    [warning] = releases.programme_clashes(conference)
    assert (warning.kind, warning.hard, warning.numbers) == ("capacity", False, (3, 2))


def test_a_round_tables_seats_follow_the_item_when_a_release_publishes_it(factory, organiser):
    conference = make_conference()
    hall, small = conference.rooms
    day = first_day()
    table = make_item(conference, "Rundebord", room=hall, start=at(day, 9), kind="round_table")
    seats = ensure_item_seats(organiser, table, 10)
    releases.publish(organiser, conference)
    db.session.commit()
    [session] = seats.sessions
    first_sequence = session.sequence

    items.place_item(organiser, table, small.id, at(day, 14), at(day, 15))
    table.title = "Rundebord om åpenhet"
    db.session.commit()
    # The draft alone moves nothing that people see.
    assert (session.starts_at, session.room, seats.title) == (at(day, 9), hall.name, "Rundebord")
    releases.publish(organiser, conference)
    db.session.commit()
    assert (session.starts_at, session.ends_at, session.room) == (
        at(day, 14),
        at(day, 15),
        small.name,
    )
    assert session.sequence == first_sequence + 1 and seats.title == "Rundebord om åpenhet"

    items.unplace_item(organiser, table)
    releases.publish(organiser, conference)
    db.session.commit()
    assert (session.status, seats.status) == ("cancelled", "cancelled")
    items.place_item(organiser, table, hall.id, at(day, 9), at(day, 10))
    releases.publish(organiser, conference)
    db.session.commit()
    assert seats.status == "published"
    assert [(s.starts_at, s.status) for s in seats.sessions if s.status != "cancelled"] == [
        (at(day, 9), "scheduled")
    ]


def test_a_speakers_profile_alone_makes_a_release_and_nothing_at_all_does_not(organiser):
    conference = make_conference()
    speaker = make_speaker(conference, "Kari Taler")
    make_item(conference, "Foredrag", room=conference.rooms[0], start=at(first_day(), 9),
              speakers=[speaker])  # fmt: skip
    releases.publish(organiser, conference)
    speaker.bio = "Rådgiver i innkjøp."
    db.session.commit()
    second = releases.publish(organiser, conference)
    db.session.commit()
    assert second.number == 2 and second.changes == []
    assert [s["bio"] for s in second.snapshot["speakers"]] == ["Rådgiver i innkjøp."]
    assert outbox(kind=releases.MAIL_KIND) == []
    with pytest.raises(ConferenceError) as refused:
        releases.publish(organiser, conference)
    assert refused.value.code == "nothing_changed"
