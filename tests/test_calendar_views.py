"""Calendar downloads and feeds over HTTP: headers, ETag/304, who sees what, and the
personal feed's secret token."""

from __future__ import annotations

import re

import pytest
from calendar_support import check_wire_format, parse_one
from factories import make, oslo, year_like
from flask import render_template_string

from lms.calendar import feeds
from lms.calendar.views import webcal_url
from lms.extensions import db
from lms.registrations.models import Registration

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2027 = year_like(2027)


def register(user, offering, status="confirmed"):
    db.session.add(Registration(offering_id=offering.id, user_id=user.id, status=status))
    db.session.commit()


def test_offering_download_headers_and_content(client):
    offering = make.offering(starts=[oslo(Y2027, 1, 14, 9), oslo(Y2027, 7, 15, 9)])
    response = client.get(f"/events/{offering.id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="event-{offering.id}.ics"'
    )
    assert response.headers["Cache-Control"] == "public, max-age=300"
    check_wire_format(response.data)
    parsed = parse_one(response.data)
    assert [e["start"]["utc"] for e in parsed["events"]] == [
        f"{Y2027}-01-14T08:00:00.000Z",
        f"{Y2027}-07-15T07:00:00.000Z",
    ]
    assert all(e["uid"].endswith("@lms.test") for e in parsed["events"])


