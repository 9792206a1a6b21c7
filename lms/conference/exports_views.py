"""The programme's files: calendar feeds (the whole programme, a track, one session),
the frab / c3voc schedule (XML and JSON), the calendars page that links them, and the
organisers' table for the printer.

Every file reads a release (the newest, or ``?release=N``: the programme as of release
N, a 404 when there is none), never the draft. A release never changes, so its bytes are
built once per release, variant and address base and kept (``fragment_cache``); each
response carries the strong ETag of its bytes and answers ``304`` when it matches
(``calendar.views.ics_response``, the one rule for file downloads).
"""

from __future__ import annotations

import re

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.calendar.entries import host_of
from lms.calendar.views import file_etag, ics_response
from lms.conference import frab, ical_entries, programme_table
from lms.conference.blueprint import bp
from lms.conference.published import (
    published_release,
    published_release_key,
    release_snapshot,
)
from lms.core.errors import ExplainedBadRequest
from lms.core.fragments import MemoCache, fragment_cache
from lms.core.service_errors import PermissionDenied
from lms.core.urls import base_url, configured_base_url, external_url
from lms.events.services import require_organiser
from lms.registrations import exports

_NUMBER = re.compile(r"[1-9][0-9]{0,6}")
FILE_CACHE_SIZE = 64  # files per worker: a programme's .ics of 80 items is about 60 kB
LATEST = "public, max-age=300"  # the newest release: a new one may come at any time
VERSIONED = "public, max-age=86400"  # release N never changes
# The public page of an item (the programme's); until it exists an item's own .ics is
# the address that names it.
ITEM_PAGE = "lms_conference.item"


def release_number() -> int | None:
    """``?release=N`` as a number, None when not asked; a 400 when it is no number."""
    value = request.args.get("release")
    if value is None:
        return None
    if not _NUMBER.fullmatch(value):
        raise ExplainedBadRequest(_("The release must be a whole number from 1 up."))
    return int(value)


def published(slug: str):
    """``(conference, release)`` the request asks for, or a 404."""
    found = published_release(slug, release_number())
    if found is None:
        abort(404)
    return found


def published_key(slug: str):
    """The identity of the release the request asks for (``published_release_key``), or
    a 404: what finds a kept file."""
    found = published_release_key(slug, release_number())
    if found is None:
        abort(404)
    return found


def item_url_of(slug: str):
    """``item_url(item_id)``: the absolute address of an item of conference ``slug``."""
    return lambda item_id: external_url(ITEM_PAGE, slug=slug, item_id=item_id)


def ical_links(slug: str) -> ical_entries.Links:
    return ical_entries.Links(uid_host=host_of(configured_base_url()), item_url=item_url_of(slug))


def frab_links(slug: str, fmt: str) -> frab.Links:
    return frab.Links(
        base_url=external_url("lms_core.home").rstrip("/"),
        schedule_url=external_url("lms_conference.schedule_file", slug=slug, fmt=fmt),
        item_url=item_url_of(slug),
    )


def _file(release, variant: tuple, build) -> tuple[bytes, str]:
    """The bytes of ``variant`` of ``release`` and their ETag, both made the first time
    they are asked for, so a kept file is never hashed again per request. The key holds
    everything they depend on: the release (which never changes) and where their links
    and UIDs point."""
    key = (
        release.id,
        release.number,
        release.published_at,
        base_url(),
        configured_base_url(),
        *variant,
    )

    def kept():
        data = build()
        return data, file_etag(data)

    return fragment_cache("conference_files", FILE_CACHE_SIZE, kind=MemoCache).get(key, kept)


def _respond(file: tuple[bytes, str], filename: str, **kwargs):
    data, etag = file
    cache = LATEST if request.args.get("release") is None else VERSIONED
    return ics_response(data, filename, cache=cache, attachment=False, etag=etag, **kwargs)


@bp.get("/conferences/<slug>/schedule.ics")
def schedule_ics(slug: str):
    """The whole programme (cancelled items marked so), for download or subscription."""
    release = published_key(slug)

    def build():
        snapshot = release_snapshot(release.id)
        title = snapshot["conference"]["title"]
        return ical_entries.calendar_bytes(snapshot, title, ical_links(slug))

    return _respond(_file(release, ("ics",), build), f"{slug}.ics")


@bp.get("/conferences/<slug>/tracks/<track_slug>.ics")
def track_ics(slug: str, track_slug: str):
    """The items of one track."""
    conference, release = published(slug)
    snapshot = release.snapshot
    items = ical_entries.track_items(snapshot, track_slug)
    if items is None:
        abort(404)
    track = next(t for t in snapshot["tracks"] if t["slug"] == track_slug)

    def build():
        name = f"{snapshot['conference']['title']}: {track['name']}"
        return ical_entries.calendar_bytes(snapshot, name, ical_links(slug), items)

    file = _file(release, ("track", track_slug), build)
    return _respond(file, f"{conference.slug}-{track_slug}.ics")


@bp.get("/conferences/<slug>/sessions/<lms_id:item_id>.ics")
def session_ics(slug: str, item_id: int):
    """One item of the programme (cancelled: still there, marked so)."""
    conference, release = published(slug)
    snapshot = release.snapshot
    item = ical_entries.item_by_id(snapshot, item_id)
    if item is None:
        abort(404)

    def build():
        return ical_entries.calendar_bytes(snapshot, item["title"], ical_links(slug), [item])

    file = _file(release, ("session", item_id), build)
    return _respond(file, f"{conference.slug}-session-{item_id}.ics")


@bp.get("/conferences/<slug>/schedule.<any(xml, json):fmt>")
def schedule_file(slug: str, fmt: str):
    """The frab / c3voc schedule that conference apps read."""
    release = published_key(slug)
    write = frab.schedule_xml if fmt == "xml" else frab.schedule_json

    def build():
        return write(release_snapshot(release.id), release.number, frab_links(slug, fmt))

    file = _file(release, ("frab", fmt), build)
    mimetype = frab.XML_TYPE if fmt == "xml" else frab.JSON_TYPE
    return _respond(file, f"schedule.{fmt}", mimetype=mimetype)


@bp.get("/conferences/<slug>/calendars")
def calendars(slug: str):
    """Download and subscribe links for the whole programme and for each track."""
    conference, release = published(slug)
    return render_template(
        "lms/conference/calendars.html",
        conference=conference,
        snapshot=release.snapshot,
        release=release,
        feed_url=external_url("lms_conference.schedule_ics", slug=conference.slug),
    )


@bp.get("/manage/conferences/<slug>/programme.<any(csv, xlsx):fmt>")
@login_required
def programme_export(slug: str, fmt: str):
    """The published programme as a table for the printer (organisers)."""
    try:
        require_organiser(current_user)
    except PermissionDenied:
        abort(403)
    conference, release = published(slug)
    name = f"programme-{conference.slug}-{release.number}.{fmt}"
    if fmt == "csv":
        separator = request.args.get("sep")
        if separator not in exports.SEPARATORS:
            separator = exports.csv_separator(str(get_locale()))
        body = programme_table.to_csv(release.snapshot, separator)
        content_type = exports.CSV_TYPE
    else:
        body, content_type = programme_table.to_xlsx(release.snapshot), exports.XLSX_TYPE
    return current_app.response_class(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
