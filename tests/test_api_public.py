"""The public API: ``GET /api/v1/events`` and ``/events/<id>`` without a token, as the
public site shows them, rate-limited per address, open to other sites' scripts (CORS),
with strong ETags, 304s and cache headers that keep a signed-in answer private."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from api_support import assert_error, bearer
from factories import make

from lms.accounts import services
from lms.events.models import Network, NetworkMembership, OfferingSession
from lms.extensions import db
from lms.registrations.catalogue import CatalogueFilters, catalogue_page, catalogue_rows
from lms.registrations.models import Registration
from lms.timeutil import utcnow

LINK = "https://meet.example.no/members-secret"


@pytest.fixture
def token_of(factory):
    """``token_of(email, roles=(), member_of=None, place=False)`` -> bearer headers for a
    new user (a member of ``member_of``'s network, with a place in it if ``place``)."""

    def make(email: str, roles=(), member_of=None, place=False):
        user = factory.user(email, roles=roles)
        if member_of is not None:
            db.session.add(NetworkMembership(network_id=member_of.network_id, user_id=user.id))
        if place:
            db.session.add(
                Registration(offering_id=member_of.id, user_id=user.id, status="confirmed")
            )
        _token, raw = services.create_api_token(user, "test")
        db.session.commit()
        return bearer(raw)

    return make


@pytest.fixture
def meeting():
    network = Network(name="CSR network", membership="approval")
    db.session.add(network)
    db.session.commit()
    return make.offering(
        kind="network_meeting", members_only=True, network_id=network.id, online_url=LINK
    )


# --- what anonymous callers see --------------------------------------------------------


def test_anonymous_listing_shows_what_the_public_catalogue_shows(client):
    shown = make.offering(title="Shown", starts_in=timedelta(days=2))
    later = make.offering(title="Later", kind="course", starts_in=timedelta(days=9))
    make.offering(status="draft", title="Draft")
    make.offering(status="cancelled", title="Cancelled")
    make.offering(title="Over", starts_in=timedelta(days=-3))  # no session to come
    html = client.get("/events").get_data(as_text=True)
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    listed = [e["title"] for e in response.json["events"]]
    assert listed == ["Shown", "Later"]
    assert all(title in html for title in listed) and "Over" not in html
    assert [e["id"] for e in response.json["events"]] == [shown.id, later.id]
    assert response.json["pagination"]["total"] == 2


def test_network_meetings_are_listed_when_asked_for_with_the_link_hidden(client, meeting):
    make.offering(title="Seminar")
    everything = client.get("/api/v1/events").json["events"]
    assert [e["title"] for e in everything] == ["Seminar"], "meetings only by kind, as the site"
    meetings = client.get("/api/v1/events?kind=network_meeting").json["events"]
    assert [(e["id"], e["online_url"]) for e in meetings] == [(meeting.id, None)]
    one = client.get(f"/api/v1/events/{meeting.id}")
    assert one.status_code == 200 and one.json["online_url"] is None
    assert LINK.encode() not in one.data


def test_a_member_with_a_place_and_a_token_sees_the_link(client, meeting, token_of):
    without_place = token_of("outside@example.no", member_of=meeting)
    one = client.get(f"/api/v1/events/{meeting.id}", headers=without_place).json
    assert one["online_url"] is None
    member = token_of("member@example.no", member_of=meeting, place=True)
    listed = client.get("/api/v1/events?kind=network_meeting", headers=member).json
    assert [e["online_url"] for e in listed["events"]] == [LINK]
    assert client.get(f"/api/v1/events/{meeting.id}", headers=member).json["online_url"] == LINK


def test_anonymous_detail(client):
    offering = make.offering(capacity=4, questions=["dietary"])
    body = client.get(f"/api/v1/events/{offering.id}").json
    assert (body["id"], body["capacity"], body["seats_left"]) == (offering.id, 4, 4)
    assert body["questions"] == ["dietary"] and len(body["sessions"]) == 1


def test_a_draft_is_404_json_for_anonymous(client):
    hidden = make.offering(status="draft")
    assert_error(client.get(f"/api/v1/events/{hidden.id}"), 404, "not_found")


@pytest.mark.parametrize("status", ["cancelled", "archived"])
def test_a_cancelled_or_archived_offering_is_public_as_on_its_page(client, status):
    """The one visibility rule (events.services.may_see): its page, calendar file and
    API answer all stay, so links people hold still say what became of it."""
    shown = make.offering(status=status)
    response = client.get(f"/api/v1/events/{shown.id}")
    assert response.status_code == 200
    assert response.get_json()["status"] == status
    assert response.get_json()["registration_open"] is False


def test_an_unknown_offering_is_404_json_for_anonymous(client):
    assert_error(client.get("/api/v1/events/999999"), 404, "not_found")


def test_bad_parameters_are_400_json_for_anonymous(client):
    assert_error(client.get("/api/v1/events?per_page=500"), 400, "invalid_parameter")


def test_a_token_that_fails_is_refused_not_read_as_anonymous(client):
    make.offering()
    response = client.get("/api/v1/events", headers=bearer("lms_not-a-real-token"))
    assert_error(response, 401, "unauthorized")
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/me/registrations"),
        ("GET", "/api/v1/events/{id}/registrations"),
        ("POST", "/api/v1/events/{id}/registrations"),
        ("DELETE", "/api/v1/events/{id}/registrations/me"),
    ],
)
def test_everything_else_still_needs_credentials(client, method, path):
    offering = make.offering()
    response = client.open(path.format(id=offering.id), method=method)
    assert_error(response, 401, "unauthorized")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_an_anonymous_answer_sets_no_cookie(client):
    offering = make.offering()
    for path in ("/api/v1/events", f"/api/v1/events/{offering.id}"):
        assert "Set-Cookie" not in client.get(path).headers


