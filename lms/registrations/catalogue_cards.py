"""The catalogue page's filter form and card text, rendered once per content and language.

Rendering a card (two dates in the reader's language, lazily translated labels, a link)
was most of a catalogue page's time. The text of a card is a pure function of the
card's own values, its URL and the language, so it is memoised on exactly those
(``lms/core/fragments.py``): an edited title, a moved session or a cancelled one makes a
new key, never a stale card. The seats left and the waiting list are read on every
request (same query as the list); the whole list of cards is cached on every value it
prints, seats included, so an unchanged page is one lookup and a changed seat count
re-renders the list from the cached card texts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from flask import get_template_attribute, request
from flask_babel import get_locale
from markupsafe import Markup

from lms.core.dates import WHEN_PATTERNS, datetime_formatter, iso_formatter
from lms.core.fragments import fragment_cache
from lms.core.templating import id_url_maker, page_is_shared
from lms.events import forms
from lms.events.models import THEMES
from lms.registrations.catalogue import CatalogueCard, CatalogueFilters

PARTIAL = "lms/events/_catalogue.html"


class CatalogueFragments:
    """What ``catalogue.html`` calls: ``filter_form()`` and ``card_list(cards)``.

    Made once per request; the language, the URL pattern and the caches are looked up
    once, and each card costs a dictionary lookup when it has been seen before.
    """

    def __init__(self, filters: CatalogueFilters) -> None:
        self.filters = filters
        self.locale = str(get_locale())
        # Bounded per worker: about 1 kB a card, 3 kB a form, 20 kB a page of cards.
        self._cards = fragment_cache("catalogue_card", 4096)
        self._forms = fragment_cache("catalogue_filters", 256)
        self._lists = fragment_cache("catalogue_lists", 128)
        self._pages = fragment_cache("catalogue_pages", 128)  # about 20 kB each

    @cached_property
    def detail_url(self) -> Callable[[int], str | None]:
        """Built on first use: a page served whole from the cache never needs it."""
        return id_url_maker("lms_events.detail")

    def whole_page(self, pagination, render: Callable[[], str]) -> Markup | str:
        """The whole catalogue page, reused while everything it shows is the same.

        Only when the page is the same for everyone who asks (``page_is_shared``): then
        it shows the language, the address (the filters, the page, the language switch's
        return address), the number found and every card's values, seats included, and
        all of them are the key. The query still runs on every request, so the seats
        shown are as fresh as without the cache.
        """
        if not page_is_shared():
            return render()
        key = (
            self.locale,
            request.script_root,
            request.full_path,
            pagination.page,
            pagination.total,
            *(card.values() for card in pagination.items),
        )
        return self._pages.get(key, lambda: Markup(render()))  # noqa: S704 (our template)

    def filter_form(self) -> Markup:
        return self._forms.get((self.locale, self.filters), self._render_form)

    def card_list(self, cards: list[CatalogueCard]) -> Markup:
        """The page's list of cards, seats included: one lookup when nothing changed."""
        key = (self.locale, self.detail_url(0), *(card.values() for card in cards))
        return self._lists.get(key, lambda: self._render_list(cards))

    def card_head(self, card: CatalogueCard) -> Markup:
        url = self.detail_url(card.id)
        key = (self.locale, url, *card.text_values())
        return self._cards.get(key, lambda: self._render_card(card, url))

    def _render_form(self) -> Markup:
        macro = get_template_attribute(PARTIAL, "filter_form")
        return macro(self.filters, THEMES, *_labels())

    def _render_list(self, cards: list[CatalogueCard]) -> Markup:
        return get_template_attribute(PARTIAL, "card_list")(cards, self)

    def _render_card(self, card: CatalogueCard, url: str) -> Markup:
        kind_labels, theme_labels = _labels()
        pattern = WHEN_PATTERNS.get(self.locale, WHEN_PATTERNS["en"])
        macro = get_template_attribute(PARTIAL, "card_head")
        return macro(
            card,
            url,
            datetime_formatter(pattern)(card.starts_at),
            iso_formatter()(card.starts_at),
            kind_labels.get(card.kind, card.kind),
            theme_labels,
        )


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    """The kind and theme labels in the current language."""
    return (
        {key: str(label) for key, label in forms.CATALOGUE_KIND_LABELS.items()},
        {key: str(label) for key, label in forms.THEME_LABELS.items()},
    )
