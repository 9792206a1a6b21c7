"""A form that comes back because of what was typed answers 400 on every account page,
as on the rest of the LMS (events, registrations, admin), and still shows the field error.
The same page asked for with GET answers 200."""

from __future__ import annotations

import pytest
from accounts_support import TEST_PASSWORD, english, link_path, mails, post_form


def reset_path(client, factory) -> str:
    user = factory.user("reset@example.no")
    post_form(client, "/forgot-password", {"email": user.email})
    return link_path(mails(to=user.email, kind="reset_password")[-1])


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/signup", {"email": "nobody@", "password": "short"}, "Use at least 10 characters."),
        ("/login", {"email": "not-an-e-mail", "password": ""}, 'aria-invalid="true"'),
        ("/forgot-password", {"email": ""}, 'aria-invalid="true"'),
        ("reset", {"password": "short", "confirm": "other"}, "Use at least 10 characters."),
        ("/profile", {"name": "", "language": "en"}, 'aria-invalid="true"'),
    ],
    ids=["signup", "login", "forgot-password", "reset-password", "profile"],
)
def test_a_form_with_errors_answers_400(client, factory, login, path, data, message):
    if path == "reset":
        path = reset_path(client, factory)
    if path == "/profile":
        login(factory.user("me@example.no", language="en"))
    english(client)
    assert client.get(path).status_code == 200
    response = post_form(client, path, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_wrong_password_answers_400_and_an_unverified_login_200(client, factory):
    """Wrong credentials are an input error; an unverified account that gave the right
    password is told to confirm its address (a new link is sent), which is no error."""
    user = factory.user("ola@example.no")
    unverified = factory.user("kari@example.no", verified=False)
    english(client)
    wrong = post_form(client, "/login", {"email": user.email, "password": "not it"})
    assert wrong.status_code == 400
    assert "Wrong e-mail address or password." in wrong.get_data(as_text=True)
    data = {"email": unverified.email, "password": TEST_PASSWORD}
    response = post_form(client, "/login", data)
    assert response.status_code == 200
    assert "Confirm your e-mail address first" in response.get_data(as_text=True)
