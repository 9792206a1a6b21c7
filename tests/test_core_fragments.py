"""The fragment cache: a bounded LRU of Markup, one per app."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from lms.core.fragments import FragmentCache, fragment_cache


def test_renders_once_per_key():
    cache, calls = FragmentCache(), []

    def render(text):
        calls.append(text)
        return Markup("<b>%s</b>") % text

    assert cache.get(("a",), lambda: render("<a>")) == Markup("<b>&lt;a&gt;</b>")
    assert cache.get(("a",), lambda: render("other")) == Markup("<b>&lt;a&gt;</b>")
    assert cache.get(("b",), lambda: render("b")) == Markup("<b>b</b>")
    assert calls == ["<a>", "b"]


def test_is_bounded_and_keeps_the_recently_used():
    cache = FragmentCache(size=2)
    cache.get("a", lambda: Markup("a"))
    cache.get("b", lambda: Markup("b"))
    cache.get("a", lambda: Markup("again"))  # "a" is now the most recent
    cache.get("c", lambda: Markup("c"))  # evicts "b"
    assert len(cache) == 2
    assert cache.get("a", lambda: Markup("new a")) == "a"
    assert cache.get("b", lambda: Markup("new b")) == "new b"


def test_refuses_a_plain_string():
    with pytest.raises(TypeError):
        FragmentCache().get("k", lambda: "<script>")


def test_one_cache_per_app(app):
    with app.app_context():
        first = fragment_cache("x")
        assert fragment_cache("x") is first
        assert fragment_cache("y") is not first


def test_nothing_is_kept_while_templates_auto_reload(app):
    app.jinja_env.auto_reload = True
    with app.app_context():
        cache = fragment_cache("debugging")
        cache.get("k", lambda: Markup("old"))
        assert cache.get("k", lambda: Markup("edited")) == "edited"
