"""The public pages that count seats, on the events blueprint (``lms_events.*``): the
catalogue, an offering's page (with what registering will do) and a network's page
(its meetings with the seats left). They live in the registrations area because the
events area cannot count registrations.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from lms.core.paging import page_number
from lms.events import networks as network_services
from lms.events.blueprint import PAGE_SIZE, bp
from lms.events.models import Network, Offering
from lms.events.services import may_see
from lms.extensions import db
from lms.registrations import register_button
from lms.registrations.catalogue import CatalogueFilters, catalogue_page
from lms.registrations.catalogue_cards import CatalogueFragments
from lms.registrations.online_links import online_url_for
from lms.registrations.seats import seat_counts_for
from lms.registrations.signals import page_sections


@bp.get("/events")
def catalogue():
    """Published offerings still to come, with filters and search. A filter that means
    nothing is a 400 that says so (the list is not filtered by it); a page past the last
    a 404 that links to the last one, as the API answers."""
    filters = CatalogueFilters.from_args(request.args)
    pagination = catalogue_page(filters, page=page_number(), per_page=PAGE_SIZE)
    fragments = CatalogueFragments(filters)
    page = fragments.whole_page(
        pagination,
        lambda: render_template(
            "lms/events/catalogue.html",
            pagination=pagination,
            filters=filters,
            fragments=fragments,
        ),
    )
    return page, 400 if filters.invalid else 404 if pagination.beyond_last else 200


def _visible_offering(offering_id: int) -> Offering:
    offering = db.session.get(Offering, offering_id)
    if offering is None or not may_see(current_user, offering):
        abort(404)
    return offering


@bp.get("/events/<lms_id:offering_id>")
def detail(offering_id: int):
    """One offering: sessions, place, seats left, and what registering will do."""
    offering = _visible_offering(offering_id)
    return render_template(
        "lms/events/detail.html",
        offering=offering,
        online_url=online_url_for(current_user, offering),
        box=register_button.register_box(current_user, offering),
        sections=page_sections(offering, current_user),
    )


@bp.get("/networks/<lms_id:network_id>")
def network_detail(network_id: int):
    """A network: joining it, its coming meetings for everyone who may see them (as the
    catalogue lists them; a draft only for its editors), its members for those inside."""
    network = db.get_or_404(Network, network_id)
    inside = network_services.can_see_members_area(current_user, network)
    meetings = [m for m in network_services.network_meetings(network) if may_see(current_user, m)]
    members = (
        sorted(
            (m for m in network.memberships if m.status == "approved"),
            key=lambda m: m.user.name,
        )
        if inside
        else []
    )
    return render_template(
        "lms/events/network.html",
        network=network,
        inside=inside,
        meetings=meetings,
        members=members,
        membership=network_services.membership_of(current_user, network),
        counts=seat_counts_for(meetings),
    )
