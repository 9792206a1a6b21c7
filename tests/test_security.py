"""The account protections the foundation issue demands, each shown to bite:
CSRF, rate limits, open-redirect refusal, no account enumeration, security
headers, cookie flags and the end of old sessions after a password change."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import conftest
import pytest
from accounts_support import (
    TEST_PASSWORD,
    csrf_token,
    english,
    is_logged_in,
    link_path,
    mails,
    post_form,
    reload_user,
    snapshot,
    strip_csrf,
)
from sqlalchemy import select

from lms import create_app
from lms.accounts import services
from lms.accounts.models import ApiToken, UserToken
from lms.accounts.passwords import burn_time, verify_password
from lms.extensions import db

# --- CSRF ----------------------------------------------------------------------------


@dataclass
class Attack:
    """A state-changing POST as a forged cross-site form would send it (no token)."""

    path: str
    data: dict
    unchanged: Callable[[], None]


def _logged_in(factory, login, roles=()):
    user = factory.user("victim@example.no", roles=roles)
    login(user)
    return user


def csrf_login(factory, login, client):
    user = factory.user("victim@example.no")
    return Attack(
        "/login",
        {"email": user.email, "password": TEST_PASSWORD},
        lambda: not_logged_in(client),
    )


def csrf_signup(factory, login, client):
    before = snapshot()
    data = {"email": "new@example.no", "name": "New", "language": "nb"}
    data |= {"password": "long enough password", "confirm": "long enough password"}
    return Attack("/signup", data, lambda: same(snapshot(), before))


def csrf_forgot(factory, login, client):
    user = factory.user("victim@example.no")
    return Attack("/forgot-password", {"email": user.email}, lambda: same(mails(), []))


def csrf_reset(factory, login, client):
    user = factory.user("victim@example.no")
    post_form(client, "/forgot-password", {"email": user.email})
    path = link_path(mails(kind="reset_password")[0])
    new = "attacker's own password"

    def unchanged():
        assert verify_password(reload_user(user).password_hash, TEST_PASSWORD)
        assert db.session.scalar(select(UserToken)).used_at is None

    return Attack(path, {"password": new, "confirm": new}, unchanged)


def csrf_logout(factory, login, client):
    _logged_in(factory, login)
    return Attack("/logout", {}, lambda: logged_in(client))


def csrf_language(factory, login, client):
    user = _logged_in(factory, login)
    return Attack("/language", {"language": "en"}, lambda: same(reload_user(user).language, "nb"))


def csrf_profile(factory, login, client):
    user = _logged_in(factory, login)
    name = user.name
    return Attack(
        "/profile", {"name": "Hacked", "language": "nb"}, lambda: same(reload_user(user).name, name)
    )


def csrf_password(factory, login, client):
    user = _logged_in(factory, login)
    new = "attacker's own password"
    data = {"current_password": TEST_PASSWORD, "password": new, "confirm": new}
    return Attack(
        "/profile/password",
        data,
        lambda: same(verify_password(reload_user(user).password_hash, TEST_PASSWORD), True),
    )


def csrf_email(factory, login, client):
    _logged_in(factory, login)
    data = {"new_email": "attacker@example.no", "email_password": TEST_PASSWORD}
    return Attack("/profile/email", data, lambda: same(mails(), []))


def csrf_token_create(factory, login, client):
    _logged_in(factory, login)
    return Attack(
        "/profile/tokens",
        {"token_name": "attacker"},
        lambda: same(db.session.scalar(select(ApiToken)), None),
    )


def csrf_token_revoke(factory, login, client):
    user = _logged_in(factory, login)
    token, _raw = services.create_api_token(user, "mine")
    db.session.commit()
    token_id = token.id
    return Attack(
        f"/profile/tokens/{token_id}/revoke",
        {},
        lambda: same(db.session.get(ApiToken, token_id).revoked_at, None),
    )


def csrf_roles(factory, login, client):
    _logged_in(factory, login, roles=("admin",))
    target = factory.user("someone@example.no")
    return Attack(
        f"/admin/users/{target.id}",
        {"roles": ["admin"]},
        lambda: same(reload_user(target).role_names, {"participant"}),
    )


CSRF_ATTACKS = {
    "lms_accounts.login": csrf_login,
    "lms_accounts.signup": csrf_signup,
    "lms_accounts.forgot_password": csrf_forgot,
    "lms_accounts.reset_password": csrf_reset,
    "lms_accounts.logout": csrf_logout,
    "lms_core.set_language": csrf_language,
    "lms_accounts.profile": csrf_profile,
    "lms_accounts.change_password": csrf_password,
    "lms_accounts.change_email": csrf_email,
    "lms_accounts.create_token": csrf_token_create,
    "lms_accounts.revoke_token": csrf_token_revoke,
    "lms_admin.user_roles": csrf_roles,
}


def same(actual, expected):
    db.session.expire_all()
    assert actual == expected


def logged_in(client):
    assert is_logged_in(client)


def not_logged_in(client):
    assert not is_logged_in(client)


def test_every_html_form_endpoint_has_a_csrf_case(app):
    """A new state-changing page must be added to CSRF_ATTACKS (the API is tested apart)."""
    posting = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        and not rule.endpoint.startswith("lms_api.")
    }
    assert posting == set(CSRF_ATTACKS)


@pytest.mark.parametrize("endpoint", sorted(CSRF_ATTACKS))
def test_post_without_csrf_token_is_refused_and_changes_nothing(endpoint, client, factory, login):
    attack = CSRF_ATTACKS[endpoint](factory, login, client)
    response = client.post(attack.path, data=attack.data)
    assert response.status_code == 400
    assert '<main id="main"' in response.get_data(as_text=True), "400 page in the LMS frame"
    attack.unchanged()


@pytest.mark.parametrize("endpoint", ["lms_accounts.login", "lms_accounts.profile"])
def test_post_with_a_token_from_another_session_is_refused(endpoint, client, factory, login, app):
    attack = CSRF_ATTACKS[endpoint](factory, login, client)
    stolen = re.search(
        r'name="csrf_token" value="([^"]+)"', app.test_client().get("/").get_data(as_text=True)
    ).group(1)
    response = client.post(attack.path, data={**attack.data, "csrf_token": stolen})
    assert response.status_code == 400
    attack.unchanged()


# --- Rate limits ---------------------------------------------------------------------


def assert_rate_limited(response):
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert '<main id="main"' in html, "the 429 page is in the LMS frame"
    assert "Too many attempts" in html


def test_login_is_rate_limited_per_address(client, factory, app):
    app.config.update(LMS_LOGIN_RATE_LIMIT="3 per minute", LMS_LOGIN_ACCOUNT_RATE_LIMIT="99/minute")
    user = factory.user()
    english(client)
    for n in range(3):
        data = {"email": f"guess{n}@example.no", "password": "guess"}
        assert post_form(client, "/login", data).status_code == 200
    blocked = post_form(client, "/login", {"email": user.email, "password": TEST_PASSWORD})
    assert_rate_limited(blocked)
    assert not is_logged_in(client), "even the right password is refused while limited"
    assert client.get("/login").status_code == 200, "only attempts count, not page views"

    elsewhere = english(app.test_client())
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    ok = post_form(elsewhere, "/login", {"email": user.email, "password": TEST_PASSWORD})
    assert ok.status_code == 302, "another address is not affected"


def test_login_is_rate_limited_per_account_across_addresses(client, factory, app):
    app.config.update(LMS_LOGIN_RATE_LIMIT="99 per minute", LMS_LOGIN_ACCOUNT_RATE_LIMIT="2/minute")
    victim = factory.user("victim@example.no")
    bystander = factory.user("bystander@example.no")
    for n in range(2):
        attacker = app.test_client()
        attacker.environ_base["REMOTE_ADDR"] = f"198.51.100.{n}"
        data = {"email": "Victim@example.no", "password": f"guess {n}"}
        assert post_form(attacker, "/login", data).status_code == 200

    fresh = english(app.test_client())
    fresh.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    data = {"email": victim.email, "password": TEST_PASSWORD}
    assert_rate_limited(post_form(fresh, "/login", data))
    data = {"email": bystander.email, "password": TEST_PASSWORD}
    assert post_form(fresh, "/login", data).status_code == 302


def test_password_reset_request_is_rate_limited(client, factory, app):
    app.config["LMS_RESET_RATE_LIMIT"] = "2 per minute"
    user = factory.user()
    english(client)
    for _ in range(2):
        assert post_form(client, "/forgot-password", {"email": user.email}).status_code == 200
    assert_rate_limited(post_form(client, "/forgot-password", {"email": user.email}))
    assert len(mails(to=user.email)) == 2, "the refused request sends no mail"


def test_choosing_a_new_password_is_rate_limited(client, factory, app):
    user = factory.user()
    post_form(client, "/forgot-password", {"email": user.email})
    path = link_path(mails(kind="reset_password")[0])
    app.config["LMS_RESET_RATE_LIMIT"] = "2 per minute"
    english(client)
    for _ in range(2):
        assert post_form(client, path, {"password": "short", "confirm": "short"}).status_code == 200
    new = "a new long password"
    assert_rate_limited(post_form(client, path, {"password": new, "confirm": new}))
    assert verify_password(reload_user(user).password_hash, TEST_PASSWORD)


def test_signup_is_rate_limited(client, app):
    app.config["LMS_SIGNUP_RATE_LIMIT"] = "1 per minute"
    english(client)
    data = {"name": "N", "language": "nb", "password": "x" * 12, "confirm": "x" * 12}
    assert post_form(client, "/signup", {**data, "email": "a@example.no"}).status_code == 200
    assert_rate_limited(post_form(client, "/signup", {**data, "email": "b@example.no"}))
    assert reload_user("b@example.no") is None


# --- Open redirects ------------------------------------------------------------------

EVIL_TARGETS = [
    "https://evil.example",
    "http://evil.example/login",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "https:evil.example",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "evil.example",
]


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_login_refuses_to_redirect_off_site(client, factory, target):
    user = factory.user()
    response = post_form(
        client,
        "/login",
        {"email": user.email, "password": TEST_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_logged_in_login_page_refuses_to_redirect_off_site(client, factory, login, target):
    login(factory.user())
    response = client.get("/login", query_string={"next": target})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_language_switch_refuses_to_redirect_off_site(client, target):
    response = post_form(client, "/language", {"language": "en", "next": target}, form_page="/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_returns_to_the_page(client):
    response = post_form(
        client, "/language", {"language": "en", "next": "/login?next=/profile"}, form_page="/"
    )
    assert response.headers["Location"] == "/login?next=/profile"
    assert client.get("/").get_data(as_text=True).startswith('<!doctype html>\n<html lang="en"')


# --- No enumeration ------------------------------------------------------------------


def comparable(response, *emails: str) -> tuple[int, str]:
    """Status and page with the CSRF token and the typed e-mail blanked out."""
    html = strip_csrf(response.get_data(as_text=True))
    for email in emails:
        html = html.replace(email, "EMAIL")
    return response.status_code, html


def test_signup_with_a_taken_email_looks_like_a_new_signup(app, factory):
    owner = factory.user("taken@example.no", language="en")
    data = {"name": "X", "language": "nb", "password": "x" * 12, "confirm": "x" * 12}
    before = snapshot()["users"]
    taken = post_form(app.test_client(), "/signup", {**data, "email": owner.email})
    assert snapshot()["users"] == before, "no second account"
    fresh = post_form(app.test_client(), "/signup", {**data, "email": "free@example.no"})
    assert comparable(taken, owner.email) == comparable(fresh, "free@example.no")
    [notice] = mails(to=owner.email)
    assert notice.kind == "account_exists", "the owner is told by mail instead"


def test_forgot_password_says_the_same_for_unknown_and_known(app, factory):
    user = factory.user("known@example.no")
    known = post_form(app.test_client(), "/forgot-password", {"email": user.email})
    unknown = post_form(app.test_client(), "/forgot-password", {"email": "nobody@example.no"})
    assert comparable(known, user.email) == comparable(unknown, "nobody@example.no")
    assert [m.kind for m in mails(to=user.email)] == ["reset_password"]
    assert mails(to="nobody@example.no") == []


def test_login_says_the_same_for_unknown_email_and_wrong_password(app, factory):
    user = factory.user("known@example.no")
    unverified = factory.user("unverified@example.no", verified=False)
    wrong = post_form(app.test_client(), "/login", {"email": user.email, "password": "wrong!"})
    unknown = post_form(
        app.test_client(), "/login", {"email": "nobody@example.no", "password": "wrong!"}
    )
    unconfirmed = post_form(
        app.test_client(), "/login", {"email": unverified.email, "password": "wrong!"}
    )
    expected = comparable(unknown, "nobody@example.no")
    assert comparable(wrong, user.email) == expected
    assert comparable(unconfirmed, unverified.email) == expected
    assert mails() == [], "a wrong password sends no verification mail"


@pytest.fixture
def argon2_calls(monkeypatch):
    """Counts real Argon2 hash and verify calls: the work that makes a request slow."""
    from argon2 import PasswordHasher

    calls = []
    for name in ("hash", "verify"):
        real = getattr(PasswordHasher, name)

        def counted(self, *args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(PasswordHasher, name, counted)
    return calls


def test_signup_with_a_taken_email_costs_as_much_as_a_new_one(app, factory, argon2_calls):
    """Timing must not tell either: both paths run one Argon2 operation."""
    factory.user("taken@example.no")
    data = {"name": "X", "language": "nb", "password": "x" * 12, "confirm": "x" * 12}
    client = app.test_client()
    token = csrf_token(client, "/signup")
    burn_time("warm-up")  # the dummy hash is made once per app, then reused
    del argon2_calls[:]
    client.post("/signup", data={**data, "email": "free@example.no", "csrf_token": token})
    new_account = len(argon2_calls)
    del argon2_calls[:]
    client.post("/signup", data={**data, "email": "taken@example.no", "csrf_token": token})
    assert new_account == 1
    assert len(argon2_calls) == new_account


def test_login_with_an_unknown_email_costs_as_much_as_a_wrong_password(app, factory, argon2_calls):
    user = factory.user("known@example.no")
    client = app.test_client()
    token = csrf_token(client, "/login")
    burn_time("warm-up")  # the dummy hash is made once per app, then reused
    del argon2_calls[:]
    client.post("/login", data={"email": "x@example.no", "password": "p", "csrf_token": token})
    unknown = list(argon2_calls)
    del argon2_calls[:]
    client.post("/login", data={"email": user.email, "password": "p", "csrf_token": token})
    assert unknown == argon2_calls == ["verify"]


# --- Headers and cookies -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page", "/api/v1/me", "/healthz"])
def test_security_headers(client, path):
    headers = client.get(path).headers
    csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'", "no inline or third-party script"
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin"}


INLINE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style", re.I)


@pytest.mark.parametrize("role", [None, "admin"])
def test_pages_need_no_inline_script_or_style(client, factory, login, role):
    """The CSP forbids inline script and style, so no page may rely on them."""
    paths = ["/", "/login", "/signup", "/forgot-password", "/nope"]
    if role:
        login(factory.user(roles=(role,)))
        paths += ["/profile", "/admin/users", "/admin/mail"]
    for path in paths:
        html = client.get(path).get_data(as_text=True)
        assert not INLINE.search(html), f"{path}: {INLINE.search(html).group(0)}"


def cookie_header(response, name: str) -> str:
    found = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    assert found, f"no {name} cookie set"
    return found[0]


def test_cookies_are_httponly_and_samesite_lax(client, factory):
    user = factory.user()
    data = {"email": user.email, "password": TEST_PASSWORD, "remember": "y"}
    response = post_form(client, "/login", data)
    for name in ("session", "remember_token"):
        header = cookie_header(response, name)
        assert "HttpOnly" in header
        assert "SameSite=Lax" in header
        assert "Secure" not in header, "plain http in tests"


def test_cookies_are_secure_behind_https(migrated_database):
    secure_app = create_app(conftest.test_config(LMS_BASE_URL="https://lms.example"))
    with secure_app.app_context():
        services.create_user("ola@example.no", TEST_PASSWORD, "Ola", verified=True)
        db.session.commit()
        try:
            client = secure_app.test_client()
            base = {"base_url": "https://lms.example"}
            page = client.get("/login", **base).get_data(as_text=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            response = client.post(
                "/login",
                data={
                    "csrf_token": token,
                    "email": "ola@example.no",
                    "password": TEST_PASSWORD,
                    "remember": "y",
                },
                headers={"Referer": "https://lms.example/login"},
                **base,
            )
            assert response.status_code == 302
            for name in ("session", "remember_token"):
                assert "Secure" in cookie_header(response, name)
        finally:
            db.session.remove()
            conftest._clean_tables()
            db.engine.dispose()


# --- Old sessions end when the password changes ----------------------------------------


def test_an_old_session_cookie_is_dead_after_a_password_change(client, factory, login):
    user = factory.user()
    login(user)
    old_cookie = client.get_cookie("session").value
    new = "a new long password"
    post_form(
        client,
        "/profile/password",
        {"current_password": TEST_PASSWORD, "password": new, "confirm": new},
        form_page="/profile",
    )
    assert is_logged_in(client)
    client.set_cookie("session", old_cookie)  # a copy stolen before the change
    assert not is_logged_in(client)


def test_an_old_session_cookie_is_dead_after_a_reset(client, factory, login, app):
    user = factory.user()
    login(user)
    old_cookie = client.get_cookie("session").value
    other = app.test_client()
    post_form(other, "/forgot-password", {"email": user.email})
    path = link_path(mails(kind="reset_password")[0])
    post_form(other, path, {"password": "a new long password", "confirm": "a new long password"})
    client.set_cookie("session", old_cookie)
    assert not is_logged_in(client)
