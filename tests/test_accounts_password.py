"""Password reset by a single-use, time-limited e-mailed link, and password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from accounts_support import (
    TEST_PASSWORD,
    english,
    is_logged_in,
    link_path,
    mails,
    post_form,
    reload_user,
)
from sqlalchemy import select, update

from lms.accounts.models import UserToken
from lms.accounts.passwords import verify_password
from lms.extensions import db
from lms.timeutil import utcnow

NEW_PASSWORD = "a different long password"


def ask_for_reset(client, email):
    return post_form(client, "/forgot-password", {"email": email})


def reset_link(client, user) -> str:
    ask_for_reset(client, user.email)
    return link_path(mails(to=user.email, kind="reset_password")[-1])


def choose(client, path, password=NEW_PASSWORD, confirm=None):
    # The token comes from the login form: a used or expired link's page has no form.
    data = {"password": password, "confirm": confirm or password}
    return post_form(client, path, data, form_page="/login")


def password_works(user, password) -> bool:
    return verify_password(reload_user(user).password_hash, password)


def test_reset_link_sets_a_new_password(client, factory):
    user = factory.user()
    path = reset_link(client, user)
    assert path.startswith("/reset-password/")
    assert client.get(path).status_code == 200

    response = choose(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert password_works(user, NEW_PASSWORD)
    assert not password_works(user, TEST_PASSWORD)


def test_reset_mail_is_in_the_users_language(client, factory):
    user = factory.user(language="en")
    ask_for_reset(client, user.email)
    [mail] = mails(to=user.email)
    assert mail.subject == "Choose a new password"
    assert "It works once, for 60 minutes" in mail.body_text


def test_reset_link_works_only_once(client, factory):
    user = factory.user()
    path = reset_link(client, user)
    choose(client, path)

    assert client.get(path).status_code == 404
    second = choose(client, path, password="yet another long password")
    assert second.status_code == 404
    assert password_works(user, NEW_PASSWORD), "a used link must not change the password again"


def test_expired_reset_link_is_refused(client, factory):
    user = factory.user()
    path = reset_link(client, user)
    db.session.execute(update(UserToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    page = english(client).get(path)
    assert page.status_code == 404
    assert "The link does not work" in page.get_data(as_text=True)
    assert choose(client, path).status_code == 404
    assert password_works(user, TEST_PASSWORD)


def test_reset_token_lifetime_comes_from_config(client, factory, app):
    app.config["LMS_RESET_TOKEN_MAX_AGE"] = 900
    user = factory.user()
    reset_link(client, user)
    token = db.session.scalar(select(UserToken))
    lifetime = token.expires_at - token.created_at
    assert timedelta(seconds=899) <= lifetime <= timedelta(seconds=901)


def test_using_one_reset_link_kills_the_older_ones(client, factory):
    user = factory.user()
    first = reset_link(client, user)
    second = reset_link(client, user)
    assert first != second
    choose(client, second)
    assert client.get(first).status_code == 404


def test_reset_token_is_stored_hashed(client, factory):
    user = factory.user()
    raw = reset_link(client, user).rsplit("/", 1)[1]
    token = db.session.scalar(select(UserToken))
    assert raw not in token.token_hash
    import hashlib

    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()


def test_an_unknown_reset_token_is_a_404(client):
    assert client.get("/reset-password/not-a-real-token").status_code == 404


def test_a_rejected_form_does_not_use_up_the_link(client, factory):
    user = factory.user()
    path = reset_link(client, user)
    response = choose(english(client), path, password="short")
    assert response.status_code == 400
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    assert choose(client, path).status_code == 302


def test_reset_ends_every_session(client, factory, login, app):
    user = factory.user()
    login(user)
    other = app.test_client()
    choose(other, reset_link(other, user))
    assert not is_logged_in(client)


def test_reset_proves_the_address_of_an_unverified_user(client, factory):
    user = factory.user(verified=False)
    choose(client, reset_link(client, user))
    response = post_form(client, "/login", {"email": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


def change_password(client, current=TEST_PASSWORD, new=NEW_PASSWORD, confirm=None):
    return post_form(
        client,
        "/profile/password",
        {"current_password": current, "password": new, "confirm": confirm or new},
        form_page="/profile",
    )


def test_change_password_in_the_profile(client, factory, login):
    user = factory.user()
    login(user)
    response = change_password(client)
    assert response.status_code == 302
    assert password_works(user, NEW_PASSWORD)
    assert is_logged_in(client), "the session that changed the password stays logged in"
    [mail] = mails(to=user.email, kind="password_changed")
    assert mail.to_address == user.email


def test_change_password_ends_other_sessions(client, factory, login, app):
    user = factory.user()
    login(user)
    other = app.test_client()
    post_form(other, "/login", {"email": user.email, "password": TEST_PASSWORD})
    assert is_logged_in(other)

    change_password(client)
    assert not is_logged_in(other)
    assert is_logged_in(client)


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong password!", NEW_PASSWORD, None, "The current password is wrong."),
        (TEST_PASSWORD, "short", None, "Use at least 10 characters."),
        (TEST_PASSWORD, NEW_PASSWORD, "something else entirely", "not the same"),
        ("", NEW_PASSWORD, None, "Enter your current password."),
    ],
)
def test_change_password_refusals(client, factory, login, current, new, confirm, message):
    user = factory.user(language="en")
    login(user)
    response = change_password(client, current, new, confirm)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert password_works(user, TEST_PASSWORD)
    assert reload_user(user).auth_version == user.auth_version
    assert mails(kind="password_changed") == []


def test_change_password_keeps_remember_me_on_this_device_only(client, factory, app):
    user = factory.user()
    post_form(client, "/login", {"email": user.email, "password": TEST_PASSWORD, "remember": "y"})
    other = app.test_client()
    post_form(other, "/login", {"email": user.email, "password": TEST_PASSWORD, "remember": "y"})

    change_password(client)
    client.delete_cookie("session")
    other.delete_cookie("session")
    assert is_logged_in(client), "the device that changed the password is remembered anew"
    assert not is_logged_in(other), "every other remembered device is logged out"
