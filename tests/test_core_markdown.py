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


# --- lessons: images, attachments, video links ------------------------------------------


def lesson(text: str) -> Markup:
    return render_markdown(
        text,
        images=True,
        file_url=lambda name: f"/learning/m/files/{name}",
        video_note=lambda site: f"Video on {site}",
        top_heading=2,
    )


def test_descriptions_keep_no_images():
    assert not [tag for tag, _ in elements(render_markdown("![Kart](https://a.no/k.png)"))
                if tag == "img"]  # fmt: skip


def test_lesson_images_keep_their_alt_text_from_http_or_the_modules_files():
    html = lesson(
        '![Kart over leverandørkjeden](files/kart.png "Kart")\n\n![Logo](https://a.no/l.png)'
    )
    images = [attrs for tag, attrs in elements(html) if tag == "img"]
    assert images == [
        {"src": "/learning/m/files/kart.png", "alt": "Kart over leverandørkjeden", "title": "Kart"},
        {"src": "https://a.no/l.png", "alt": "Logo"},
    ]


def test_lesson_images_from_elsewhere_lose_their_source():
    html = lesson(
        "![a](javascript:alert(1)) ![b](data:image/png;base64,AAAA) ![c](//evil.example/x)"
    )
    sources = [attrs.get("src") for tag, attrs in elements(html) if tag == "img"]
    # markdown-it itself refuses the javascript: one; the others lose their source.
    assert sources == [None, None], sources


def test_links_to_files_point_at_the_attachment():
    html = lesson("[Kontraktsklausul](files/klausul%20v2.docx) og [ut](files/../x)")
    hrefs = [attrs.get("href") for tag, attrs in elements(html) if tag == "a"]
    assert hrefs[0] == "/learning/m/files/klausul v2.docx"
    assert hrefs[1] == "files/../x"  # not a file name: left as a (broken) relative link


def test_a_video_link_alone_on_its_line_gets_its_note():
    html = lesson(
        "[Om åpenhetsloven](https://www.youtube.com/watch?v=abc)\n\n"
        "Se <https://vimeo.com/1> her.\n\n<https://vimeo.com/2>\n\n[x](https://evil.example/v)"
    )
    assert html.count('class="lms-video"') == 2
    assert "Video on YouTube" in html and "Video on Vimeo" in html
    assert "<iframe" not in html  # the CSP allows no frames: a link, never an embed


def test_lesson_headings_start_at_h2():
    html = lesson("# A\n\n### C")
    assert "<h2>A</h2>" in html and "<h3>C</h3>" in html
