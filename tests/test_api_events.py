"""The events API: catalogue, one event, registering, leaving, and who may see the list."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from accounts_support import csrf_token
from api_support import assert_error, bearer
from factories import make
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registrations_support import mails, status_of

from lms.accounts import services
from lms.core.dates import to_local
from lms.events.models import Network, NetworkMembership, OfferingSession
from lms.extensions import db
from lms.timeutil import utcnow


@pytest.fixture
def person(factory):
    """``person(email, roles)`` -> (user, headers with a fresh bearer token)."""

    def make(email: str | None = None, roles=()):
        user = factory.user(email, roles=roles)
        _token, raw = services.create_api_token(user, "test")
        db.session.commit()
        return user, bearer(raw)

    return make


# --- the catalogue -------------------------------------------------------------------


def test_catalogue_lists_published_offerings_with_every_field(client, person):
    _user, headers = person()
    shown = make.offering(capacity=3, title="Shown", themes=["climate_environment"])
    make.offering(capacity=2, status="draft", title="Draft")
    make.offering(capacity=2, status="cancelled", title="Cancelled")
    response = client.get("/api/v1/events", headers=headers)
    assert response.status_code == 200
    events = response.json["events"]
    assert [e["title"] for e in events] == ["Shown"]
    event = events[0]
    assert set(event) >= {
        "id", "kind", "title", "starts_at", "ends_at", "timezone", "location", "online_url",
        "capacity", "confirmed_count", "waitlist_count", "seats_left", "registration_open",
        "url", "ics_url",
    }  # fmt: skip
    assert event["id"] == shown.id
    assert event["kind"] == "seminar"
    assert event["timezone"] == "Europe/Oslo"
    starts = datetime.fromisoformat(event["starts_at"])
    assert starts.utcoffset() in (timedelta(hours=1), timedelta(hours=2)), "Oslo offset"
    assert starts == shown.starts_at
    assert datetime.fromisoformat(event["ends_at"]) == shown.ends_at
    assert event["location"] == "Anskaffelseshuset"
    assert event["online_url"] is None
    assert (event["capacity"], event["confirmed_count"], event["seats_left"]) == (3, 0, 3)
    assert event["registration_open"] is True
    assert event["url"] == f"http://lms.test/events/{shown.id}"
    assert event["ics_url"] == f"http://lms.test/events/{shown.id}/calendar.ics"


def test_catalogue_counts_seats_and_waiting_list(client, person, factory):
    _user, headers = person()
    offering = make.offering(capacity=1)
    for n in range(3):
        _u, h = person(f"p{n}@example.no")
        assert (
            client.post(f"/api/v1/events/{offering.id}/registrations", headers=h).status_code == 201
        )
    event = client.get("/api/v1/events", headers=headers).json["events"][0]
    assert (event["confirmed_count"], event["waitlist_count"], event["seats_left"]) == (1, 2, 0)


def test_catalogue_filters(client, person):
    _user, headers = person()
    soon = make.offering(
        capacity=2, title="Soon", themes=["human_rights"], starts_in=timedelta(days=3)
    )
    later = make.offering(
        capacity=2,
        title="Later",
        kind="course",
        themes=["anti_corruption"],
        starts_in=timedelta(days=40),
    )

    def titles(query: str) -> list[str]:
        response = client.get(f"/api/v1/events?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return [e["title"] for e in response.json["events"]]

    assert titles("") == ["Soon", "Later"]
    assert titles("kind=course") == ["Later"]
    assert titles("theme=human_rights") == ["Soon"]
    day_between = (utcnow() + timedelta(days=20)).date().isoformat()
    assert titles(f"from={day_between}") == ["Later"]
    assert titles(f"to={day_between}") == ["Soon"]
    # The filters take days in Oslo: near midnight a UTC date would be the day before.
    first, last = (to_local(o.starts_at).date() for o in (soon, later))
    assert titles(f"from={first}&to={last}") == ["Soon", "Later"]


@pytest.mark.parametrize(
    "query",
    [
        "kind=party",
        "theme=cats",
        "from=yesterday",
        "to=2026-13-01",
        "from=99999-01-01",
        "from=0001-01-01",  # Oslo midnight is still year 0 in UTC
        "to=9999-12-31",
    ],
)
def test_catalogue_rejects_bad_filters(client, person, query):
    _user, headers = person()
    assert_error(client.get(f"/api/v1/events?{query}", headers=headers), 400, "invalid_parameter")


def test_catalogue_runs_a_constant_number_of_queries(client, person, factory, count_queries):
    _user, headers = person()
    make.offering(capacity=2, title="One")

    statements_seen = []

    def queries() -> int:
        with count_queries() as statements:
            # Five a page: the ten added below fill more than one.
            assert client.get("/api/v1/events?per_page=5", headers=headers).status_code == 200
        statements_seen[:] = statements
        return len(statements)

    queries()  # the token's first use records last_used_at
    few = queries()
    for n in range(10):
        teacher = factory.user(f"teacher{n}@example.no", roles=("instructor",))
        offering = make.offering(title=f"More {n}", capacity=1, instructors=[teacher])
        start = utcnow() + timedelta(days=30 + n)
        offering.sessions.append(
            OfferingSession(starts_at=start, ends_at=start + timedelta(hours=1))
        )
        _u, h = person(f"reg{n}@example.no")
        db.session.commit()
        client.post(f"/api/v1/events/{offering.id}/registrations", headers=h)
    assert queries() == few
    # Besides authentication, the catalogue takes 1: the page with each offering's dates,
    # seat counts and the number of matches (no sessions or registrations loaded).
    catalogue = [s for s in statements_seen if "lms_api_tokens" not in s and "lms_user" not in s]
    assert len(catalogue) == 1, catalogue


def test_catalogue_is_paginated_with_links(client, person):
    _user, headers = person()
    for n in range(7):
        make.offering(capacity=2, title=f"Day {n}", starts_in=timedelta(days=n + 1), kind="course")
    make.offering(capacity=2, title="Other kind", starts_in=timedelta(hours=1))

    def get(query: str):
        response = client.get(f"/api/v1/events?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return response

    first = get("kind=course&per_page=3")
    assert [e["title"] for e in first.json["events"]] == ["Day 0", "Day 1", "Day 2"]
    meta = first.json["pagination"]
    assert (meta["page"], meta["per_page"], meta["total"], meta["pages"]) == (1, 3, 7, 3)
    assert meta["prev"] is None
    next_url = meta["next"]
    assert next_url.startswith("http://lms.test/api/v1/events?")
    assert "kind=course" in next_url and "per_page=3" in next_url and "page=2" in next_url
    assert f'<{next_url}>; rel="next"' in first.headers["Link"]
    assert 'rel="prev"' not in first.headers["Link"]

    # Following "next" walks the whole list once, in order, with the filter kept.
    seen, url = [], next_url
    seen += [e["title"] for e in first.json["events"]]
    while url:
        response = get(url.split("?", 1)[1])
        seen += [e["title"] for e in response.json["events"]]
        url = response.json["pagination"]["next"]
    assert seen == [f"Day {n}" for n in range(7)]
    last = get("kind=course&per_page=3&page=3").json["pagination"]
    assert last["next"] is None and "page=2" in last["prev"]

    # Past the last page: a 404 that says where the last page is, as the HTML catalogue
    # answers; page 1 always exists. The default page size is 50.
    beyond = client.get("/api/v1/events?page=9", headers=headers)
    assert beyond.status_code == 404
    assert beyond.json["error"]["code"] == "page_out_of_range"
    assert "1 page" in beyond.json["error"]["message"]
    assert get("").json["pagination"]["per_page"] == 50
    assert get("kind=seminar&theme=human_rights").json["pagination"]["total"] == 0


def test_catalogue_orders_by_the_first_session_that_is_not_cancelled(client, person):
    _user, headers = person()
    moved = make.offering(capacity=2, title="Moved", starts_in=timedelta(days=2))
    make.offering(capacity=2, title="Middle", starts_in=timedelta(days=5))
    # Its first session is cancelled: it now starts after "Middle".
    moved.sessions[0].status = "cancelled"
    start = utcnow() + timedelta(days=9)
    moved.sessions.append(OfferingSession(starts_at=start, ends_at=start + timedelta(hours=1)))
    db.session.commit()
    events = client.get("/api/v1/events", headers=headers).json["events"]
    assert [e["title"] for e in events] == ["Middle", "Moved"]
    # The API gives timestamps to the second.
    assert datetime.fromisoformat(events[1]["starts_at"]) == start.replace(microsecond=0)
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    response = client.get(f"/api/v1/events?to={day}", headers=headers)
    assert [e["title"] for e in response.json["events"]] == []


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=two", "page=1.5", "page=", "page=99999999", "per_page=0",
     "per_page=101", "per_page=ten", "page=%EF%BC%91"],
)  # fmt: skip
def test_catalogue_rejects_bad_paging(client, person, query):
    _user, headers = person()
    assert_error(client.get(f"/api/v1/events?{query}", headers=headers), 400, "invalid_parameter")


# --- one event -----------------------------------------------------------------------


def test_event_detail_has_sessions(client, person):
    _user, headers = person()
    offering = make.offering(capacity=5, questions=["dietary"])
    start = utcnow() + timedelta(days=11)
    offering.sessions.append(OfferingSession(starts_at=start, ends_at=start + timedelta(hours=2)))
    db.session.commit()
    body = client.get(f"/api/v1/events/{offering.id}", headers=headers).json
    assert body["id"] == offering.id
    assert body["questions"] == ["dietary"]
    assert len(body["sessions"]) == 2
    first = body["sessions"][0]
    assert set(first) == {"id", "uid", "title", "starts_at", "ends_at", "venue", "room", "status"}
    assert datetime.fromisoformat(first["starts_at"]) == offering.sessions[0].starts_at.replace(
        microsecond=0
    )
    assert body["starts_at"] == first["starts_at"]


def test_draft_event_is_hidden_except_from_its_editors(client, person):
    draft = make.offering(capacity=2, status="draft")
    _p, participant = person()
    _o, organiser = person("org@example.no", roles=("organiser",))
    assert_error(client.get(f"/api/v1/events/{draft.id}", headers=participant), 404, "not_found")
    assert client.get(f"/api/v1/events/{draft.id}", headers=organiser).status_code == 200
    assert_error(client.get("/api/v1/events/999999", headers=participant), 404, "not_found")


# --- registering ---------------------------------------------------------------------


def test_register_confirms_then_waitlists(client, person):
    offering = make.offering(capacity=1)
    first, h1 = person("first@example.no")
    second, h2 = person("second@example.no")
    url = f"/api/v1/events/{offering.id}/registrations"
    one = client.post(url, headers=h1)
    assert one.status_code == 201
    assert one.json["status"] == "confirmed" and one.json["waitlist_position"] is None
    two = client.post(url, headers=h2)
    assert two.status_code == 201
    assert two.json == {"id": two.json["id"], "status": "waitlisted", "waitlist_position": 1}
    assert status_of(first, offering) == "confirmed"
    assert status_of(second, offering) == "waitlisted"
    assert mails(first.email), "the registration was mailed (outbox)"


def test_register_twice_is_409(client, person):
    offering = make.offering(capacity=2)
    _user, headers = person()
    url = f"/api/v1/events/{offering.id}/registrations"
    assert client.post(url, headers=headers).status_code == 201
    assert_error(client.post(url, headers=headers), 409, "already_registered")


def test_register_twice_without_consent_is_still_409(client, person):
    offering = make.offering(capacity=2, consent_text="Vi lagrer svarene dine.")
    _user, headers = person()
    url = f"/api/v1/events/{offering.id}/registrations"
    assert client.post(url, headers=headers, json={"consent": True}).status_code == 201
    assert_error(client.post(url, headers=headers), 409, "already_registered")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": "cancelled"}, "cancelled"),
        ({"registration_closes_at": "past"}, "closed"),
        ({"registration_opens_at": "future"}, "closed"),
        ({"starts_in": timedelta(days=-1)}, "closed"),
        ({"consent_text": "We keep your name."}, "consent_required"),
    ],
)
def test_register_refused_is_422(client, person, fields, code):
    fields = dict(fields)
    for key, when in list(fields.items()):
        if when == "past":
            fields[key] = utcnow() - timedelta(hours=1)
        elif when == "future":
            fields[key] = utcnow() + timedelta(days=1)
    offering = make.offering(capacity=2, **fields)
    user, headers = person()
    assert_error(
        client.post(f"/api/v1/events/{offering.id}/registrations", headers=headers), 422, code
    )
    assert status_of(user, offering) is None, "nothing half-saved"


def test_register_with_consent_and_answers(client, person):
    offering = make.offering(capacity=2, consent_text="We keep your name.", questions=["dietary"])
    user, headers = person()
    response = client.post(
        f"/api/v1/events/{offering.id}/registrations",
        headers=headers,
        json={"consent": True, "answers": {"dietary": "vegan", "shoe_size": "44"}},
    )
    assert response.status_code == 201, response.json
    from registrations_support import registration_of

    registration = registration_of(user, offering)
    assert registration.answers == {"dietary": "vegan"}
    assert registration.consent_given_at is not None


@pytest.mark.parametrize(
    "body",
    [b"[]", b"not json", b'{"consent": "yes"}', b'{"answers": []}', b'{"answers": {"dietary": 1}}',
     b'{"colour": "red"}', b'{"answers": {"dietary": "' + b"x" * 501 + b'"}}',
     b'{"answers": {"dietary": "a\\ud800b"}}',  # half a surrogate pair: no UTF-8 for it
     b'{"answers": {"dietary": "a\\u0000b"}}',  # NUL: PostgreSQL refuses it
     b'{"answers": {"\\udfff": "vegan"}}',
     b"[" * 5000 + b"]" * 5000],  # deeper than the JSON parser's recursion
)  # fmt: skip
def test_register_bad_body_is_400(client, person, body):
    offering = make.offering(capacity=2)
    user, headers = person()
    response = client.post(
        f"/api/v1/events/{offering.id}/registrations",
        headers={**headers, "Content-Type": "application/json"},
        data=body,
    )
    assert_error(response, 400, "invalid_body")
    assert status_of(user, offering) is None


def test_members_only_is_403_for_outsiders(client, person):
    network = Network(name="CSR network")
    db.session.add(network)
    db.session.commit()
    offering = make.offering(
        capacity=2, kind="network_meeting", members_only=True, network_id=network.id
    )
    _outsider, h_out = person("out@example.no")
    member, h_in = person("in@example.no")
    db.session.add(NetworkMembership(network_id=network.id, user_id=member.id))
    db.session.commit()
    url = f"/api/v1/events/{offering.id}/registrations"
    assert_error(client.post(url, headers=h_out), 403, "members_only")
    assert client.post(url, headers=h_in).status_code == 201


def test_register_without_credentials_is_401_and_unknown_is_404(client, person):
    offering = make.offering(capacity=2)
    assert_error(client.post(f"/api/v1/events/{offering.id}/registrations"), 401, "unauthorized")
    _user, headers = person()
    assert_error(
        client.post("/api/v1/events/424242/registrations", headers=headers), 404, "not_found"
    )
    draft = make.offering(capacity=2, status="draft")
    assert_error(
        client.post(f"/api/v1/events/{draft.id}/registrations", headers=headers), 404, "not_found"
    )


def test_register_with_a_session_needs_csrf(client, person, login, factory):
    offering = make.offering(capacity=2)
    user = factory.user("browser@example.no")
    login(user)
    url = f"/api/v1/events/{offering.id}/registrations"
    assert_error(client.post(url), 400, "csrf_failed")
    assert status_of(user, offering) is None
    token = csrf_token(client, "/")
    assert client.post(url, headers={"X-CSRFToken": token}).status_code == 201


# --- leaving -------------------------------------------------------------------------


def test_leaving_promotes_the_next_in_line(client, person):
    offering = make.offering(capacity=1)
    first, h1 = person("first@example.no")
    second, h2 = person("second@example.no")
    url = f"/api/v1/events/{offering.id}/registrations"
    client.post(url, headers=h1)
    client.post(url, headers=h2)
    response = client.delete(f"{url}/me", headers=h1)
    assert response.status_code == 204 and response.data == b""
    assert status_of(first, offering) == "cancelled"
    assert status_of(second, offering) == "confirmed"
    assert_error(client.delete(f"{url}/me", headers=h1), 404, "not_found")  # nothing to leave


def test_generic_api_errors_are_in_english_like_the_rest(client, person):
    """The site's default language is Norwegian; the API speaks one language."""
    _user, headers = person()
    response = client.get("/api/v1/nothing-here", headers={**headers, "Accept-Language": "nb"})
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "Page not found"


