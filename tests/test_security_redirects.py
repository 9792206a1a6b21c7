"""Open-redirect refusal: `next=` and the language switch only go to this site."""

from __future__ import annotations

import pytest
from accounts_support import (
    TEST_PASSWORD,
    post_form,
)

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
    assert response.headers["Location"] == "/me"


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_logged_in_login_page_refuses_to_redirect_off_site(client, factory, login, target):
    login(factory.user())
    response = client.get("/login", query_string={"next": target})
    assert response.headers["Location"] == "/me"


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_language_switch_refuses_to_redirect_off_site(client, target):
    response = client.post("/language", data={"language": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_returns_to_the_page(client):
    response = client.post("/language", data={"language": "en", "next": "/login?next=/profile"})
    assert response.headers["Location"] == "/login?next=/profile"
    assert client.get("/").get_data(as_text=True).startswith('<!doctype html>\n<html lang="en"')
