"""No account enumeration: pages, mail-free answers and Argon2 cost are the same
whether or not an e-mail has an account."""

from __future__ import annotations

import pytest
from accounts_support import (
    csrf_token,
    mails,
    post_form,
    snapshot,
    strip_csrf,
)

from lms.accounts.passwords import burn_time

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