def test_leaving_when_not_registered_is_404(client, person):
    offering = make.offering(capacity=2)
    _user, headers = person()
    url = f"/api/v1/events/{offering.id}/registrations/me"
    assert_error(client.delete(url, headers=headers), 404, "not_found")
    client.post(f"/api/v1/events/{offering.id}/registrations", headers=headers)
    assert client.delete(url, headers=headers).status_code == 204
    assert_error(client.delete(url, headers=headers), 404, "not_found")  # left already


def test_leaving_after_the_deadline_is_422(client, person):
    offering = make.offering(capacity=2, cancellation_deadline=utcnow() + timedelta(hours=1))
    user, headers = person()
    client.post(f"/api/v1/events/{offering.id}/registrations", headers=headers)
    offering.cancellation_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.delete(f"/api/v1/events/{offering.id}/registrations/me", headers=headers)
    assert_error(response, 422, "deadline_passed")
    assert status_of(user, offering) == "confirmed"


# --- my registrations, and the organisers' list --------------------------------------


def test_my_registrations(client, person):
    full = make.offering(capacity=1, title="Full")
    roomy = make.offering(capacity=5, title="Roomy", starts_in=timedelta(days=20))
    _other, h_other = person("other@example.no")
    _me, headers = person("me@example.no")
    client.post(f"/api/v1/events/{full.id}/registrations", headers=h_other)
    client.post(f"/api/v1/events/{full.id}/registrations", headers=headers)
    client.post(f"/api/v1/events/{roomy.id}/registrations", headers=headers)
    body = client.get("/api/v1/me/registrations", headers=headers).json
    rows = [
        (r["event"]["title"], r["status"], r["waitlist_position"]) for r in body["registrations"]
    ]
    assert rows == [("Full", "waitlisted", 1), ("Roomy", "confirmed", None)]


