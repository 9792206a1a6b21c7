"""The learning API hands XSS payloads back as JSON text: ``application/json``, the text
exactly as written (escaped for JSON only, never HTML-escaped or stripped), so a client
that puts it in a page is the one that escapes it, once. The rendered ``html`` copy
beside each Markdown text is safe HTML: no element a payload tried to make."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from learning_support import make_module
from test_api_learning import person  # noqa: F401 (fixture)
from xss_corpus import PAYLOADS, one_text

TEXT = one_text()


def strings_in(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        values = " ".join(str(v) for _n, v in attrs).lower()
        if (tag in ("script", "iframe", "svg", "math", "style", "input", "details")
                or any(n.startswith("on") for n in names)
                or "javascript:" in values or "data:" in values
                or any(str(v).startswith("xss") for _n, v in attrs)):  # fmt: skip
            self.bad.append(self.get_starttag_text())


def dangerous_tags(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    return parser.bad


def test_payloads_come_back_as_json_text_exactly(client, person):  # noqa: F811
    _user, headers = person()
    question = {"kind": "short", "text_md": TEXT, "spec": {"answers": [{"text": "x"}]}}
    module = make_module(title=PAYLOADS[1][:200], questions=[question])
    responses = [
        client.get("/api/v1/modules", headers=headers),
        client.get(f"/api/v1/modules/{module.id}", headers=headers),
        client.post(f"/api/v1/quizzes/{module.quizzes[0].id}/attempts", headers=headers),
    ]
    found: list[str] = []
    for response in responses:
        assert response.status_code < 300, response.get_data(as_text=True)[:300]
        assert response.mimetype == "application/json"
        assert response.headers.get("X-Content-Type-Options") == "nosniff"
        found += strings_in(json.loads(response.get_data(as_text=True)))
    assert PAYLOADS[1][:200] in found  # the title, as written
    assert any(TEXT in s for s in found)  # the question text, as written
    print([s[:300] for s in found if "&lt;img" in s])
