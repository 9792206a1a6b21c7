"""One rule for absolute links (``lms/core/urls.py``): ``LMS_BASE_URL`` when set; else a
queued mail's recorded base; else the address the request came in on; else localhost.

The app here is served "on another port" (the test client asks for 127.0.0.1:5077), as
``PORT=5077 make run`` would serve it: pages, calendar files, the API and mail rendered
later by the worker must all point there, never at port 5000.
"""

from __future__ import annotations

import re

import pytest
from conftest import post_form
from factories import outbox
from flask import Flask

from lms.calendar.feeds import feed_token
from lms.core.urls import base_url, external_url, links_based_on
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.rendering import render_message

SERVED = "http://127.0.0.1:5077"
LINK_RE = re.compile(r"(?:https?|webcal)://[^\s\"'<>]+")


def on_port_5077(client):
    """The client, asking for every page on 127.0.0.1:5077."""
    plain_open = client.open

    def open_there(*args, **kwargs):
        kwargs.setdefault("base_url", SERVED)
        return plain_open(*args, **kwargs)

    client.open = open_there
    return client


@pytest.fixture
def served(app, client):
    """No LMS_BASE_URL; every request comes in on 127.0.0.1:5077."""
    app.config["LMS_BASE_URL"] = ""
    return on_port_5077(client)


def links_in(text: str) -> list[str]:
    return LINK_RE.findall(text)


def all_on_the_served_port(links: list[str]) -> bool:
    return bool(links) and all(re.match(r"(https?|webcal)://127\.0\.0\.1:5077/", u) for u in links)


def test_pages_link_to_the_address_they_were_served_on(served, factory, login):
    offering = factory.offering()
    user = factory.user()
    html = served.get(f"/events/{offering.id}").get_data(as_text=True)
    assert f'href="webcal://127.0.0.1:5077/events/{offering.id}/calendar.ics"' in html
    login(user)
    page = served.get("/me/calendar").get_data(as_text=True)
    token = feed_token(user)
    assert f"{SERVED}/calendar/{token}.ics" in page
    assert f'href="webcal://127.0.0.1:5077/calendar/{token}.ics"' in page
    assert ":5000" not in page


def test_calendar_files_link_to_the_served_address_and_keep_their_uids(served, factory):
    offering = factory.offering()
    data = served.get(f"/events/{offering.id}/calendar.ics").get_data(as_text=True)
    unfolded = data.replace("\r\n ", "")
    assert f"URL:{SERVED}/events/{offering.id}" in unfolded
    description = next(line for line in unfolded.splitlines() if line.startswith("DESCRIPTION"))
    assert f"{SERVED}/events/{offering.id}" in description
    # UIDs are no links: they keep one host whatever address the file was fetched from.
    assert all(line.endswith("@lms.local") for line in unfolded.splitlines() if "UID:" in line)
    assert ":5000" not in unfolded


def test_the_api_links_by_the_same_rule(served, factory):
    offering = factory.offering()
    body = served.get("/api/v1/events").get_json()
    assert body["events"][0]["url"] == f"{SERVED}/events/{offering.id}"
    assert body["events"][0]["ics_url"] == f"{SERVED}/events/{offering.id}/calendar.ics"
    assert served.get("/api/v1/events").headers["Link"].startswith(f"<{SERVED}/api/v1/events?")


def rendered_by_the_worker(app, message: OutboxMessage) -> str:
    """The text body as the worker renders it: in the app, outside any request."""
    from flask import has_request_context

    assert not has_request_context()
    _subject, text, html, _ = render_message(db.session.get(OutboxMessage, message.id))
    return text + html


def test_mail_rendered_later_by_the_worker_links_where_it_was_queued(app, served, factory):
    user = factory.user(language="en")
    post_form(served, "/forgot-password", {"email": user.email})
    post_form(
        served,
        "/signup",
        {
            "email": "new.person@example.no",
            "name": "New Person",
            "organisation": "Testkommune",
            "job_title": "Innkjøper",
            "language": "en",
            "password": "a long enough password",
            "confirm": "a long enough password",
        },
    )
    reset, verify = outbox(kind="reset_password"), outbox(kind="verify_email")
    assert reset and verify
    for message in (*reset, *verify):
        body = rendered_by_the_worker(app, message)
        assert all_on_the_served_port(links_in(body)), links_in(body)


def test_a_configured_base_url_wins_over_the_request(app, client, factory):
    app.config["LMS_BASE_URL"] = "https://kurs.example.no/"
    on_port_5077(client)
    offering = factory.offering()
    html = client.get(f"/events/{offering.id}").get_data(as_text=True)
    assert f'href="webcal://kurs.example.no/events/{offering.id}/calendar.ics"' in html
    data = client.get(f"/events/{offering.id}/calendar.ics").get_data(as_text=True)
    assert f"URL:https://kurs.example.no/events/{offering.id}" in data.replace("\r\n ", "")
    assert "@kurs.example.no" in data
    body = client.get("/api/v1/events").get_json()
    assert body["events"][0]["url"] == f"https://kurs.example.no/events/{offering.id}"
    user = factory.user(language="en")
    post_form(client, "/forgot-password", {"email": user.email})
    [message] = outbox(kind="reset_password")
    app.config["LMS_BASE_URL"] = "https://kurs.example.no"
    links = links_in(rendered_by_the_worker(app, message))
    assert links and all(u.startswith("https://kurs.example.no/") for u in links)


def test_outside_a_request_without_a_base(app):
    app.config["LMS_BASE_URL"] = ""
    with links_based_on("http://10.0.0.7:8080"):
        assert external_url("lms_accounts.login") == "http://10.0.0.7:8080/login"
    assert base_url() == "http://localhost"
    app.config["SERVER_NAME"] = "kurs.example.no"
    assert base_url() == "http://kurs.example.no"


def test_a_mount_path_is_kept_once(migrated_database):
    """Served under a path (SCRIPT_NAME), links hold that path once."""
    from conftest import test_config

    from lms import create_app

    flask_app: Flask = create_app(test_config(LMS_BASE_URL=""))
    try:
        with flask_app.test_request_context("/login", base_url="http://h:5077/lms"):
            assert external_url("lms_accounts.login") == "http://h:5077/lms/login"
    finally:
        with flask_app.app_context():
            db.engine.dispose()
