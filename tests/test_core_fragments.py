"""The fragment cache: a bounded LRU of Markup, one per app."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from lms.core.fragments import FragmentCache, fragment_cache


@pytest.mark.pure
def test_renders_once_per_key():
    cache, calls = FragmentCache(), []

    def render(text):
        calls.append(text)
        return Markup("<b>%s</b>") % text

    assert cache.get(("a",), lambda: render("<a>")) == Markup("<b>&lt;a&gt;</b>")
    assert cache.get(("a",), lambda: render("other")) == Markup("<b>&lt;a&gt;</b>")
    assert cache.get(("b",), lambda: render("b")) == Markup("<b>b</b>")
    assert calls == ["<a>", "b"]


@pytest.mark.pure
def test_is_bounded_and_keeps_the_recently_used():
    cache = FragmentCache(size=2)
    cache.get("a", lambda: Markup("a"))
    cache.get("b", lambda: Markup("b"))
    cache.get("a", lambda: Markup("again"))  # "a" is now the most recent
    cache.get("c", lambda: Markup("c"))  # evicts "b"
    assert len(cache) == 2
    assert cache.get("a", lambda: Markup("new a")) == "a"
    assert cache.get("b", lambda: Markup("new b")) == "new b"


@pytest.mark.pure
def test_refuses_a_plain_string():
    with pytest.raises(TypeError):
        FragmentCache().get("k", lambda: "<script>")


@pytest.mark.pure
def test_one_cache_per_app(app):
    with app.app_context():
        first = fragment_cache("x")
        assert fragment_cache("x") is first
        assert fragment_cache("y") is not first


@pytest.mark.pure
def test_nothing_is_kept_while_templates_auto_reload(app):
    app.jinja_env.auto_reload = True
    with app.app_context():
        cache = fragment_cache("debugging")
        cache.get("k", lambda: Markup("old"))
        assert cache.get("k", lambda: Markup("edited")) == "edited"


def header_of(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index('<header class="lms-header">') : page.index("</header>")]


def test_an_anonymous_header_is_reused_only_where_it_is_the_same(app, client):
    """Rendered once per language, page and return address: each page still marks itself
    and sends the language switch back to its own address."""
    client.get("/events")
    cached = len(fragment_cache("anonymous_header"))
    events = header_of(client.get("/events"))
    assert len(fragment_cache("anonymous_header")) == cached  # reused
    networks = header_of(client.get("/networks"))
    filtered = header_of(client.get("/events?kind=course"))
    english = header_of(client.get("/events", headers={"Accept-Language": "en"}))
    assert 'href="/events" aria-current="page"' in events
    assert 'href="/networks" aria-current="page"' in networks
    assert 'href="/events" aria-current="page"' not in networks
    assert 'name="next" value="/events?kind=course"' in filtered
    assert 'name="next" value="/events?"' in events
    assert "Seminars and courses" in english and "Seminarer og kurs" in events
    assert len(fragment_cache("anonymous_header")) == cached + 3


def test_a_signed_in_header_is_the_persons_own(app, client, factory, login):
    client.get("/events")  # an anonymous header for this page is cached
    login(factory.user(roles=("organiser",)))
    header = header_of(client.get("/events"))
    assert "Forvalt tilbud" in header  # the organiser's menu
    assert 'name="csrf_token"' in header  # the log-out form and the language switch


def test_a_page_is_shared_only_without_a_person_or_a_waiting_message(app, factory):
    """The condition under which a rendered header or catalogue page may be reused."""
    from flask import flash
    from flask_login import login_user

    from lms.core.templating import page_is_shared

    with app.test_request_context("/events"):
        assert page_is_shared()
        flash("Du er logget ut.", "info")
        assert not page_is_shared()  # the message must be shown, to this visitor only
    with app.test_request_context("/events"):
        login_user(factory.user())
        assert not page_is_shared()


def test_a_signed_in_catalogue_is_never_the_shared_one(app, client, factory, login):
    client.get("/events")  # an anonymous catalogue page is cached
    login(factory.user())
    page = client.get("/events").get_data(as_text=True)
    assert "Logg ut" in page and "Logg inn" not in page
