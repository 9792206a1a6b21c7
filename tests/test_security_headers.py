"""Security headers, cookie flags, and old sessions ending when the password changes."""

from __future__ import annotations

import re

import conftest
import pytest
from accounts_support import (
    TEST_PASSWORD,
    is_logged_in,
    link_path,
    mails,
    post_form,
)

from lms import create_app
from lms.accounts import services
from lms.extensions import db

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
