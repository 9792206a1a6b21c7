"""Rate limits on login, reset and sign-up answer 429 in the LMS frame."""

from __future__ import annotations

import time

from accounts_support import (
    TEST_PASSWORD,
    english,
    is_logged_in,
    link_path,
    mails,
    post_form,
    reload_user,
)

from lms.accounts.passwords import verify_password

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
        assert post_form(client, "/login", data).status_code == 400
    blocked = post_form(client, "/login", {"email": user.email, "password": TEST_PASSWORD})
    assert_rate_limited(blocked)
    assert not is_logged_in(client), "even the right password is refused while limited"
    assert client.get("/login").status_code == 200, "only attempts count, not page views"

    elsewhere = english(app.test_client())
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    ok = post_form(elsewhere, "/login", {"email": user.email, "password": TEST_PASSWORD})
    assert ok.status_code == 302, "another address is not affected"


class _Clock:
    """``time`` for the limiter's in-memory storage, moved by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def __getattr__(self, name):
        return getattr(time, name)


def test_login_limit_is_a_moving_window(client, factory, app, monkeypatch):
    """Three attempts late in one minute and none early in the next: a fixed window would
    start afresh a minute after the first attempt and let three more through at once."""
    import limits.storage.memory

    clock = _Clock(time.time())
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    app.config.update(LMS_LOGIN_RATE_LIMIT="3 per minute", LMS_LOGIN_ACCOUNT_RATE_LIMIT="99/minute")
    user = factory.user()
    english(client)
    first = {"email": "a@example.no", "password": "x"}
    assert post_form(client, "/login", first).status_code == 400
    clock.now += 55
    for n in range(2):
        data = {"email": f"guess{n}@example.no", "password": "guess"}
        assert post_form(client, "/login", data).status_code == 400
    clock.now += 10  # 65 s after the first attempt, 10 s after the last two
    data = {"email": "b@example.no", "password": "guess"}
    assert post_form(client, "/login", data).status_code == 400, "the first has left the window"
    right = {"email": user.email, "password": TEST_PASSWORD}
    assert_rate_limited(post_form(client, "/login", right))
    clock.now += 51  # the two at +55 s have left it too
    ok = post_form(client, "/login", right)
    assert ok.status_code == 302


def test_login_is_rate_limited_per_account_across_addresses(client, factory, app):
    app.config.update(LMS_LOGIN_RATE_LIMIT="99 per minute", LMS_LOGIN_ACCOUNT_RATE_LIMIT="2/minute")
    victim = factory.user("victim@example.no")
    bystander = factory.user("bystander@example.no")
    for n in range(2):
        attacker = app.test_client()
        attacker.environ_base["REMOTE_ADDR"] = f"198.51.100.{n}"
        data = {"email": "Victim@example.no", "password": f"guess {n}"}
        assert post_form(attacker, "/login", data).status_code == 400

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
        assert post_form(client, path, {"password": "short", "confirm": "short"}).status_code == 400
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
