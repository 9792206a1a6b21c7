"""The changes page and its Atom 1.0 feed: one entry per release with stable ids,
``updated`` = when published, well-formed XML with the elements RFC 4287 requires."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from conference_public_support import item_named, make_conference, publish
from lxml import etree

from lms.conference.release_models import Release
from lms.extensions import db

BASE = "/conferences/anskaffelseskonferansen"
A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def conference(app):
    """Release 1, then release 2: one item moved, one renamed, one cancelled, one new."""
    made = make_conference()
    publish(made, now=datetime.now(UTC) - timedelta(days=2))
    moved = item_named(made, "Klimakrav")
    moved.starts_at += timedelta(hours=2)
    moved.ends_at += timedelta(hours=2)
    item_named(made, "Åpning").title = "Åpning <og velkommen>"
    item_named(made, "Rundbord").status = "cancelled"
    new = item_named(made, "Ikke plassert")
    new.title, new.room = "Nytt foredrag", made.rooms[0]
    new.starts_at = moved.starts_at + timedelta(hours=2)
    new.ends_at = new.starts_at + timedelta(minutes=30)
    publish(made, now=datetime.now(UTC) - timedelta(days=1))
    return made


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_changes_page(client, conference):
    page = text(client.get(f"{BASE}/changes", headers={"Accept-Language": "en"}))
    assert page.index("Release 2") < page.index("Release 1")
    second = page[page.index("Release 2") : page.index("Release 1")]
    for kind, title in (
        ("New", "Nytt foredrag"),
        ("Moved", "Klimakrav"),
        ("Changed", "Åpning &lt;og velkommen&gt;"),
        ("Cancelled", "Rundbord"),
    ):
        item = item_named(conference, title.replace("&lt;", "<").replace("&gt;", ">"))
        link = f'<li><a class="ds-link" href="{BASE}/items/{item.id}">{title}</a>'
        assert f'>{kind}</h3> <ul class="ds-list"> {link}' in second


def _feed(client, **headers):
    response = client.get(f"{BASE}/changes.atom", headers={"Accept-Language": "en", **headers})
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/atom+xml"
    return response, etree.fromstring(response.get_data())


def test_atom_feed_is_well_formed_with_the_required_elements(client, conference):
    _response, feed = _feed(client)
    assert feed.tag == f"{A}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{A}{required}").text
    assert feed.find(f"{A}author/{A}name").text
    assert feed.find(f"{A}link[@rel='self']").get("href").endswith(f"{BASE}/changes.atom")
    entries = feed.findall(f"{A}entry")
    assert [e.find(f"{A}title").text for e in entries] == ["Release 2", "Release 1"]
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.find(f"{A}{required}").text
        assert entry.find(f"{A}link[@rel='alternate']") is not None
        assert entry.find(f"{A}summary").text
    releases = sorted(
        conference_releases(conference), key=lambda release: release.number, reverse=True
    )
    for entry, release in zip(entries, releases, strict=True):
        updated = datetime.fromisoformat(entry.find(f"{A}updated").text.replace("Z", "+00:00"))
        assert updated == release.published_at.replace(microsecond=0)
    assert feed.find(f"{A}updated").text == entries[0].find(f"{A}updated").text
    content = entries[0].find(f"{A}content")
    assert content.get("type") == "html"
    html = etree.fromstring(f"<div>{content.text}</div>")  # escaped HTML, itself well formed
    assert "Åpning <og velkommen>" in "".join(html.itertext())


def conference_releases(conference):
    return db.session.scalars(db.select(Release).where(Release.conference_id == conference.id))


def test_entry_ids_stay_when_a_release_is_added(client, conference):
    _response, before = _feed(client)
    ids = [e.find(f"{A}id").text for e in before.findall(f"{A}entry")]
    assert len(set(ids)) == 2 and all(i.startswith("tag:lms.test,") for i in ids)
    item_named(conference, "Nytt foredrag").title = "Nytt foredrag (endret)"
    publish(conference)
    _response, after = _feed(client)
    later = [e.find(f"{A}id").text for e in after.findall(f"{A}entry")]
    assert later[1:] == ids and later[0] not in ids
    assert after.find(f"{A}id").text == before.find(f"{A}id").text


def test_feed_etag_and_304(client, conference):
    first, _feed_xml = _feed(client)
    again, _ = _feed(client)
    assert again.get_data() == first.get_data()
    response = client.get(
        f"{BASE}/changes.atom",
        headers={"Accept-Language": "en", "If-None-Match": first.headers["ETag"]},
    )
    assert response.status_code == 304
