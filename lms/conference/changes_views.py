"""What changed in each release: ``/conferences/<slug>/changes`` (a page) and
``/conferences/<slug>/changes.atom`` (Atom 1.0, one entry per release)."""

from __future__ import annotations

import hashlib

from flask import Response, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select

from lms.calendar.entries import host_of
from lms.conference.atom import AtomEntry, build_feed, entry_id
from lms.conference.blueprint import bp
from lms.conference.programme_views import published_programme
from lms.conference.release_models import Release
from lms.conference.releases import CHANGE_LABELS, change_places
from lms.core.urls import configured_base_url, external_url
from lms.extensions import db

CHANGE_ORDER = ("new", "moved", "changed", "cancelled")


def _releases(conference) -> list[Release]:
    return list(
        db.session.scalars(
            select(Release)
            .where(Release.conference_id == conference.id)
            .order_by(Release.number.desc())
        )
    )


def _grouped(release: Release) -> list[tuple[str, list[dict]]]:
    """The release's changes by kind, in CHANGE_ORDER; kinds with none left out."""
    return [
        (kind, [c for c in release.changes if c["kind"] == kind])
        for kind in CHANGE_ORDER
        if any(c["kind"] == kind for c in release.changes)
    ]


def _item_ids(programme) -> dict[str, int]:
    """Item guid -> id in the newest release (cancelled items are kept, so every
    item a release ever named has a page)."""
    return {item.data["guid"]: item.id for item in programme.items}


@bp.get("/conferences/<slug>/changes")
def changes(slug: str):
    """Each release, newest first, with what was new, moved, changed or cancelled."""
    conference, _release, programme = published_programme(slug)
    return render_template(
        "lms/conference/changes.html",
        conference=conference,
        programme=programme,
        releases=[
            (
                release,
                _grouped(release),
                change_places(conference, release.snapshot, release.changes),
            )
            for release in _releases(conference)
        ],
        item_ids=_item_ids(programme),
        labels=CHANGE_LABELS,
    )


def _entry(conference, release: Release, item_ids: dict[str, int], labels) -> AtomEntry:
    lines, html = [], []
    for kind, changed in _grouped(release):
        for change in changed:
            lines.append(f"{labels[kind]}: {change['title']}")
            url = (
                external_url(
                    "lms_conference.item", slug=conference.slug, item_id=item_ids[change["guid"]]
                )
                if change["guid"] in item_ids
                else ""
            )
            title = escape(change["title"])
            linked = f'<a href="{escape(url)}">{title}</a>' if url else str(title)
            html.append(f"<li>{escape(labels[kind])}: {linked}</li>")
    if not lines:
        lines.append(_("No items changed."))
        html.append(f"<li>{escape(lines[0])}</li>")
    return AtomEntry(
        number=release.number,
        title=_("Release %(number)s", number=release.number),
        published_at=release.published_at,
        link=external_url("lms_conference.changes", slug=conference.slug)
        + f"#release-{release.number}",
        summary="; ".join(lines),
        html="<ul>" + "".join(html) + "</ul>",
    )  # fmt: skip


@bp.get("/conferences/<slug>/changes.atom")
def changes_feed(slug: str):
    """The changes as Atom 1.0: stable entry ids, ``updated`` = when published; a
    strong ETag of the bytes, so a reader polling an unchanged feed gets a 304."""
    conference, _release, programme = published_programme(slug)
    releases = _releases(conference)
    host = host_of(configured_base_url())
    year = conference.created_at.year
    labels = CHANGE_LABELS
    item_ids = _item_ids(programme)
    data = build_feed(
        feed_id=f"tag:{host},{year}:conference/{conference.slug}/changes",
        title=_("Programme changes: %(title)s", title=programme.conference["title"]),
        author=current_app.config["LMS_SITE_NAME"],
        self_url=external_url("lms_conference.changes_feed", slug=conference.slug),
        page_url=external_url("lms_conference.changes", slug=conference.slug),
        language=str(get_locale()),
        entries=[_entry(conference, r, item_ids, labels) for r in releases],
        entry_ids=[entry_id(host, conference.slug, year, r.number) for r in releases],
        updated_when_empty=conference.created_at,
    )
    response = Response(data, mimetype="application/atom+xml")
    response.set_etag(hashlib.sha256(data).hexdigest()[:40])
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept-Language")
    return response.make_conditional(request)