# --- CORS ------------------------------------------------------------------------------


def test_public_gets_are_open_to_any_origin(client):
    offering = make.offering()
    origin = {"Origin": "https://other.example"}
    for path in ("/api/v1/events", f"/api/v1/events/{offering.id}", "/api/v1/events/999999"):
        response = client.get(path, headers=origin)
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
        exposed = response.headers["Access-Control-Expose-Headers"]
        assert "ETag" in exposed and "Link" in exposed


def test_no_cors_on_authenticated_answers_or_writes(client, token_of):
    offering = make.offering()
    headers = {**token_of("p@example.no"), "Origin": "https://other.example"}
    for response in (
        client.get("/api/v1/events", headers=headers),
        client.get(f"/api/v1/events/{offering.id}", headers=headers),
        client.post(f"/api/v1/events/{offering.id}/registrations", headers=headers),
        client.get("/api/v1/me", headers=headers),
    ):
        assert response.status_code in (200, 201)
        assert "Access-Control-Allow-Origin" not in response.headers


def test_a_preflight_is_granted_for_the_public_gets_only(client):
    offering = make.offering()
    asks = {
        "Origin": "https://other.example",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match",
    }
    granted = client.options("/api/v1/events", headers=asks)
    assert granted.status_code == 200
    assert granted.headers["Access-Control-Allow-Origin"] == "*"
    assert granted.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    allowed = granted.headers["Access-Control-Allow-Headers"].lower()
    assert "if-none-match" in allowed and "authorization" not in allowed
    write = {**asks, "Access-Control-Request-Method": "POST"}
    refused = client.options(f"/api/v1/events/{offering.id}/registrations", headers=write)
    assert "Access-Control-Allow-Origin" not in refused.headers


# --- ETags, 304 and caches ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/events/{id}"])
def test_a_strong_etag_of_the_body_and_304(client, path):
    offering = make.offering()
    path = path.format(id=offering.id)
    first = client.get(path)
    tag = first.headers["ETag"]
    assert tag == f'"{hashlib.sha256(first.data).hexdigest()[:40]}"', "strong: the bytes' hash"
    for asked in (tag, f'"other", {tag}', "*", f"W/{tag}"):
        again = client.get(path, headers={"If-None-Match": asked})
        assert again.status_code == 304, asked
        assert again.data == b"" and again.headers["ETag"] == tag
        assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/events/{id}"])
def test_changed_data_gives_a_new_etag(client, token_of, path):
    offering = make.offering(capacity=3)
    path = path.format(id=offering.id)
    before = client.get(path)
    assert client.get(path).headers["ETag"] == before.headers["ETag"], "stable while unchanged"
    url = f"/api/v1/events/{offering.id}/registrations"
    assert client.post(url, headers=token_of("p@example.no")).status_code == 201
    after = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.json != before.json


def test_a_moved_session_gives_a_new_listing(client):
    offering = make.offering()
    before = client.get("/api/v1/events")
    offering.sessions[0].starts_at += timedelta(hours=1)
    db.session.commit()
    after = client.get("/api/v1/events")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.json["events"][0]["starts_at"] != before.json["events"][0]["starts_at"]


def test_cache_headers_keep_an_authenticated_answer_private(client, app, meeting, token_of):
    app.config["LMS_API_PUBLIC_MAX_AGE"] = 30
    member = token_of("member@example.no", member_of=meeting, place=True)
    for path in ("/api/v1/events?kind=network_meeting", f"/api/v1/events/{meeting.id}"):
        anonymous = client.get(path)
        assert anonymous.cache_control.public and anonymous.cache_control.max_age == 30
        signed_in = client.get(path, headers=member)
        assert signed_in.cache_control.private and not signed_in.cache_control.public
        for response in (anonymous, signed_in):
            assert {"authorization", "cookie"} <= {v.lower() for v in response.vary}, path
        # The member's answer shows the link: it is another body with another tag, so a
        # cache can never answer an anonymous revalidation with it.
        assert signed_in.headers["ETag"] != anonymous.headers["ETag"]
        revalidated = client.get(path, headers={"If-None-Match": signed_in.headers["ETag"]})
        assert revalidated.status_code == 200 and LINK.encode() not in revalidated.data


