"""The profile page: own details, e-mail change, and personal API tokens."""

from __future__ import annotations

import hashlib
import re

import pytest
from accounts_support import (
    TEST_PASSWORD,
    link_path,
    mails,
    post_form,
    reload_user,
)
from sqlalchemy import select

from lms.accounts.models import ApiToken
from lms.extensions import db

TOKEN_RE = re.compile(r'id="new-token" value="([^"]+)"')


@pytest.fixture
def user(factory, login):
    """A logged-in participant whose pages are in English."""
    person = factory.user("ola@example.no", language="en", name="Ola Nordmann")
    login(person)
    return person


def test_profile_needs_a_login(client):
    assert client.get("/profile").headers["Location"] == "/login?next=%2Fprofile"


def test_profile_shows_the_users_details(client, user):
    html = client.get("/profile").get_data(as_text=True)
    assert 'value="Ola Nordmann"' in html
    assert "ola@example.no" in html


def test_profile_saves_the_editable_fields(client, user):
    response = post_form(
        client,
        "/profile",
        {"name": "Ola N.", "organisation": "DFØ", "job_title": "Rådgiver", "language": "nb"},
    )
    assert response.status_code == 302
    saved = reload_user(user)
    assert (saved.name, saved.organisation, saved.job_title, saved.language) == (
        "Ola N.",
        "DFØ",
        "Rådgiver",
        "nb",
    )
    assert (
        client.get("/profile").get_data(as_text=True).startswith('<!doctype html>\n<html lang="nb"')
    ), "the interface follows the saved language"


def test_profile_cannot_change_email_or_roles_by_extra_fields(client, user):
    post_form(
        client,
        "/profile",
        {"name": "Ola", "language": "en", "email": "evil@example.no", "roles": "admin"},
    )
    saved = reload_user(user)
    assert saved.email == "ola@example.no"
    assert saved.role_names == {"participant"}


# --- e-mail change ---------------------------------------------------------------


def change_email(client, new_email, password=TEST_PASSWORD):
    return post_form(
        client,
        "/profile/email",
        {"new_email": new_email, "email_password": password},
        form_page="/profile",
    )


def test_email_change_waits_for_the_new_address_to_confirm(client, user):
    response = change_email(client, "Ola.Ny@Example.no")
    assert response.status_code == 302
    assert reload_user(user).email == "ola@example.no", "nothing changes before the link"

    [confirm] = mails(to="ola.ny@example.no")
    assert confirm.kind == "confirm_email_change"
    [notice] = mails(to="ola@example.no")
    assert notice.kind == "email_change_requested"
    assert "ola.ny@example.no" in notice.body_text

    assert client.get(link_path(confirm)).status_code == 302
    assert reload_user(user).email == "ola.ny@example.no"
    assert reload_user(user).is_verified


def test_email_change_link_works_once(client, user, factory):
    change_email(client, "ola.ny@example.no")
    path = link_path(mails(to="ola.ny@example.no")[0])
    client.get(path)
    # Change back, then replay the first link: it must not move the address again.
    reload_user(user).email = "ola@example.no"
    db.session.commit()
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert "not valid any more" in page
    assert reload_user(user).email == "ola@example.no"


def test_email_change_is_refused_if_the_address_was_taken_meanwhile(client, user, factory):
    change_email(client, "ola.ny@example.no")
    path = link_path(mails(to="ola.ny@example.no")[0])
    factory.user("ola.ny@example.no")
    client.get(path)
    assert reload_user(user).email == "ola@example.no"


def test_email_change_to_a_taken_address_reveals_nothing(client, user, factory):
    factory.user("taken@example.no")
    response = change_email(client, "taken@example.no")
    assert response.status_code == 302, "the answer is the same as for a free address"
    assert mails(to="taken@example.no") == [], "the owner of the other account gets no link"
    assert reload_user(user).email == "ola@example.no"


@pytest.mark.parametrize(
    ("new_email", "password", "message"),
    [
        ("ola.ny@example.no", "wrong password", "The current password is wrong."),
        ("ola@example.no", TEST_PASSWORD, "That is already your e-mail address."),
        ("not-an-address", TEST_PASSWORD, "Enter an e-mail address like name@example.no."),
    ],
)
def test_email_change_refusals(client, user, new_email, password, message):
    response = change_email(client, new_email, password)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert mails() == []
    assert reload_user(user).email == "ola@example.no"


# --- API tokens --------------------------------------------------------------------


def create_token(client, name="my script"):
    return post_form(client, "/profile/tokens", {"token_name": name}, form_page="/profile")


def test_token_is_shown_once_and_stored_as_sha256(client, user):
    response = create_token(client)
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    raw = TOKEN_RE.search(response.get_data(as_text=True)).group(1)
    assert raw.startswith("lms_") and len(raw) > 40

    token = db.session.scalar(select(ApiToken))
    assert token.name == "my script"
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.token_hash, token.prefix}

    later = client.get("/profile").get_data(as_text=True)
    assert raw not in later, "the secret is never shown again"
    assert token.prefix in later and "my script" in later


def test_token_from_the_profile_authenticates_the_api(client, user, app):
    raw = TOKEN_RE.search(create_token(client).get_data(as_text=True)).group(1)
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json["email"] == "ola@example.no"


def test_revoked_token_disappears_and_stops_working(client, user, app):
    raw = TOKEN_RE.search(create_token(client).get_data(as_text=True)).group(1)
    token = db.session.scalar(select(ApiToken))
    response = post_form(client, f"/profile/tokens/{token.id}/revoke", {}, form_page="/profile")
    assert response.status_code == 302
    assert "my script" not in client.get("/profile").get_data(as_text=True)
    api = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 401


def test_another_users_token_cannot_be_revoked(client, user, factory):
    from lms.accounts import services

    other = factory.user("someone.else@example.no")
    token, _raw = services.create_api_token(other, "theirs")
    db.session.commit()
    response = post_form(client, f"/profile/tokens/{token.id}/revoke", {}, form_page="/profile")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_revoking_an_unknown_token_is_a_404(client, user):
    response = post_form(client, "/profile/tokens/12345/revoke", {}, form_page="/profile")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Give the token a name."), ("x" * 101, "Use at most 100 characters.")],
)
def test_token_name_is_required_and_short(client, user, name, message):
    response = create_token(client, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None
