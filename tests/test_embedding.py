"""The LMS mounted inside a foreign host app at ``/learning``: LMS pages, links, static files,
redirects, login and errors work under the prefix; the host's own pages, 404 handler and
routes are untouched; a host template overrides an LMS one; clashes are refused clearly."""

from __future__ import annotations

import re

import pytest
from flask import Flask, render_template
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy

from lms import LMS
from lms.accounts.auth import load_user
from lms.extensions import db
from lms.mail.outbox import render_mail
from tests.conftest import TEST_PASSWORD, Factory, _clean_tables, csrf_token, post_form
from tests.conftest import test_config as lms_test_config

PREFIX = "/learning"
OVERRIDE_MARK = "Host-branded learning home"
LINK_RE = re.compile(r'(?:href|action|src)="([^"]*)"')


def make_host(tmp_path, **config) -> Flask:
    """A host app with its own home page, routes, templates and 404 handler."""
    templates = tmp_path / "host_templates"
    (templates / "lms" / "core").mkdir(parents=True)
    (templates / "host_home.html").write_text("<!doctype html><h1>Welcome to the host</h1>")
    # The one LMS template the host overrides: same path as the LMS's own.
    (templates / "lms" / "core" / "home.html").write_text(
        '{% extends "lms/base.html" %}{% block title %}Learning{% endblock %}'
        f"{{% block content %}}<h1>{OVERRIDE_MARK}</h1>"
        '<a href="{{ url_for(\'lms_accounts.signup\') }}">{{ _("Sign up") }}</a>'
        "{% endblock %}"
    )
    host = Flask(__name__, template_folder=str(templates), instance_path=str(tmp_path / "inst"))
    host.config.update(lms_test_config(LMS_URL_PREFIX=PREFIX, **config))

    @host.get("/")
    def host_home():
        return render_template("host_home.html")

    @host.get("/shop/<int:item>")
    def host_item(item: int):
        return {"item": item}

    @host.errorhandler(404)
    def host_not_found(error):
        return "The host has no such page", 404

    return host


@pytest.fixture
def host(migrated_database, tmp_path):
    """The host with the LMS mounted, on the suite's database; tables emptied afterwards."""
    app = make_host(tmp_path)
    LMS(app)
    with app.app_context():
        yield app
        db.session.remove()
        _clean_tables()
        db.engine.dispose()


@pytest.fixture
def host_client(host):
    return host.test_client()


def local_links(html: str) -> list[str]:
    return [link for link in LINK_RE.findall(html) if link.startswith("/")]


# --- the host is untouched ------------------------------------------------------------


def test_host_home_page_and_routes_are_the_hosts(host_client):
    home = host_client.get("/")
    assert home.status_code == 200
    assert home.get_data(as_text=True) == "<!doctype html><h1>Welcome to the host</h1>"
    assert host_client.get("/shop/7").json == {"item": 7}
    for response in (home, host_client.get("/shop/7")):
        assert "Content-Security-Policy" not in response.headers
        assert "X-Frame-Options" not in response.headers


def test_host_404_handler_answers_outside_the_prefix(host_client):
    for path in ("/nowhere", "/learningx", "/shop/not-a-number"):
        response = host_client.get(path)
        assert response.status_code == 404
        assert response.get_data(as_text=True) == "The host has no such page"
        assert "Content-Security-Policy" not in response.headers


# --- LMS pages under the prefix -------------------------------------------------------


