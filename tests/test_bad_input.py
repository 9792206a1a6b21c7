"""Bad input: every form shows field errors and saves nothing; oversized bodies get
413; malformed ids 404; and no input at all produces a 5xx (a Hypothesis fuzz)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from accounts_support import (
    TEST_PASSWORD,
    csrf_token,
    english,
    link_path,
    mails,
    post_form,
    reload_user,
    snapshot,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

GOOD_PASSWORD = "a long enough password"
SIGNUP = {
    "email": "new@example.no",
    "name": "New Person",
    "organisation": "",
    "job_title": "",
    "language": "nb",
    "password": GOOD_PASSWORD,
    "confirm": GOOD_PASSWORD,
}


def user_state(user) -> tuple:
    fresh = reload_user(user)
    return (
        fresh.email,
        fresh.name,
        fresh.organisation,
        fresh.job_title,
        fresh.language,
        fresh.password_hash,
        fresh.auth_version,
        sorted(fresh.role_names),
    )


def assert_field_errors(response, status, messages):
    assert response.status_code == status, response.status_code
    html = response.get_data(as_text=True)
    assert 'class="ds-error-summary"' in html, "an error summary heads the form"
    assert 'aria-invalid="true"' in html, "the bad field is marked invalid"
    for message in messages:
        assert message in html, message


# --- Forms anyone can use ----------------------------------------------------------

# A form that comes back because of what was typed answers 400 on every LMS page.
ANONYMOUS_FORMS = [
    (
        "/signup",
        {},
        400,
        ["Enter your e-mail address.", "This field is required.", "Choose a password."],
    ),
    ("/signup", {**SIGNUP, "email": "not-an-email"}, 400, ["Enter an e-mail address like"]),
    ("/signup", {**SIGNUP, "password": "short", "confirm": "short"}, 400, ["at least 10"]),
    ("/signup", {**SIGNUP, "confirm": "something else"}, 400, ["not the same"]),
    ("/signup", {**SIGNUP, "name": "x" * 201}, 400, ["Use at most 200 characters."]),
    ("/signup", {**SIGNUP, "organisation": "x" * 201}, 400, ["Use at most 200 characters."]),
    ("/signup", {**SIGNUP, "language": "de"}, 400, ["valid choice"]),
    ("/signup", {**SIGNUP, "email": "a" * 250 + "@x.no"}, 400, ["Use at most 254 characters."]),
    (
        "/signup",
        {**SIGNUP, "password": "x" * 1001, "confirm": "x" * 1001},
        400,
        ["Use at most 1000 characters."],
    ),
    ("/login", {}, 400, ["Enter your e-mail address.", "Enter your password."]),
    ("/login", {"email": "nope", "password": "x"}, 400, ["Enter an e-mail address like"]),
    ("/forgot-password", {}, 400, ["Enter your e-mail address."]),
    ("/forgot-password", {"email": "@example.no"}, 400, ["Enter an e-mail address like"]),
]


@pytest.mark.parametrize(("path", "data", "status", "messages"), ANONYMOUS_FORMS)
def test_anonymous_forms_show_field_errors_and_save_nothing(
    client, factory, path, data, status, messages
):
    factory.user("someone@example.no")
    before = snapshot()
    response = post_form(english(client), path, data)
    assert_field_errors(response, status, messages)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({}, ["Choose a password.", "Repeat the password."]),
        ({"password": "short", "confirm": "short"}, ["at least 10"]),
        ({"password": GOOD_PASSWORD, "confirm": "different"}, ["not the same"]),
    ],
)
def test_reset_form_shows_field_errors_and_keeps_the_password(client, factory, data, messages):
    user = factory.user()
    post_form(client, "/forgot-password", {"email": user.email})
    path = link_path(mails(kind="reset_password")[0])
    before, state = snapshot(), user_state(user)
    assert_field_errors(post_form(english(client), path, data), 400, messages)
    assert snapshot() == before
    assert user_state(user) == state


# --- Forms for members ------------------------------------------------------------

MEMBER_FORMS = [
    ("/profile", {"language": "en"}, 400, ["This field is required."]),
    ("/profile", {"name": "Ola", "language": "sv"}, 400, ["valid choice"]),
    ("/profile", {"name": "x" * 201, "language": "en"}, 400, ["Use at most 200 characters."]),
    ("/profile", {"name": "O", "job_title": "x" * 201, "language": "en"}, 400, ["at most 200"]),
    ("/profile/password", {}, 400, ["Enter your current password.", "Choose a password."]),
    ("/profile/email", {}, 400, ["Enter your e-mail address.", "Enter your current password."]),
    (
        "/profile/email",
        {"new_email": "no-at-sign", "email_password": TEST_PASSWORD},
        400,
        ["Enter an e-mail address like"],
    ),
    ("/profile/tokens", {}, 400, ["Give the token a name."]),
    ("/profile/tokens", {"token_name": "t" * 101}, 400, ["Use at most 100 characters."]),
    ("/admin/users/{target}", {"roles": ["owner"]}, 400, ["valid choice"]),
]


@pytest.fixture
def admin(factory, login):
    person = factory.user("ada@example.no", roles=("admin",), language="en", name="Ada")
    login(person)
    return person


@pytest.mark.parametrize(("path", "data", "status", "messages"), MEMBER_FORMS)
def test_member_forms_show_field_errors_and_save_nothing(
    client, factory, admin, path, data, status, messages
):
    target = factory.user("target@example.no", roles=("instructor",))
    before = snapshot()
    states = user_state(admin), user_state(target)
    response = post_form(client, path.format(target=target.id), data, form_page="/profile")
    if path.startswith("/admin/"):
        # The role form marks its fieldset rather than one input.
        assert response.status_code == status
        assert messages[0] in response.get_data(as_text=True)
    else:
        assert_field_errors(response, status, messages)
    assert snapshot() == before
    assert (user_state(admin), user_state(target)) == states


# --- Oversized bodies ---------------------------------------------------------------


def test_the_default_body_limit_is_set(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 5 * 1024 * 1024


@pytest.mark.parametrize("path", ["/signup", "/login", "/forgot-password", "/language"])
def test_oversized_form_body_is_413_in_the_frame(client, path):
    before = snapshot()
    token = csrf_token(client, "/login")  # anonymous pages carry no token
    data = {**SIGNUP, "csrf_token": token, "name": "x" * (5 * 1024 * 1024 + 1)}
    response = english(client).post(path, data=data)
    assert response.status_code == 413
    assert '<main id="main"' in response.get_data(as_text=True)
    assert snapshot() == before


def test_oversized_body_is_refused_before_a_view_runs(client, factory, login):
    login(factory.user())
    # Revoking reads no form field, so only an up-front check can refuse the body.
    response = client.post("/profile/tokens/1/revoke", data={"x": "y" * (5 * 1024 * 1024 + 1)})
    assert response.status_code == 413


# --- Malformed ids --------------------------------------------------------------------

MALFORMED_PATHS = [
    "/admin/users/abc",
    "/admin/users/99999999999999999999",
    "/admin/users/2147483648",
    "/admin/users/-1",
    "/admin/users/0",
    "/admin/users/1.5",
    "/admin/users/1e3",
    "/admin/users/%20",
    "/admin/mail/abc",
    "/admin/mail/99999999999999999999",
    "/admin/mail/-7",
]


@pytest.mark.parametrize("path", MALFORMED_PATHS)
def test_malformed_ids_are_404_not_500(client, admin, path):
    response = client.get(path)
    assert response.status_code == 404
    assert '<main id="main"' in response.get_data(as_text=True)


@pytest.mark.parametrize("token_id", ["abc", "99999999999999999999", "0", "-1"])
def test_malformed_token_ids_are_404(client, admin, token_id):
    token = csrf_token(client, "/profile")
    response = client.post(f"/profile/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert response.status_code == 404
    api = client.delete(f"/api/v1/tokens/{token_id}", headers={"X-CSRFToken": token})
    assert api.status_code == 404
    assert api.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "abc", "0", ""])
def test_silly_page_numbers_still_give_a_page(client, admin, page):
    for path in ("/admin/users", "/admin/mail"):
        assert client.get(f"{path}?page={page}").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/admin/users?q=%00",
        "/verify/%00",
        "/reset-password/a%00b",
        "/profile/email/confirm/%00",
        "/login?next=/%00",
    ],
)
def test_nul_characters_are_400_not_500(client, admin, path):
    assert client.get(path).status_code == 400


def test_nul_character_in_a_form_saves_nothing(client, admin):
    before, state = snapshot(), user_state(admin)
    response = post_form(client, "/profile", {"name": "Ada\x00", "language": "en"})
    assert response.status_code == 400
    assert (snapshot(), user_state(admin)) == (before, state)


# --- Fuzz: no input ever gives a 5xx ------------------------------------------------

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b@example.no",
        "x" * 5000,
        "'; DROP TABLE lms_users; --",
        "%",
        "_",
        "\\",
        "<script>alert(1)</script>",
        "ola@example.no",
        "OLA@EXAMPLE.NO",
        "𝕦𝕟𝕚𝕔𝕠𝕕𝕖@example.no",
        "ola@[127.0.0.1]",
        "nb",
        "en",
        "admin",
        "\u202e",
        "\r\n",
        "9" * 30,
        "-1",
    ]
)
TEXT = st.one_of(NASTY, st.text(st.characters(exclude_categories=("Cs",)), max_size=300))
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ANONYMOUS_FIELDS = {
    "/signup": ["email", "name", "organisation", "job_title", "language", "password", "confirm"],
    "/login": ["email", "password", "remember", "next"],
    "/forgot-password": ["email"],
    "/language": ["language", "next"],
}
MEMBER_FIELDS = {
    "/profile": ["name", "organisation", "job_title", "language"],
    "/profile/password": ["current_password", "password", "confirm"],
    "/profile/email": ["new_email", "email_password"],
    "/profile/tokens": ["token_name"],
    "/admin/users/{target}": ["roles"],
    "/language": ["language", "next"],
}


def form_strategy(fields_by_path):
    return st.sampled_from(sorted(fields_by_path)).flatmap(
        lambda path: st.tuples(
            st.just(path),
            st.dictionaries(st.sampled_from(fields_by_path[path]), TEXT, max_size=8),
        )
    )


def relax_limits(app):
    app.config.update(
        LMS_SIGNUP_RATE_LIMIT="100000 per minute",
        LMS_LOGIN_RATE_LIMIT="100000 per minute",
        LMS_LOGIN_ACCOUNT_RATE_LIMIT="100000 per minute",
        LMS_RESET_RATE_LIMIT="100000 per minute",
    )


@pytest.mark.slow
def test_fuzz_anonymous_forms_never_5xx(app, factory):
    relax_limits(app)
    factory.user("ola@example.no")
    client = app.test_client()
    token = csrf_token(client, "/login")  # anonymous pages carry no token

    @FUZZ
    @given(form_strategy(ANONYMOUS_FIELDS))
    @example(("/signup", {**SIGNUP, "name": "Nul\x00"}))
    @example(("/signup", {**SIGNUP, "email": "ola@example.no\x00"}))
    @example(("/login", {"email": "ola@example.no", "password": "\x00"}))
    def check(case):
        path, data = case
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code < 500, (path, data)

    check()


@pytest.mark.slow
def test_fuzz_member_forms_never_5xx(app, factory, admin, client):
    relax_limits(app)
    target = factory.user("target@example.no")
    token = csrf_token(client, "/profile")

    @FUZZ
    @given(form_strategy(MEMBER_FIELDS))
    @example(("/profile", {"name": "Nul\x00", "language": "en"}))
    @example(("/profile/tokens", {"token_name": "\x00"}))
    @example(("/admin/users/{target}", {"roles": "admin\x00"}))
    def check(case):
        path, data = case
        response = client.post(path.format(target=target.id), data={"csrf_token": token, **data})
        assert response.status_code < 500, (path, data)

    check()


PATHS = [
    "/admin/users",
    "/admin/users/{}",
    "/admin/mail",
    "/admin/mail/{}",
    "/api/v1/{}",
    "/api/v1/tokens/{}",
    "/verify/{}",
    "/reset-password/{}",
    "/profile/email/confirm/{}",
    "/profile/tokens/{}/revoke",
    "/login",
    "/{}",
]


@pytest.mark.slow
def test_fuzz_paths_and_queries_never_5xx(app, admin, client):
    token = csrf_token(client, "/profile")

    @FUZZ
    @given(
        st.sampled_from(PATHS),
        TEXT,
        st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH"]),
        st.dictionaries(st.sampled_from(["q", "page", "next"]), TEXT, max_size=3),
    )
    @example("/admin/users", "", "GET", {"q": "\x00"})
    @example("/admin/users/{}", "99999999999999999999", "GET", {})
    @example("/verify/{}", "\x00", "GET", {})
    def check(template, segment, method, query):
        path = template.format(quote(segment, safe=""))
        response = client.open(
            path, method=method, query_string=query, headers={"X-CSRFToken": token}
        )
        assert response.status_code < 500, (method, path, query)
        if path.startswith("/api/"):
            assert response.mimetype == "application/json", path

    check()


@pytest.mark.slow
def test_fuzz_api_with_a_bearer_token_never_5xx(app, admin, client):
    from lms.accounts import services
    from lms.extensions import db

    _token, raw = services.create_api_token(reload_user(admin), "fuzz")
    db.session.commit()
    anonymous = app.test_client()

    @FUZZ
    @given(TEXT, st.sampled_from(["GET", "DELETE", "POST"]), st.booleans())
    def check(segment, method, good_token):
        # A header travels as latin-1 and cannot hold a line break (the client refuses).
        garbage = segment.encode().decode("latin-1").translate({10: None, 13: None})
        header = f"Bearer {raw}" if good_token else f"Bearer {garbage}"
        response = anonymous.open(
            "/api/v1/" + quote(segment, safe=""), method=method, headers={"Authorization": header}
        )
        assert response.status_code < 500
        assert response.mimetype == "application/json"

    check()
