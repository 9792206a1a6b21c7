"""Markdown descriptions: rendered, and nothing unsafe survives (no HTTP involved)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from lms.core.markdown import render_markdown

# Markdown rendering, a pure function: the SQLite pass runs it alone.
pytestmark = pytest.mark.pure


def elements(html: str) -> list[tuple[str, dict]]:
    """The real elements in ``html`` (escaped text is not an element)."""
    found: list[tuple[str, dict]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(str(html))
    return found


def test_renders_markdown():
    html = render_markdown("# Om kurset\n\n**Viktig** og *kursiv*\n\n- en\n- to")
    assert isinstance(html, Markup)
    assert "<h3>Om kurset</h3>" in html  # below the page's h1 and the section's h2
    assert "<strong>Viktig</strong>" in html and "<em>kursiv</em>" in html
    assert "<li>en</li>" in html


def test_headings_fit_below_the_pages_own():
    html = render_markdown("# A\n\n## B\n\n### C\n\n###### F")
    assert "<h3>A</h3>" in html and "<h3>B</h3>" in html
    assert "<h4>C</h4>" in html and "<h6>F</h6>" in html


def test_empty_gives_empty_markup():
    assert render_markdown("") == Markup("")
    assert render_markdown(None) == Markup("")


def test_raw_html_and_script_do_not_survive():
    html = render_markdown(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        '<a href="https://evil.example" onclick="x()">a</a>\n\n<iframe src="//x"></iframe>'
    )
    tags = elements(html)
    assert {tag for tag, _ in tags} == {"p"}, tags  # everything else is shown as text
    assert all(not name.startswith("on") for _, attrs in tags for name in attrs)
    assert "&lt;script&gt;" in html


def test_unsafe_link_schemes_are_dropped():
    html = render_markdown(
        "[a](javascript:alert(1)) [b](data:text/html;base64,PHNjcmlwdD4=) [c](vbscript:x)"
    )
    hrefs = [attrs.get("href", "") for tag, attrs in elements(html) if tag == "a"]
    assert not any(h.startswith(("javascript", "data", "vbscript")) for h in hrefs), hrefs


def test_links_get_noopener_noreferrer():
    html = render_markdown("[Anskaffelser](https://anskaffelser.no) og <https://dfo.no>")
    assert html.count('rel="noopener noreferrer"') == 2
    assert 'href="https://anskaffelser.no"' in html


def test_markdown_title_attribute_cannot_break_out():
    html = render_markdown('[x](https://a.no "t\\" onmouseover=\\"alert(1)")')
    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert links and set(links[0]) <= {"href", "title", "rel"}, links
