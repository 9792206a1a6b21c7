"""The conference's changes as an Atom 1.0 feed (RFC 4287). Pure: releases and their
texts in, bytes out; the same releases give the same bytes.

Each release is one entry whose ``id`` is a ``tag:`` URI (RFC 4151) made from the UID
host, the conference's slug and the release number, so it never changes for that
release wherever the feed is read from; ``updated`` is when it was published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class AtomEntry:
    """One release: ``lines`` are the changes as plain text, ``html`` the same as
    HTML (escaped when written)."""

    number: int
    title: str
    published_at: datetime
    link: str
    summary: str
    html: str


def entry_id(host: str, slug: str, year: int, number: int) -> str:
    """``tag:<host>,<year>:conference/<slug>/release/<number>``."""
    return f"tag:{host},{year}:conference/{slug}/release/{number}"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def build_feed(
    *,
    feed_id: str,
    title: str,
    author: str,
    self_url: str,
    page_url: str,
    language: str,
    entries: Sequence[AtomEntry],
    entry_ids: Sequence[str],
    updated_when_empty: datetime,
) -> bytes:
    """The feed: ``entries`` newest first, each with its id from ``entry_ids``."""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": language})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    newest = max((e.published_at for e in entries), default=updated_when_empty)
    _text(feed, "updated", _stamp(newest))
    author_element = ET.SubElement(feed, "author")
    _text(author_element, "name", author)
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": self_url})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": page_url})
    for entry, identifier in zip(entries, entry_ids, strict=True):
        element = ET.SubElement(feed, "entry")
        _text(element, "id", identifier)
        _text(element, "title", entry.title)
        _text(element, "updated", _stamp(entry.published_at))
        _text(element, "published", _stamp(entry.published_at))
        ET.SubElement(
            element, "link", {"rel": "alternate", "type": "text/html", "href": entry.link}
        )
        _text(element, "summary", entry.summary)
        _text(element, "content", entry.html, type="html")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
