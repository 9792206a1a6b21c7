"""The calendar files the app hands out: downloads, feeds and mail attachments. Their
links follow the one rule for absolute links (``lms/core/urls.py``); their UIDs keep
the host of ``LMS_BASE_URL`` (``lms.local`` without it), so a session has one UID
whichever address a client got it from."""

from __future__ import annotations

from collections import OrderedDict
from functools import cache

from flask import current_app

from lms.calendar import entries
from lms.core.urls import configured_base_url, external_url

ATTACHMENT_NAME = "invitation.ics"
ATTACHMENT_TYPE = "text/calendar"
_MAIL_ICS_CACHE: OrderedDict[tuple, bytes] = OrderedDict()
_MAIL_ICS_CACHE_SIZE = 32


def base_url() -> str:
    """Where the app's pages are (``lms/core/urls.py``), plus the mount point."""
    return external_url("lms_core.home").rstrip("/")


def links() -> entries.Links:
    """UIDs on the host of ``LMS_BASE_URL``; each offering linked to its detail page
    (built from the route once per offering and file, not once per session)."""

    @cache
    def offering_url(offering_id: int) -> str:
        return external_url("lms_events.detail", offering_id=offering_id)

    return entries.Links(uid_host=entries.host_of(configured_base_url()), offering_url=offering_url)


def offering_ics_bytes(offering, *, with_online_url: bool = False) -> bytes:
    """The offering's calendar file: the download anyone may have (the same bytes for
    everyone, so never with the online link, which is for those with a place:
    ``online_links``), or a mail's to someone with a place (``with_online_url``)."""
    return entries.offering_calendar(
        offering,
        links(),
        zone=current_app.config["LMS_TIMEZONE"],
        with_online_url=with_online_url,
    )


def offering_attachment(offering, *, with_online_url: bool = False) -> tuple[str, str, bytes]:
    """The ``.ics`` for a mail: the download's bytes, no METHOD and no ORGANIZER, so
    clients add or update the events and send no "accepted" replies."""
    return (
        ATTACHMENT_NAME,
        ATTACHMENT_TYPE,
        offering_ics_bytes(offering, with_online_url=with_online_url),
    )


def mail_attachment(context: dict) -> tuple[str, str, bytes]:
    """The ``"calendar"`` attachment of ``queue_mail``: built when the worker renders the
    mail, from the offering as it is then (``lms/mail/rendering.py``).

    A rush confirms hundreds of people for one offering; the worker builds its file
    once per version (every change to the offering or a session moves an
    ``updated_at``), not once per mail.
    """
    offering = context["offering"]
    # The mail's context says whether its reader has a place (``notify``): only then
    # does the file carry the online link.
    with_online_url = bool(context.get("online_link"))
    key = (
        with_online_url,
        offering.id,
        offering.updated_at,
        tuple((session.id, session.updated_at) for session in offering.sessions),
        base_url(),
        current_app.config["LMS_TIMEZONE"],
    )
    content = _MAIL_ICS_CACHE.get(key)
    if content is None:
        content = offering_ics_bytes(offering, with_online_url=with_online_url)
        _MAIL_ICS_CACHE[key] = content
        while len(_MAIL_ICS_CACHE) > _MAIL_ICS_CACHE_SIZE:
            _MAIL_ICS_CACHE.popitem(last=False)
    return (ATTACHMENT_NAME, ATTACHMENT_TYPE, content)


def cancelled_attachment(context: dict) -> tuple[str, str, bytes]:
    """The ``"calendar_cancelled"`` attachment: the offering's events with the UIDs the
    confirmation's file had, each ``STATUS:CANCELLED`` with its SEQUENCE raised, so a
    client that imported them marks them cancelled (the registration, or the offering)."""
    content = entries.offering_calendar(
        context["offering"],
        links(),
        zone=current_app.config["LMS_TIMEZONE"],
        cancelled=True,
    )
    return (ATTACHMENT_NAME, ATTACHMENT_TYPE, content)
