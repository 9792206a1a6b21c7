"""Sign-up and e-mail verification: what a new participant goes through."""

from __future__ import annotations

import re
from datetime import timedelta

from accounts_support import (
    english,
    is_logged_in,
    link_path,
    mails,
    post_form,
    reload_user,
    snapshot,
)
from sqlalchemy import update

from lms.accounts.models import UserToken
from lms.extensions import db
from lms.timeutil import utcnow

NEW = {
    "email": "kari.nordmann@example.no",
    "name": "Kari Nordmann",
    "organisation": "Oslo kommune",
    "job_title": "Innkjøpsrådgiver",
    "language": "en",
    "password": "a long enough password",
    "confirm": "a long enough password",
}


def sign_up(client, **changes):
    return post_form(client, "/signup", {**NEW, **changes})


def test_signup_page_asks_for_every_field(client):
    html = client.get("/signup").get_data(as_text=True)
    for name in ("email", "name", "organisation", "job_title", "language", "password", "confirm"):
        assert f'name="{name}"' in html, name
    assert 'autocomplete="new-password"' in html


def test_signup_creates_an_unverified_participant_with_every_field(client):
    response = sign_up(english(client))
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    user = reload_user(NEW["email"])
    assert (user.name, user.organisation, user.job_title, user.language) == (
        "Kari Nordmann",
        "Oslo kommune",
        "Innkjøpsrådgiver",
        "en",
    )
    assert not user.is_verified
    assert user.role_names == {"participant"}
    assert user.password_hash.startswith("$argon2id$")
    assert NEW["password"] not in user.password_hash


def test_signup_mails_a_verification_link_in_the_chosen_language(client):
    sign_up(client)
    [mail] = mails(to=NEW["email"])
    assert mail.kind == "verify_email"
    assert mail.language == "en"
    assert mail.subject == "Confirm your e-mail address"
    assert link_path(mail).startswith("/verify/")


def test_email_is_normalised_so_case_does_not_make_a_second_account(client, app):
    sign_up(client, email="  Kari.Nordmann@Example.NO ")
    assert reload_user(NEW["email"]) is not None
    before = snapshot()
    sign_up(app.test_client(), email="KARI.NORDMANN@example.no")
    after = snapshot()
    assert after["users"] == before["users"]


def test_verification_link_verifies_once(client):
    sign_up(client)
    path = link_path(mails(to=NEW["email"])[0])
    response = english(client).get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "Your e-mail address is confirmed" in client.get("/login").get_data(as_text=True)
    assert reload_user(NEW["email"]).is_verified

    again = client.get(path, follow_redirects=True)
    assert "not valid any more" in again.get_data(as_text=True)


def test_expired_verification_link_is_refused(client):
    sign_up(client)
    path = link_path(mails(to=NEW["email"])[0])
    db.session.execute(update(UserToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    page = english(client).get(path, follow_redirects=True).get_data(as_text=True)
    assert "not valid any more" in page
    assert not reload_user(NEW["email"]).is_verified


def test_verification_token_lifetime_comes_from_config(client, app):
    app.config["LMS_VERIFY_TOKEN_MAX_AGE"] = 600
    sign_up(client)
    token = db.session.scalar(db.select(UserToken))
    lifetime = token.expires_at - token.created_at
    assert timedelta(seconds=599) <= lifetime <= timedelta(seconds=601)


def test_login_is_refused_until_the_email_is_verified(client):
    sign_up(client)
    response = post_form(
        english(client), "/login", {"email": NEW["email"], "password": NEW["password"]}
    )
    assert response.status_code == 200
    assert "Confirm your e-mail address first" in response.get_data(as_text=True)
    assert not is_logged_in(client)
    # A fresh link is sent, so a lost or expired first mail is not a dead end.
    assert len(mails(to=NEW["email"], kind="verify_email")) == 2

    client.get(link_path(mails(to=NEW["email"])[-1]))
    response = post_form(client, "/login", {"email": NEW["email"], "password": NEW["password"]})
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_logged_in_user_is_sent_home_from_signup(client, factory, login):
    login(factory.user())
    response = client.get("/signup")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_signup_form_preselects_the_page_language(client):
    html = english(client).get("/signup").get_data(as_text=True)
    assert re.search(r'<option[^>]*\bselected\b[^>]*value="en"', html)


def test_a_new_account_is_led_back_to_where_it_was_going(client):
    """Register → log in → create an account → verify → log in: back at the registration,
    as the same browser carried it (Moodle's "wantsurl"); a foreign target is dropped."""
    target = "/events/7/register"
    login_page = client.get(f"/login?next={target}").get_data(as_text=True)
    assert 'href="/signup?next=/events/7/register"' in login_page
    signup_page = client.get(f"/signup?next={target}").get_data(as_text=True)
    assert f'name="next" value="{target}"' in signup_page
    post_form(client, "/signup", {**NEW, "next": target}, form_page=f"/signup?next={target}")
    verified = client.get(link_path(mails(to=NEW["email"])[0]))
    assert verified.headers["Location"] == "/login?next=/events/7/register"
    response = post_form(
        client,
        "/login?next=%2Fevents%2F7%2Fregister",
        {"email": NEW["email"], "password": NEW["password"], "next": target},
    )
    assert response.headers["Location"] == target


def test_sign_up_drops_a_target_off_the_site(client):
    post_form(client, "/signup", {**NEW, "next": "https://evil.example/"})
    verified = client.get(link_path(mails(to=NEW["email"])[0]))
    assert verified.headers["Location"] == "/login"
