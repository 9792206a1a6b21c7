"""Markdown descriptions and lessons, rendered and sanitised.

markdown-it-py renders CommonMark with raw HTML switched off; nh3 (ammonia) then keeps
only an allow-list of tags and attributes, drops every ``javascript:`` or other unsafe
link scheme, and adds ``rel="noopener noreferrer"`` to every link. The result is safe to
put on a page as is.

Lessons ask for a little more (``render_markdown(..., file_url=…)``): images (``src``
only over http(s) or one of the module's own ``files/…``), links to ``files/<name>``
sent to where the caller serves them, and a video link alone on its line marked as one
(``video_note``). The mapping is the caller's: this module knows no route.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable("table")
_md.enable("strikethrough")

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
IMAGE_ATTRIBUTES = {"src", "alt", "title"}
URL_SCHEMES = {"http", "https", "mailto"}
FILES_PREFIX = "files/"

# A paragraph that is one link to a video page (YouTube or Vimeo), as nh3 writes it.
VIDEO_SITES = {
    "youtube.com": "YouTube",
    "www.youtube.com": "YouTube",
    "m.youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "vimeo.com": "Vimeo",
    "www.vimeo.com": "Vimeo",
    "player.vimeo.com": "Vimeo",
}
_VIDEO_PARAGRAPH = re.compile(
    r'<p>(<a href="https://([a-z.]+)/[^"]*"[^>]*>(?:(?!</a>).)*</a>)</p>', re.DOTALL
)


def _demote_headings(html: str, top: int) -> str:
    # A description sits below the page's h1 and a section's h2: "#" and "##" become h3,
    # deeper levels follow (h3 → h4 …, at most h6). A lesson fills its own page: "#"
    # and "##" become h2 (``top=2``).
    for level in range(6, 0, -1):
        new = min(max(level + top - 2, top), 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    return html


def _attribute_filter(file_url: Callable[[str], str] | None):
    """Keep an image's source only over http(s) or from ``files/``; send ``files/<name>``
    (links and images) to ``file_url(name)``."""

    def keep(element: str, attribute: str, value: str) -> str | None:
        if attribute not in ("href", "src"):
            return value
        if value.startswith(FILES_PREFIX):
            name = unquote(value[len(FILES_PREFIX) :])
            if file_url is None or not name or "/" in name:
                return None if element == "img" else value
            return file_url(name)
        if element == "img" and not value.lower().startswith(("https://", "http://")):
            return None
        return value

    return keep


def _mark_videos(html: str, note: Callable[[str], str]) -> str:
    # Runs on sanitised HTML and adds only escaped text: nothing unsafe can come in.
    def mark(match: re.Match) -> str:
        site = VIDEO_SITES.get(match.group(2))
        if site is None:
            return match.group(0)
        return (
            f'<p class="lms-video">{match.group(1)} '
            f'<span class="lms-video__note">{escape(note(site))}</span></p>'
        )

    return _VIDEO_PARAGRAPH.sub(mark, html)


def render_markdown(
    text: str | None,
    *,
    images: bool = False,
    file_url: Callable[[str], str] | None = None,
    video_note: Callable[[str], str] | None = None,
    top_heading: int = 3,
) -> Markup:
    """Render ``text`` (Markdown) to sanitised HTML; no raw HTML or script survives.

    ``images`` keeps images (with their alt text) whose source is http(s) or ``files/…``;
    ``file_url(name)`` gives the address of the attachment ``files/<name>`` a link or
    image names; ``video_note(site)`` is the text put after a video link alone on its
    line ("Video on YouTube…"); ``top_heading`` is the level ``#`` becomes."""
    if not text:
        return Markup("")
    html = _demote_headings(_md.render(text), top_heading)
    tags, attributes = ALLOWED_TAGS, ALLOWED_ATTRIBUTES
    if images:
        tags = tags | {"img"}
        attributes = attributes | {"img": IMAGE_ATTRIBUTES}
    clean = nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        attribute_filter=_attribute_filter(file_url),
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    if video_note is not None:
        clean = _mark_videos(clean, video_note)
    return Markup(clean)  # noqa: S704  (sanitised by nh3 just above)
