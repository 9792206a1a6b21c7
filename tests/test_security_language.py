"""The language switch: no token (and so no session) for anonymous visitors, a CSRF token
for signed-in users, whose switch changes their account.

The one POST form without a token is the anonymous language switch. A forged one can
only show a visitor the other language; in exchange, public pages set no cookie on a
first visit and can be cached (docs/BENCHMARKS.md, "First visits mint a session").
"""

from __future__ import annotations

import pytest
from accounts_support import csrf_token, reload_user
from conftest import CSRF_RE
from factories import make

from lms.events.models import Network
from lms.extensions import db

PUBLIC_PAGES = ["/", "/events", "/events/{id}", "/networks", "/networks/{network}"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_first_visit_to_a_public_page_sets_no_cookie(client, path):
    shown = make.offering("Kommer")
    network = Network(name="Nettverk for innkjøpere", membership="open")
    db.session.add(network)
    db.session.commit()
    response = client.get(path.format(id=shown.id, network=network.id))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    assert 'action="/language"' in html, "the switch is on the page"
    assert not CSRF_RE.search(html), "and carries no token for an anonymous visitor"


def test_an_anonymous_visitor_switches_without_a_token(client):
    response = client.post("/language", data={"language": "en", "next": "/events"})
    assert response.status_code == 302 and response.headers["Location"] == "/events"
    assert (
        client.get("/events").get_data(as_text=True).startswith('<!doctype html>\n<html lang="en"')
    )


def test_an_unknown_language_is_refused_and_changes_nothing(client):
    client.post("/language", data={"language": "en"})
    response = client.post("/language", data={"language": "xx", "next": "/events"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is no such language here: choose Norsk bokmål or English." in html
    assert 'lang="en"' in client.get("/").get_data(as_text=True), "still English"


def test_a_signed_in_users_switch_needs_the_token(client, factory, login):
    user = factory.user("ola@example.no", language="nb")
    login(user)
    html = client.get("/").get_data(as_text=True)
    assert CSRF_RE.search(html), "the signed-in form carries a token"
    refused = client.post("/language", data={"language": "en"})
    assert refused.status_code == 400
    assert '<main id="main"' in refused.get_data(as_text=True)
    assert reload_user(user).language == "nb"
    assert 'lang="nb"' in client.get("/").get_data(as_text=True), "nor the session changed"
    token = csrf_token(client, "/")
    accepted = client.post("/language", data={"csrf_token": token, "language": "en"})
    assert accepted.status_code == 302
    assert reload_user(user).language == "en"


def test_a_token_from_another_session_is_refused_for_a_signed_in_user(app, client, factory, login):
    other = app.test_client()
    factory.user("kari@example.no")
    foreign = csrf_token(other, "/login")
    user = factory.user("ola@example.no", language="nb")
    login(user)
    response = client.post("/language", data={"csrf_token": foreign, "language": "en"})
    assert response.status_code == 400
    assert reload_user(user).language == "nb"
