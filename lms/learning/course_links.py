"""The e-learning of an instructor-led course, on the course's public page: the published
modules attached to it (``module_courses``), each linking to its page. The registrations
area asks through ``registrations.signals.offering_page_sections``; this answers."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db
from lms.learning.models import Module, ModuleVersion, module_courses
from lms.registrations.signals import PageSection


def course_modules(offering_id: int) -> list[Module]:
    """The modules of the course that participants can open (published, with a version),
    by title (one query)."""
    return list(
        db.session.scalars(
            select(Module)
            .join(module_courses, module_courses.c.module_id == Module.id)
            .where(
                module_courses.c.offering_id == offering_id,
                Module.status == "published",
                select(ModuleVersion.id).where(ModuleVersion.module_id == Module.id).exists(),
            )
            .order_by(Module.title, Module.id)
        )
    )


def on_offering_page(offering, viewer=None) -> PageSection | None:
    """The section "E-learning in this course", or None when the course has none."""
    modules = course_modules(offering.id)
    if not modules:
        return None
    return PageSection(
        heading=_("E-learning in this course"),
        links=tuple((m.title, url_for("lms_learning.module", slug=m.slug)) for m in modules),
    )
