"""Keyboard-only helpers: move focus with Tab, read what has focus, press keys.

Nothing here clicks or fills an element: focus moves the way a keyboard user
moves it, and text goes in through ``page.keyboard``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask_babel import force_locale, gettext

FOCUSED_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return {tag: 'body', id: '', text: '', href: '', value: '',
    type: '', cls: '', form: ''};
  return {
    tag: e.tagName.toLowerCase(), id: e.id || '',
    text: (e.innerText || '').replace(/\\s+/g, ' ').trim(),
    href: e.getAttribute('href') || '', value: e.value || '', type: e.type || '',
    cls: typeof e.className === 'string' ? e.className : '',
    form: e.form ? (e.form.getAttribute('action') || '') : '',
  };
}"""

MAX_TABS = 80


def focused(page) -> dict:
    """What has keyboard focus now: tag, id, visible text, href, value, type, class, form."""
    return page.evaluate(FOCUSED_JS)


def describe(info: dict) -> str:
    ident = f"#{info['id']}" if info["id"] else ""
    return f"{info['tag']}{ident} {info['text'][:40]!r}".strip()


def tab_to(page, what: str, wanted: Callable[[dict], bool], key: str = "Tab") -> dict:
    """Press Tab (or ``key``) until the focused element satisfies ``wanted``."""
    path = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        info = focused(page)
        if wanted(info):
            return info
        path.append(describe(info))
    pytest.fail(f"{key} never reached {what}; focus went through: {path}", pytrace=False)


def tab_to_field(page, field_id: str) -> dict:
    """The next Tab must land on the form field ``field_id`` (tab order = visual order)."""
    page.keyboard.press("Tab")
    info = focused(page)
    assert info["id"] == field_id, f"Tab went to {describe(info)}, expected #{field_id}"
    return info


def press_and_wait(page, key: str = "Enter") -> None:
    """Press ``key`` on the focused link or button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def translator(app: Flask, lang: str) -> Callable[..., str]:
    """``t(msgid, **values)``: the text the app shows in ``lang``, looked up in its
    catalogue, so assertions stay right when the catalogues change."""

    def t(message: str, **values) -> str:
        with app.test_request_context("/"), force_locale(lang):
            return gettext(message, **values)

    return t


def text_of(page, selector: str) -> str:
    return " ".join(page.locator(selector).first.inner_text().split())