def test_lms_home_uses_the_hosts_override_and_prefixed_links(host_client):
    response = host_client.get(f"{PREFIX}/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert OVERRIDE_MARK in html
    assert "Content-Security-Policy" in response.headers  # LMS pages keep their headers
    links = local_links(html)
    assert f"{PREFIX}/login" in links and f"{PREFIX}/signup" in links
    assert all(link.startswith(f"{PREFIX}/") for link in links), links


def test_lms_pages_link_and_post_only_under_the_prefix(host_client):
    for path in ("/login", "/signup", "/forgot-password"):
        response = host_client.get(PREFIX + path)
        assert response.status_code == 200, path
        links = local_links(response.get_data(as_text=True))
        assert links and all(link.startswith(f"{PREFIX}/") for link in links), (path, links)


def test_static_css_is_served_under_the_prefix(host_client):
    html = host_client.get(f"{PREFIX}/login").get_data(as_text=True)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets and all(s.startswith(f"{PREFIX}/lms-static/") for s in sheets), sheets
    for sheet in sheets:
        response = host_client.get(sheet)
        assert response.status_code == 200
        assert response.mimetype == "text/css"
        response.close()


def test_login_required_redirects_to_the_prefixed_login(host_client):
    response = host_client.get(f"{PREFIX}/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{PREFIX}/login?next=%2Flearning%2Fprofile"


def test_login_and_logout_under_the_prefix(host, host_client):
    user = Factory().user()
    response = post_form(
        host_client,
        f"{PREFIX}/login",
        {"email": user.email, "password": TEST_PASSWORD, "next": f"{PREFIX}/profile"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{PREFIX}/profile"
    assert host_client.get(f"{PREFIX}/profile").status_code == 200
    assert host_client.get("/").status_code == 200  # the host still serves its own page

    response = post_form(host_client, f"{PREFIX}/logout", {}, form_page=f"{PREFIX}/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{PREFIX}/"
    assert host_client.get(f"{PREFIX}/profile").status_code == 302


def test_login_refuses_a_next_outside_the_site(host, host_client):
    user = Factory().user()
    data = {"email": user.email, "password": TEST_PASSWORD, "next": "//evil.example/"}
    response = post_form(host_client, f"{PREFIX}/login", data)
    assert response.headers["Location"] == f"{PREFIX}/me"  # the home after login, under the prefix


def test_404_under_the_prefix_is_the_lms_error_page(host_client):
    response = host_client.get(f"{PREFIX}/no-such-page", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html and '<main id="main"' in html
    assert "Content-Security-Policy" in response.headers
    assert all(link.startswith(f"{PREFIX}/") for link in local_links(html))


def test_mail_links_carry_the_prefix(host):
    user = Factory().user()
    _subject, text, html = render_mail("verify_email", "en", user=user, token="abc")
    assert "http://lms.test/learning/verify/abc" in text
    assert 'href="http://lms.test/learning/verify/abc"' in html


# --- clashes with what the host already has -------------------------------------------


@pytest.fixture
def bare_host(migrated_database, tmp_path):
    """A host without the LMS yet; whatever the test mounted is disposed of afterwards."""
    app = make_host(tmp_path)
    yield app
    if "sqlalchemy" in app.extensions and app.extensions["sqlalchemy"] is db:
        with app.app_context():
            db.session.remove()
            _clean_tables()
            db.engine.dispose()


def test_host_login_manager_is_refused_with_instructions(bare_host):
    LoginManager(bare_host)
    with pytest.raises(RuntimeError, match="LMS_LOGIN_MANAGER") as refused:
        LMS(bare_host)
    assert "LoginManager" in str(refused.value)
    # Refused before anything was attached: no database, migrations, CSRF or config added.
    for name in ("lms", "sqlalchemy", "migrate", "csrf"):
        assert name not in bare_host.extensions
    assert "LMS_TIMEZONE" not in bare_host.config


def test_host_sqlalchemy_instance_is_refused_with_instructions(bare_host):
    SQLAlchemy(bare_host)
    with pytest.raises(RuntimeError, match="Flask-SQLAlchemy") as refused:
        LMS(bare_host)
    assert "lms.extensions.db" in str(refused.value)
    assert "lms" not in bare_host.extensions


def test_host_login_manager_can_be_reused(bare_host):
    bare_host.config["LMS_LOGIN_MANAGER"] = "reuse"
    manager = LoginManager(bare_host)
    manager.user_loader(load_user)  # the host lets its manager load LMS users
    manager.login_view = "lms_accounts.login"
    LMS(bare_host)
    assert bare_host.login_manager is manager
    client = bare_host.test_client()
    with bare_host.app_context():
        user = Factory().user()
        response = post_form(
            client, f"{PREFIX}/login", {"email": user.email, "password": TEST_PASSWORD}
        )
        assert response.status_code == 302
        assert client.get(f"{PREFIX}/profile").status_code == 200


def test_host_babel_is_kept_and_lms_strings_still_translate(bare_host):
    babel = Babel(bare_host, locale_selector=lambda: "nb")
    host_config = bare_host.extensions["babel"]
    LMS(bare_host)
    assert bare_host.extensions["babel"] is host_config
    assert host_config.instance is babel
    assert host_config.locale_selector is not None

    client = bare_host.test_client()
    with bare_host.app_context():
        html = client.get(f"{PREFIX}/login", headers={"Accept-Language": "en"}).get_data(True)
    assert "Logg inn" in html  # the host chose nb; the LMS catalogue supplied the words
    assert csrf_token(client, f"{PREFIX}/login")


def test_registering_twice_is_refused(host):
    with pytest.raises(RuntimeError, match="already registered"):
        LMS(host)


# --- a good guest: the LMS keeps to its own settings, session and switches -----------------


def test_a_hosts_redis_url_does_not_move_the_lms_queue_or_rate_limits(bare_host):
    """The host's REDIS_URL is the host's: the LMS reads only LMS_REDIS_URL."""
    bare_host.config.update(REDIS_URL="redis://host-cache.invalid:6379/0", LMS_HUEY_IMMEDIATE=False)
    bare_host.config.pop("RATELIMIT_STORAGE_URI", None)
    LMS(bare_host)
    huey = bare_host.extensions["lms"].huey
    assert type(huey).__name__ == "LmsSqliteHuey"
    assert bare_host.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_lms_redis_url_moves_the_queue_to_redis(bare_host):
    bare_host.config.update(LMS_REDIS_URL="redis://127.0.0.1:6379/9", LMS_HUEY_IMMEDIATE=False)
    bare_host.config.pop("RATELIMIT_STORAGE_URI", None)
    LMS(bare_host)
    assert type(bare_host.extensions["lms"].huey).__name__ == "RedisHuey"
    assert bare_host.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/9"


@pytest.mark.parametrize(
    "switch", [{"LMS_REGISTRATION_LOCKING": False}, {"LMS_DEBUG_RACE_DELAY": 0.5}]
)
def test_a_host_cannot_switch_the_registration_lock_off(bare_host, switch):
    """The concurrency test's switches are refused by init_app in any app that does not
    say it is that test, a host's included; nothing is attached before the refusal."""
    bare_host.config.update(switch)
    with pytest.raises(RuntimeError, match="registration lock"):
        LMS(bare_host)
    assert "lms" not in bare_host.extensions
    bare_host.config["LMS_CONCURRENCY_TESTING"] = True
    LMS(bare_host)  # the control test's own app
    assert "lms" in bare_host.extensions


def test_commit_hooks_listen_to_the_lms_session_only(host):
    """A host's own SQLAlchemy session commits without the LMS's outbox or token hooks."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from lms.mail import outbox

    engine = create_engine("sqlite://")
    with Session(engine) as other:
        other.info[outbox._PENDING_KEY] = [12345]  # what the outbox hook would deliver
        other.execute(text("select 1"))
        other.commit()
        assert other.info[outbox._PENDING_KEY] == [12345]  # the hook never saw this session
    db.session.info[outbox._PENDING_KEY] = []
    db.session.commit()
    assert outbox._PENDING_KEY not in db.session.info  # the LMS's own session: the hook ran