def test_etag_is_strong_and_gives_304_until_the_data_changes(client):
    offering = make.offering(starts=[oslo(Y2027, 1, 14, 9)])
    path = f"/events/{offering.id}/calendar.ics"
    first = client.get(path)
    second = client.get(path)
    assert first.data == second.data, "the same data gives the same bytes"
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag), "a strong ETag (no W/)"
    assert second.headers["ETag"] == etag

    not_modified = client.get(path, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.data == b""

    offering.sessions[0].room = "Sal 9"
    offering.sessions[0].sequence += 1
    db.session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert parse_one(changed.data)["events"][0]["sequence"] == 1


@pytest.mark.parametrize("status", ["published", "cancelled", "archived"])
def test_listed_offerings_are_public(client, status):
    offering = make.offering(starts=[oslo(Y2027, 1, 14, 9)], status=status)
    assert client.get(f"/events/{offering.id}/calendar.ics").status_code == 200


def test_drafts_only_for_those_who_may_edit(client, factory, login):
    instructor = factory.user("instructor@example.no", roles=("instructor",))
    offering = make.offering(starts=[oslo(Y2027, 1, 14, 9)], status="draft")
    path = f"/events/{offering.id}/calendar.ics"
    assert client.get(path).status_code == 404
    login(instructor)
    assert client.get(path).status_code == 404, "not their offering"
    offering.instructors.append(instructor)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_drafts_hidden_from_participants(client, factory, login):
    offering = make.offering(starts=[oslo(Y2027, 1, 14, 9)], status="draft")
    login(factory.user("participant@example.no"))
    assert client.get(f"/events/{offering.id}/calendar.ics").status_code == 404


def test_unknown_offering_is_404(client):
    assert client.get("/events/999999/calendar.ics").status_code == 404


def feed_path(user) -> str:
    return f"/calendar/{feeds.feed_token(user)}.ics"


def test_personal_feed_holds_only_the_owners_sessions(client, factory):
    me = factory.user("me@example.no")
    other = factory.user("other@example.no")
    mine = make.offering(starts=[oslo(Y2027, 1, 14, 9)], title="Mitt kurs")
    dropped = make.offering(starts=[oslo(Y2027, 2, 14, 9)], title="Avmeldt seminar")
    theirs = make.offering(starts=[oslo(Y2027, 3, 14, 9)], title="Noen andres")
    draft = make.offering(starts=[oslo(Y2027, 4, 14, 9)], title="Utkast", status="draft")
    offered = make.offering(starts=[oslo(Y2027, 5, 14, 9)], title="Tilbudt plass")
    listed = make.offering(starts=[oslo(Y2027, 6, 14, 9)], title="Venteliste")
    register(me, mine)
    register(me, dropped, "cancelled")
    register(me, draft)
    register(me, offered, "offered")
    register(me, listed, "waitlisted")
    register(other, theirs)

    response = client.get(feed_path(me))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert response.headers["Content-Disposition"] == 'inline; filename="calendar.ics"'
    assert "noindex" in response.headers["X-Robots-Tag"]
    check_wire_format(response.data)
    parsed = parse_one(response.data)
    assert [(e["summary"], e["status"]) for e in parsed["events"]] == [
        ("Mitt kurs", "CONFIRMED"),
        ("Avmeldt seminar", "CANCELLED"),
        ("Tilbudt plass", "TENTATIVE"),  # a seat held for them, not yet taken
    ]
    assert all(e["start"]["zone"] == "Europe/Oslo" for e in parsed["events"])

    theirs_feed = parse_one(client.get(feed_path(other)).data)
    assert [e["summary"] for e in theirs_feed["events"]] == ["Noen andres"]


def test_personal_feed_etag_and_304(client, factory):
    me = factory.user("me@example.no")
    register(me, make.offering(starts=[oslo(Y2027, 1, 14, 9)]))
    first = client.get(feed_path(me))
    assert client.get(feed_path(me)).data == first.data
    again = client.get(feed_path(me), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_personal_feed_name_is_in_the_owners_language(client, factory):
    english = factory.user("en@example.no", language="en")
    parsed = parse_one(client.get(feed_path(english), headers={"Accept-Language": "nb"}).data)
    assert parsed["name"].endswith(": my sessions")


def test_wrong_tokens_are_404_and_reveal_nothing(client, factory):
    me = factory.user("me@example.no")
    other = factory.user("other@example.no")
    good = feeds.feed_token(me)
    user_id, signature = good.split("-", 1)
    wrong = [
        f"{other.id}-{signature}",  # someone else's id with my signature
        f"{user_id}-{signature[:-1]}0" if signature[-1] != "0" else f"{user_id}-{signature[:-1]}1",
        f"{user_id}-",
        f"{user_id}",
        "abc-def",
        f"-{signature}",
        "99999999999999999999999999-" + signature,
        f"0-{signature}",
        f"{user_id}-{signature}{signature}",
        f"{user_id}-ÆØÅ",
    ]
    for token in wrong:
        response = client.get(f"/calendar/{token}.ics")
        assert response.status_code == 404, token
        assert response.mimetype == "text/html", "the plain error page, no calendar"
        body = response.get_data(as_text=True)
        for secret in (me.email, me.name, other.email, other.name, "BEGIN:VCALENDAR"):
            assert secret not in body
    assert client.get(f"/calendar/{good}.ics").status_code == 200


def test_inactive_users_feed_is_404(client, factory):
    me = factory.user("me@example.no")
    path = feed_path(me)
    me.active = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_feed_page_shows_https_and_webcal_addresses(client, factory, login):
    me = factory.user("me@example.no")
    login(me)
    response = client.get("/me/calendar")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    token = feeds.feed_token(me)
    assert f"http://lms.test/calendar/{token}.ics" in html
    assert f'href="webcal://lms.test/calendar/{token}.ics"' in html


def test_feed_page_needs_login(client):
    response = client.get("/me/calendar")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_reset_kills_the_old_address(client, factory, login):
    from conftest import post_form

    me = factory.user("me@example.no")
    register(me, make.offering(starts=[oslo(Y2027, 1, 14, 9)]))
    old = feed_path(me)
    assert client.get(old).status_code == 200
    login(me)
    response = post_form(client, "/me/calendar/reset", {}, form_page="/me/calendar")
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/calendar"

    assert client.get(old).status_code == 404
    db.session.expire_all()
    me = db.session.get(type(me), me.id)
    new = feed_path(me)
    assert new != old
    page = client.get("/me/calendar").get_data(as_text=True)
    assert new.removesuffix(".ics") in page and old.removesuffix(".ics") not in page
    assert len(parse_one(client.get(new).data)["events"]) == 1


def test_reset_needs_csrf(client, factory, login):
    login(factory.user("me@example.no"))
    assert client.post("/me/calendar/reset").status_code == 400


def test_webcal_url_helper_and_template_global(app):
    with app.test_request_context("/"):
        assert webcal_url("lms_calendar.offering_ics", offering_id=7) == (
            "webcal://lms.test/events/7/calendar.ics"
        )
        rendered = render_template_string(
            "{{ lms_webcal_url('lms_calendar.offering_ics', offering_id=7) }}"
        )
        assert rendered == "webcal://lms.test/events/7/calendar.ics"


def test_webcal_url_from_https_base(app):
    app.config["LMS_BASE_URL"] = "https://kurs.example.no"
    with app.test_request_context("/"):
        assert webcal_url("lms_calendar.offering_ics", offering_id=7) == (
            "webcal://kurs.example.no/events/7/calendar.ics"
        )


def make_network(*, members=(), pending=()):
    from lms.events.models import Network, NetworkMembership

    network = Network(name="Nettverk for CSR-koordinatorer", recurrence_rule="FREQ=MONTHLY")
    db.session.add(network)
    db.session.flush()
    for user in members:
        db.session.add(NetworkMembership(network_id=network.id, user_id=user.id))
    for user in pending:
        db.session.add(NetworkMembership(network_id=network.id, user_id=user.id, status="pending"))
    db.session.commit()
    return network


def network_feed_path(user, network) -> str:
    return f"/calendar/{feeds.feed_token(user)}/networks/{network.id}.ics"


def test_network_feed_lists_every_meeting_for_members(client, factory):
    member = factory.user("member@example.no")
    network = make_network(members=[member])
    for day, status in ((12, "published"), (9, "cancelled"), (16, "draft")):
        make.offering(
            starts=[oslo(Y2027, 2 if day == 9 else 1 if day == 12 else 3, day, 13)],
            kind="network_meeting",
            network_id=network.id,
            status=status,
            hours=2,
        )
    response = client.get(network_feed_path(member, network))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=300"
    check_wire_format(response.data)
    parsed = parse_one(response.data)
    got = [(e["start"]["utc"], e["status"], e["recurring"]) for e in parsed["events"]]
    assert got == [
        (f"{Y2027}-01-12T12:00:00.000Z", "CONFIRMED", False),
        (f"{Y2027}-02-09T12:00:00.000Z", "CANCELLED", False),
    ]
    assert len({e["uid"] for e in parsed["events"]}) == 2


def test_network_feed_is_404_for_non_members_and_bad_tokens(client, factory):
    member = factory.user("member@example.no")
    outsider = factory.user("outsider@example.no")
    waiting = factory.user("waiting@example.no")
    network = make_network(members=[member], pending=[waiting])
    assert client.get(network_feed_path(outsider, network)).status_code == 404
    assert client.get(network_feed_path(waiting, network)).status_code == 404
    token = feeds.feed_token(member)
    assert client.get(f"/calendar/{token}x/networks/{network.id}.ics").status_code == 404
    assert client.get(f"/calendar/{token}/networks/999999.ics").status_code == 404
    organiser = factory.user("organiser@example.no", roles=("organiser",))
    assert client.get(network_feed_path(organiser, network)).status_code == 200


def test_feed_page_lists_member_networks(client, factory, login):
    member = factory.user("member@example.no")
    network = make_network(members=[member])
    not_theirs = make_network(members=[])
    login(member)
    html = client.get("/me/calendar").get_data(as_text=True)
    path = network_feed_path(member, network)
    assert f'href="webcal://lms.test{path}"' in html
    assert f"http://lms.test{path}" in html
    assert f"/networks/{not_theirs.id}.ics" not in html