# --- the rate limit ----------------------------------------------------------------------


def test_anonymous_calls_are_rate_limited_per_address(client, app, token_of):
    app.config["LMS_API_PUBLIC_RATE_LIMIT"] = "3 per minute"
    offering = make.offering()
    paths = ["/api/v1/events", f"/api/v1/events/{offering.id}", "/api/v1/events?per_page=2"]
    assert [client.get(p).status_code for p in paths] == [200, 200, 200]
    limited = client.get("/api/v1/events")
    assert_error(limited, 429, "rate_limited")
    assert limited.headers["Access-Control-Allow-Origin"] == "*"
    assert limited.headers["Cache-Control"] == "no-store"
    retry_after = int(limited.headers["Retry-After"])
    assert 0 < retry_after <= 60
    assert_error(client.get(f"/api/v1/events/{offering.id}"), 429, "rate_limited")

    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert elsewhere.get("/api/v1/events").status_code == 200, "another address is not affected"
    member = token_of("p@example.no")
    assert client.get("/api/v1/events", headers=member).status_code == 200, "tokens are known"


def test_the_listing_is_one_query_for_anonymous_callers(client, count_queries):
    for n in range(3):
        offering = make.offering(title=f"Many {n}", starts_in=timedelta(days=n + 1))
        start = utcnow() + timedelta(days=20 + n)
        offering.sessions.append(
            OfferingSession(starts_at=start, ends_at=start + timedelta(hours=1))
        )
    db.session.commit()
    with count_queries() as statements:
        assert client.get("/api/v1/events").status_code == 200
    assert len(statements) == 1, statements


def test_the_listing_is_the_html_catalogues_list(client, meeting, token_of):
    """One rule for what is listed, in what order, from when and with how many seats:
    the API's page and the HTML catalogue's come from the same statement."""
    full = make.offering(title="Full", capacity=1, starts_in=timedelta(days=4))
    make.offering(title="Soon", starts_in=timedelta(days=1), kind="course")
    make.offering(title="Over", starts_in=timedelta(days=-2))
    make.offering(status="draft", title="Draft")
    for n in range(2):
        url = f"/api/v1/events/{full.id}/registrations"
        assert client.post(url, headers=token_of(f"p{n}@example.no")).status_code == 201
    began = utcnow() - timedelta(days=1)  # a first day that is over: the start shown
    db.session.add(
        OfferingSession(offering=full, starts_at=began, ends_at=began + timedelta(hours=2))
    )
    db.session.commit()
    zone = ZoneInfo("Europe/Oslo")
    for kind in ("", "network_meeting"):
        cards = catalogue_page(CatalogueFilters(kind=kind), 1, 50).items
        listed = client.get("/api/v1/events", query_string={"kind": kind} if kind else {}).json
        assert [e["id"] for e in listed["events"]] == [card.id for card in cards]
        expected = ["Soon", "Full"] if not kind else [meeting.title]
        assert [e["title"] for e in listed["events"]] == expected, "by the next start"
        for entry, card in zip(listed["events"], cards, strict=True):
            assert entry["starts_at"] == card.starts_at.astimezone(zone).isoformat("T", "seconds")
            assert (entry["seats_left"], entry["waitlist_count"]) == (
                card.seats_left,
                card.waitlisted,
            )
    # The extra columns come after the card's own, which stay as the HTML reads them.
    _total, plain = catalogue_rows(CatalogueFilters(), 1, 50)
    _total, wider = catalogue_rows(CatalogueFilters(), 1, 50, extra=("status", "placed"))
    assert [tuple(row[: len(plain[0])]) for row in wider] == [tuple(row) for row in plain]
    confirmed = {row[0]: tuple(row[-2:]) for row in wider}
    assert confirmed[full.id] == ("published", 1)


def test_the_cache_key_rows_convert_to_exactly_the_listing_rows(app):
    """The listing keys its cache on the rows as the driver returns them and converts
    them only for a new key: converted, they are what ``catalogue_rows`` gives."""
    from lms.api.serialise import ROW_EXTRA
    from lms.registrations.catalogue import converted

    make.offering(title="Tidlig", starts_in=timedelta(days=3), themes=["human_rights"])
    make.offering(title="Sen", starts_in=timedelta(days=9), registration_opens_at=utcnow())
    filters = CatalogueFilters()
    total, raw = catalogue_rows(filters, 1, 50, extra=ROW_EXTRA, raw=True)
    assert (total, converted(raw, filters, ROW_EXTRA)) == catalogue_rows(
        filters, 1, 50, extra=ROW_EXTRA
    )
