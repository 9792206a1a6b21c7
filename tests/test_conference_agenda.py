"""Stars and the personal agenda: starring and unstarring (POST with CSRF, then back),
the agenda by day, the overlap warning (on the agenda and on the item page), and the
agenda in the person's calendar feed (UID, SEQUENCE, STATUS:CANCELLED, ETag/304)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from conference_public_support import item_named, items_of, make_conference, publish
from conftest import csrf_token
from icalendar import Calendar

from lms.calendar.feeds import feed_token
from lms.conference.release_models import Star
from lms.extensions import db

BASE = "/conferences/anskaffelseskonferansen"


@pytest.fixture
def conference(app):
    made = make_conference()
    publish(made)
    return made


@pytest.fixture
def person(factory, login):
    user = factory.user("deltaker@example.no", language="en")
    login(user)
    return user


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def star(client, item, next_path: str = "", action: str = "star"):
    token = csrf_token(client, f"{BASE}/items/{item.id}")
    data = {"csrf_token": token} | ({"next": next_path} if next_path else {})
    return client.post(f"{BASE}/items/{item.id}/{action}", data=data)


def stars_of(user) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(db.select(Star.item_id).where(Star.user_id == user.id)))


def test_star_and_unstar(client, conference, person):
    item = item_named(conference, "Åpning")
    response = star(client, item)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/items/{item.id}")
    assert stars_of(person) == {item.id}
    assert star(client, item).status_code == 302  # twice: still one star
    assert stars_of(person) == {item.id}
    page = text(client.get(f"{BASE}/items/{item.id}"))
    assert "This item is in your agenda." in page and "Remove from my agenda" in page
    response = star(client, item, next_path=f"{BASE}?day=x", action="unstar")
    assert response.headers["Location"].endswith(f"{BASE}?day=x")  # back where pressed
    assert stars_of(person) == set()


def test_back_only_to_this_site(client, conference, person):
    item = item_named(conference, "Åpning")
    response = star(client, item, next_path="https://evil.example/")
    assert response.headers["Location"].endswith(f"{BASE}/items/{item.id}")


def test_a_star_needs_login_and_a_published_item(client, conference, factory, login):
    item = item_named(conference, "Åpning")
    token = csrf_token(client, "/login")
    response = client.post(f"{BASE}/items/{item.id}/star", data={"csrf_token": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    user = factory.user("deltaker@example.no")
    login(user)
    unplaced = item_named(conference, "Ikke plassert")
    token = csrf_token(client, BASE)
    response = client.post(f"{BASE}/items/{unplaced.id}/star", data={"csrf_token": token})
    assert response.status_code == 404
    assert stars_of(user) == set()


def test_a_cancelled_item_cannot_be_starred(client, conference, person):
    item = item_named(conference, "Klimakrav")
    item.status = "cancelled"
    publish(conference)
    token = csrf_token(client, BASE)
    response = client.post(f"{BASE}/items/{item.id}/star", data={"csrf_token": token})
    assert response.status_code == 302
    assert stars_of(person) == set()
    assert "A cancelled item cannot be added" in text(client.get(response.headers["Location"]))


def test_overlap_warning_when_starring_on_the_item_page_and_the_agenda(client, conference, person):
    talk, table = item_named(conference, "Klimakrav"), item_named(conference, "Rundbord")
    star(client, talk)
    response = star(client, table)
    page = text(client.get(response.headers["Location"]))
    assert "“Rundbord” overlaps with “Klimakrav” in your agenda." in page
    assert "This item overlaps with other items in your agenda:" in page
    page = text(client.get(f"{BASE}/agenda"))
    assert "1 overlap in your agenda" in page
    assert "“Klimakrav” and “Rundbord” run at the same time" in page


def test_starring_on_the_list_comes_back_to_the_card_which_names_the_overlap(
    client, conference, person
):
    talk, table = item_named(conference, "Klimakrav"), item_named(conference, "Rundbord")
    page = text(client.get(BASE))
    assert f'name="next" value="{BASE}#item-{table.id}"' in page
    star(client, talk, next_path=BASE)
    response = star(client, table, next_path=f"{BASE}#item-{table.id}")
    assert response.headers["Location"].endswith(f"{BASE}#item-{table.id}")
    for path in (BASE, f"{BASE}/agenda"):
        page = text(client.get(path))
        card = page[page.index(f'id="item-{table.id}"') :]
        card = card[: card.index("</article>")]
        assert "Overlaps with “Klimakrav” in your agenda." in card
    opening = text(client.get(BASE))
    opening = opening[opening.index(f'id="item-{item_named(conference, "Åpning").id}"') :]
    assert "Overlaps with" not in opening[: opening.index("</article>")]


def test_a_break_has_no_star(client, conference, person):
    pause = item_named(conference, "Åpning")
    pause.kind = "break"
    publish(conference)
    page = text(client.get(BASE))
    card = page[page.index(f'id="item-{pause.id}"') :]
    assert "Add to my agenda" not in card[: card.index("</article>")]
    response = star(client, pause)
    assert response.status_code == 302
    assert stars_of(person) == set()
    assert "it is not added to agendas" in text(client.get(response.headers["Location"]))


def test_no_warning_for_items_that_only_touch_or_are_on_other_days(client, conference, person):
    star(client, item_named(conference, "Åpning"))
    star(client, item_named(conference, "Klimakrav"))  # starts 15 minutes after
    star(client, item_named(conference, "Menneskerettigheter"))
    page = text(client.get(f"{BASE}/agenda"))
    assert "overlap" not in page
    first, second = (day.day for day in conference.days)
    assert page.index(first.isoformat()) < page.index(second.isoformat())
    assert page.index(">Åpning</a>") < page.index(">Klimakrav</a>")
    assert page.index(">Klimakrav</a>") < page.index(">Menneskerettigheter</a>")
    assert ">Rundbord</a>" not in page


def test_the_agenda_is_only_your_own(client, conference, factory, login):
    other = factory.user("annen@example.no")
    db.session.add(Star(user_id=other.id, item_id=item_named(conference, "Åpning").id))
    db.session.commit()
    login(factory.user("meg@example.no", language="en"))
    page = text(client.get(f"{BASE}/agenda"))
    assert "Your agenda is empty" in page and ">Åpning</a>" not in page


def _feed(client, user, **headers):
    return client.get(f"/calendar/{feed_token(user)}.ics", headers=headers)


def _events(response) -> dict[str, dict]:
    calendar = Calendar.from_ical(response.get_data())
    return {
        str(event["UID"]): {
            "summary": str(event["SUMMARY"]),
            "sequence": int(event.get("SEQUENCE", 0)),
            "status": str(event.get("STATUS")),
            "start": event.decoded("DTSTART"),
            "tzid": event["DTSTART"].params.get("TZID"),
        }
        for event in calendar.walk("VEVENT")
    }


def test_the_agenda_is_in_the_personal_feed(app, client, conference, person):
    item = item_named(conference, "Åpning")
    empty = _feed(client, person)
    star(client, item)
    first = _feed(client, person)
    assert first.headers["ETag"] != empty.headers["ETag"]  # the agenda changed the bytes
    [uid] = [uid for uid in _events(first) if uid.startswith("conference-item-")]
    assert uid == f"conference-item-{item.guid}@{app.config['LMS_BASE_URL'].split('//')[1]}"
    event = _events(first)[uid]
    assert event["summary"] == "Åpning" and event["sequence"] == 0
    assert event["status"] == "CONFIRMED" and event["tzid"] == "Europe/Oslo"
    assert event["start"].astimezone(UTC) == item.starts_at
    again = _feed(client, person)
    assert again.get_data() == first.get_data()
    cached = _feed(client, person, **{"If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304

    # Release 2 moves the item: a new time, SEQUENCE 1, new bytes.
    item.starts_at += timedelta(hours=1)
    item.ends_at += timedelta(hours=1)
    publish(conference, now=datetime.now(UTC) + timedelta(minutes=5))
    moved = _feed(client, person, **{"If-None-Match": first.headers["ETag"]})
    assert moved.status_code == 200
    event = _events(moved)[uid]
    assert event["sequence"] == 1 and event["start"].astimezone(UTC) == item.starts_at

    # A release that changes another item leaves this feed's bytes alone.
    item_named(conference, "Rundbord").title = "Rundbord om korrupsjon"
    publish(conference, now=datetime.now(UTC) + timedelta(minutes=10))
    assert _feed(client, person).get_data() == moved.get_data()

    # Cancelled in release 4: kept, STATUS:CANCELLED, SEQUENCE up.
    item.status = "cancelled"
    publish(conference, now=datetime.now(UTC) + timedelta(minutes=15))
    event = _events(_feed(client, person))[uid]
    assert event["status"] == "CANCELLED" and event["sequence"] == 2


def test_a_draft_change_does_not_reach_the_feed(client, conference, person):
    item = item_named(conference, "Åpning")
    star(client, item)
    before = _feed(client, person).get_data()
    item.title = "Utkast"
    db.session.commit()
    assert _feed(client, person).get_data() == before


def test_pages_and_feed_use_a_fixed_number_of_queries(client, conference, person, count_queries):
    """However many items there are and are starred: the same number of statements."""

    def counts() -> list[int]:
        found = []
        for path in (
            BASE,
            f"{BASE}?view=grid",
            f"{BASE}/agenda",
            f"/calendar/{feed_token(person)}.ics",
        ):
            with count_queries() as statements:
                assert client.get(path).status_code == 200
            found.append(len(statements))
        return found

    star(client, item_named(conference, "Åpning"))
    before = counts()
    for item in items_of(conference):
        item.title += " (2)"
    for n in range(10):
        extra = item_named(conference, "Klimakrav (2)")
        copy = type(extra)(
            conference_id=conference.id,
            title=f"Ekstra {n}",
            kind="talk",
            room=extra.room,
            starts_at=extra.starts_at,
            ends_at=extra.ends_at,
        )
        db.session.add(copy)
        db.session.flush()
        db.session.add(Star(user_id=person.id, item_id=copy.id))
    publish(conference)
    assert counts() == before
