"""Rendered HTML fragments, memoised on everything they show.

A fragment here is a pure function of its key: the key holds every value the fragment
prints (and the locale it is printed in), so a cached fragment can never be stale; a
changed value is simply a different key. Nothing is invalidated and nothing needs to
be. Live values that must be read on every request (seats left, say) stay out of
fragments and are rendered around them.

The cache lives on the app (``app.extensions``), one per worker process, so a host
that overrides a template, or a test app with another configuration, never sees
another app's fragments. It is a bounded LRU, and holds nothing while templates
auto-reload (debug), so an edited template shows at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app
from markupsafe import Markup

DEFAULT_SIZE = 4096


class MemoCache:
    """A bounded, thread-safe LRU of ``key -> value``, for values that are a pure
    function of their key (a rendered fragment, an API page's bytes)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], Any]) -> Any:
        """The value for ``key``, made with ``render()`` the first time."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        value = self.check(render())
        with self._lock:
            self._items[key] = value
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def check(self, value: Any) -> Any:
        return value


class FragmentCache(MemoCache):
    """A ``MemoCache`` of ``Markup``: ``render`` returns what a macro does, so escaping
    stays Jinja's job."""

    def check(self, value: Any) -> Markup:
        if not isinstance(value, Markup):
            raise TypeError("a fragment must be Markup (rendered by an autoescaping template)")
        return value

    def __len__(self) -> int:
        return len(self._items)


def fragment_cache(name: str, size: int = DEFAULT_SIZE, kind: type = FragmentCache) -> MemoCache:
    """The current app's cache called ``name`` (made on first use, holding ``size``),
    a ``FragmentCache`` unless ``kind`` says otherwise."""
    caches = current_app.extensions.setdefault("lms_fragments", {})
    cache = caches.get(name)
    if cache is None:
        # While templates reload on change (debug), an edited template must show at once.
        size = 0 if current_app.jinja_env.auto_reload else size
        cache = caches.setdefault(name, kind(size))
    return cache
