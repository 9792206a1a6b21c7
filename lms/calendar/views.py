"""Calendar downloads and feeds: per offering, and each person's own feed.

Every response is the file's bytes with a strong ETag (their hash), so a client
that re-reads an unchanged feed gets ``304 Not Modified``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.calendar import entries, feeds
from lms.calendar.files import links, offering_ics_bytes
from lms.calendar.signals import more_personal_entries
from lms.core.urls import external_url
from lms.events import networks
from lms.events.models import Network, Offering
from lms.events.services import PUBLIC_STATUSES, may_see
from lms.extensions import db
from lms.registrations.online_links import linked_offerings

bp = Blueprint("lms_calendar", __name__)


def webcal_url(endpoint: str, **values: Any) -> str:
    """The ``webcal://`` subscribe link for ``endpoint`` (its external http(s) URL)."""
    url = external_url(endpoint, **values)
    return "webcal://" + url.split("://", 1)[1]


def personal_feed_url(network_id: int | None = None, *, webcal: bool = False) -> str | None:
    """The logged-in person's feed address (or their feed of a network's meetings),
    for templates: ``lms_personal_feed_url()``, ``lms_personal_feed_url(webcal=True)``,
    ``lms_personal_feed_url(network.id)``. None when nobody is logged in."""
    if not current_user.is_authenticated:
        return None
    token = feeds.feed_token(current_user)
    if network_id is None:
        endpoint, values = "lms_calendar.personal_feed", {"token": token}
    else:
        endpoint, values = "lms_calendar.network_feed", {"token": token, "network_id": network_id}
    return webcal_url(endpoint, **values) if webcal else external_url(endpoint, **values)


bp.add_app_template_global(webcal_url, "lms_webcal_url")
bp.add_app_template_global(personal_feed_url, "lms_personal_feed_url")


def file_etag(data: bytes) -> str:
    """The strong ETag of a file's bytes: their hash, so the same bytes always match."""
    return hashlib.sha256(data).hexdigest()[:40]


def ics_response(
    data: bytes,
    filename: str,
    *,
    cache: str,
    attachment: bool,
    mimetype: str = "text/calendar",
    etag: str | None = None,
) -> Response:
    """A file's bytes with a strong ETag (``file_etag``; ``etag`` when the caller kept it
    with the bytes) and ``304`` when it matches: the one rule of every download and feed
    (the conference's schedule files too)."""
    response = Response(data, mimetype=mimetype)  # Flask adds charset=utf-8 to text/*
    response.set_etag(etag or file_etag(data))
    response.headers["Cache-Control"] = cache
    kind = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{kind}; filename="{filename}"'
    return response.make_conditional(request)


@bp.get("/events/<lms_id:offering_id>/calendar.ics")
def offering_ics(offering_id: int):
    """All the offering's sessions; drafts only for those who may edit them."""
    offering = db.session.get(Offering, offering_id)
    if offering is None or not may_see(current_user, offering):
        abort(404)
    public = offering.status in PUBLIC_STATUSES
    cache = "public, max-age=300" if public else "private, no-cache"
    return ics_response(
        offering_ics_bytes(offering),
        f"event-{offering.id}.ics",
        cache=cache,
        attachment=True,
    )


@bp.get("/calendar/<token>.ics")
def personal_feed(token: str):
    """A person's own sessions, found by the secret token alone (calendar apps send
    no cookies); a wrong or reset token is a plain 404."""
    user = feeds.user_for_token(token)
    if user is None:
        abort(404)
    with force_locale(user.language):  # calendar apps send no useful Accept-Language
        name = _("%(site)s: my sessions", site=current_app.config["LMS_SITE_NAME"])
    zone = current_app.config["LMS_TIMEZONE"]
    feed_links = links()
    data = entries.personal_calendar(
        user,
        feeds.feed_registrations(user),
        feed_links,
        zone=zone,
        name=name,
        more=more_personal_entries(user, feed_links, zone),
    )
    response = ics_response(data, "calendar.ics", cache="private, max-age=300", attachment=False)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/calendar/<token>/networks/<lms_id:network_id>.ics")
def network_feed(token: str, network_id: int):
    """All meetings of a network (one event per meeting, see ``entries``), for its members
    and organisers, keyed by the same secret token as their personal feed."""
    user = feeds.user_for_token(token)
    network = db.session.get(Network, network_id) if user is not None else None
    if network is None or not networks.can_see_members_area(user, network):
        abort(404)
    meetings = networks.network_meetings(network, upcoming_only=False)
    data = entries.network_calendar(
        network,
        meetings,
        links(),
        zone=current_app.config["LMS_TIMEZONE"],
        linked=linked_offerings(user, [m.id for m in meetings if m.online_url]),
    )
    response = ics_response(
        data, f"network-{network.id}.ics", cache="private, max-age=300", attachment=False
    )
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/me/calendar")
@login_required
def my_calendar():
    """The person's feed address (https and webcal) and the button that resets it."""
    token = feeds.feed_token(current_user)
    response = Response(
        render_template(
            "lms/calendar/my_calendar.html",
            feed_url=external_url("lms_calendar.personal_feed", token=token),
            webcal=webcal_url("lms_calendar.personal_feed", token=token),
            networks=feeds.member_networks(current_user),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the page shows a secret
    return response


@bp.post("/me/calendar/reset")
@login_required
def reset_feed():
    feeds.reset_feed_token(current_user)
    db.session.commit()
    flash(_("Your calendar address has been changed. The old address no longer works."), "success")
    return redirect(url_for("lms_calendar.my_calendar"))