def test_event_registrations_lists_people_for_managers(client, person):
    instructor, h_instructor = person("teacher@example.no", roles=("instructor",))
    offering = make.offering(capacity=1, instructors=[instructor])
    _first, h1 = person("first@example.no")
    _second, h2 = person("second@example.no")
    url = f"/api/v1/events/{offering.id}/registrations"
    client.post(url, headers=h1)
    client.post(url, headers=h2)
    body = client.get(url, headers=h_instructor).json
    rows = [
        (r["user"]["email"], r["status"], r["waitlist_position"]) for r in body["registrations"]
    ]
    assert rows == [("first@example.no", "confirmed", None), ("second@example.no", "waitlisted", 1)]
    assert_error(
        client.get("/api/v1/events/999999/registrations", headers=h_instructor), 404, "not_found"
    )


# --- the permission matrix -----------------------------------------------------------

ROLES = ("anonymous", "participant", "other_instructor", "instructor", "organiser", "admin")
# (method, path, expected status per role); {id} is an open offering the instructor teaches.
MATRIX = [
    ("GET", "/api/v1/events", (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/events/{id}", (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/events/{draft}", (404, 404, 404, 200, 200, 200)),
    ("POST", "/api/v1/events/{id}/registrations", (401, 201, 201, 201, 201, 201)),
    ("DELETE", "/api/v1/events/{id}/registrations/me", (401, 404, 404, 404, 404, 404)),
    ("GET", "/api/v1/me/registrations", (401, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/events/{id}/registrations", (401, 403, 403, 200, 200, 200)),
    ("GET", "/api/v1/events/{draft}/registrations", (401, 404, 404, 200, 200, 200)),
]


@pytest.mark.parametrize(
    ("method", "path", "expect", "index"),
    [
        pytest.param(m, p, e, i, id=f"{m} {p} as {role}")
        for m, p, e in MATRIX
        for i, role in enumerate(ROLES)
    ],
)
def test_permission_matrix(client, person, method, path, expect, index):
    instructor, h_instructor = person("assigned@example.no", roles=("instructor",))
    offering = make.offering(capacity=5, instructors=[instructor])
    draft = make.offering(capacity=2, status="draft", instructors=[instructor])
    headers = {
        "anonymous": {},
        "participant": lambda: person("p@example.no")[1],
        "other_instructor": lambda: person("other@example.no", roles=("instructor",))[1],
        "instructor": lambda: h_instructor,
        "organiser": lambda: person("o@example.no", roles=("organiser",))[1],
        "admin": lambda: person("a@example.no", roles=("admin",))[1],
    }[ROLES[index]]
    headers = headers() if callable(headers) else headers
    response = client.open(
        path.format(id=offering.id, draft=draft.id), method=method, headers=headers
    )
    assert response.status_code == expect[index], response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert set(response.json["error"]) == {"code", "message"}


# --- fuzzing -------------------------------------------------------------------------

ids = st.one_of(st.integers(min_value=-5, max_value=2**40), st.text(max_size=12))
texts = st.text(max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def fuzz_setup(person):
    offering = make.offering(capacity=2, questions=["dietary"])
    _user, headers = person("fuzz@example.no", roles=("organiser",))
    return offering, headers


@pytest.mark.slow
@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["kind", "theme", "month", "q", "from", "to", "page", "per_page", "x"]),
        texts | st.integers(min_value=-3, max_value=2**64).map(str),
    )
)
def test_fuzz_catalogue_params_never_500(client, fuzz_setup, params):
    _offering, headers = fuzz_setup
    response = client.get("/api/v1/events", query_string=params, headers=headers)
    assert response.status_code in (200, 400, 404), response.get_data(as_text=True)[:300]
    if response.status_code == 404:  # only a page past the last
        assert response.json["error"]["code"] == "page_out_of_range"
    assert response.mimetype == "application/json"


@pytest.mark.slow
@FUZZ
@given(
    event_id=ids,
    method=st.sampled_from(["GET", "POST", "DELETE", "PUT"]),
    tail=st.sampled_from(["", "/registrations", "/registrations/me"]),
)
def test_fuzz_ids_never_500(client, fuzz_setup, event_id, method, tail):
    _offering, headers = fuzz_setup
    path = f"/api/v1/events/{event_id}{tail}".replace("?", "%3F").replace("#", "%23")
    response = client.open(path, method=method, headers=headers)
    assert response.status_code < 500, (path, response.get_data(as_text=True)[:300])


@pytest.mark.slow
@FUZZ
@given(body=json_values | st.binary(max_size=40))
def test_fuzz_registration_bodies_never_500(client, fuzz_setup, body):
    offering, headers = fuzz_setup
    url = f"/api/v1/events/{offering.id}/registrations"
    if isinstance(body, bytes):
        response = client.post(
            url, data=body, headers={**headers, "Content-Type": "application/json"}
        )
    else:
        response = client.post(url, json=body, headers=headers)
    assert response.status_code in (201, 400, 409), response.get_data(as_text=True)[:300]
    client.delete(f"{url}/me", headers=headers)
    db.session.rollback()


def test_a_too_long_answer_is_refused_with_its_unit(client, person):
    offering = make.offering(capacity=2)
    _user, headers = person()
    response = client.post(
        f"/api/v1/events/{offering.id}/registrations",
        headers={**headers, "Content-Type": "application/json"},
        json={"answers": {"dietary": "x" * 501}},
    )
    assert_error(response, 400, "invalid_body")
    assert response.json["error"]["message"].endswith("texts of at most 500 characters.")
