"""Log in, log out and "remember me"."""

from __future__ import annotations

from accounts_support import (
    TEST_PASSWORD,
    english,
    is_logged_in,
    post_form,
    reload_user,
)

from lms.accounts import services
from lms.extensions import db

REMEMBER_COOKIE = "remember_token"


def log_in(client, email, password=TEST_PASSWORD, **extra):
    return post_form(client, "/login", {"email": email, "password": password, **extra})


def test_login_with_the_right_password(client, factory):
    user = factory.user()
    response = log_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/me"
    assert is_logged_in(client)
    assert client.get("/api/v1/me").json["email"] == user.email


def test_login_ignores_the_case_of_the_email(client, factory):
    factory.user("ola@example.no")
    assert log_in(client, " OLA@Example.no ").status_code == 302


def test_wrong_password_is_refused_with_a_field_error(client, factory):
    user = factory.user()
    response = log_in(english(client), user.email, "not the password")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Wrong e-mail address or password." in html
    assert 'aria-invalid="true"' in html
    assert not is_logged_in(client)


def test_deactivated_user_cannot_log_in(client, factory):
    user = factory.user()
    user.active = False
    db.session.commit()
    assert log_in(client, user.email).status_code == 400
    assert not is_logged_in(client)


def test_login_follows_a_local_next(client, factory):
    user = factory.user()
    response = post_form(
        client,
        "/login?next=/profile%3Ftab%3Dtokens",
        {"email": user.email, "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/profile?tab=tokens"


def test_protected_page_sends_to_login_with_next(client, factory):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fprofile"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/profile"' in html


def test_a_logged_in_user_is_sent_on_from_login(client, factory, login):
    login(factory.user())
    assert client.get("/login").headers["Location"] == "/me"
    assert client.get("/login?next=/profile").headers["Location"] == "/profile"


def test_logout_needs_a_post(client, factory, login):
    login(factory.user())
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)
    response = post_form(client, "/logout", {}, form_page="/")
    assert response.status_code == 302
    assert not is_logged_in(client)


def test_without_remember_me_no_remember_cookie_is_set(client, factory):
    log_in(client, factory.user().email)
    assert client.get_cookie(REMEMBER_COOKIE) is None


def test_remember_me_keeps_the_user_logged_in_after_the_session_ends(client, factory):
    user = factory.user()
    response = log_in(client, user.email, remember="y")
    set_cookie = [
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER_COOKIE)
    ]
    assert set_cookie, "remember me sets a remember cookie"
    assert "HttpOnly" in set_cookie[0]
    assert "SameSite=Lax" in set_cookie[0]

    client.delete_cookie("session")  # the browser was closed
    assert is_logged_in(client)


def test_remember_cookie_stops_working_after_a_password_change(client, factory, app):
    user = factory.user()
    log_in(client, user.email, remember="y")
    client.delete_cookie("session")
    assert is_logged_in(client)

    services.change_password(reload_user(user), TEST_PASSWORD, "a brand new password")
    db.session.commit()

    client.delete_cookie("session")
    assert not is_logged_in(client), "the old remember cookie must not log in after a change"


def test_logout_forgets_the_remember_cookie(client, factory):
    user = factory.user()
    log_in(client, user.email, remember="y")
    post_form(client, "/logout", {}, form_page="/")
    assert client.get_cookie(REMEMBER_COOKIE) is None
    assert not is_logged_in(client)


def test_weaker_hash_is_upgraded_at_login(client, factory, app):
    user = factory.user()
    old_hash = user.password_hash
    app.config["LMS_ARGON2_TIME_COST"] = 2
    assert log_in(client, user.email).status_code == 302
    new_hash = reload_user(user).password_hash
    assert new_hash != old_hash
    assert "t=2" in new_hash


def test_a_logged_in_page_loads_the_user_with_one_query(client, factory, login, count_queries):
    """The user and their roles arrive in one query, on every logged-in request."""
    login(factory.user(roles=("organiser",)))
    with count_queries() as statements:
        assert client.get("/").status_code == 200
    assert len(statements) == 1, statements
