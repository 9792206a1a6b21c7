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

from flask import current_app
from markupsafe import Markup

DEFAULT_SIZE = 4096


class FragmentCache:
    """A bounded, thread-safe LRU of ``key -> Markup``."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], Markup]) -> Markup:
        """The fragment for ``key``, rendering it with ``render()`` the first time.

        ``render`` returns ``Markup`` (a macro's output is), so escaping stays Jinja's job.
        """
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        fragment = render()
        if not isinstance(fragment, Markup):
            raise TypeError("a fragment must be Markup (rendered by an autoescaping template)")
        with self._lock:
            self._items[key] = fragment
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return fragment

    def __len__(self) -> int:
        return len(self._items)


def fragment_cache(name: str, size: int = DEFAULT_SIZE) -> FragmentCache:
    """The current app's cache called ``name`` (made on first use, holding ``size``)."""
    caches = current_app.extensions.setdefault("lms_fragments", {})
    cache = caches.get(name)
    if cache is None:
        # While templates reload on change (debug), an edited template must show at once.
        size = 0 if current_app.jinja_env.auto_reload else size
        cache = caches.setdefault(name, FragmentCache(size))
    return cache
