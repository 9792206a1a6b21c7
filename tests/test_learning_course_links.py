"""A course's public page lists the e-learning modules attached to it ("E-learning in
this course"), through the registrations area's page-section question, so that area
imports nothing of learning (tests/test_structure.py holds the layers)."""

from __future__ import annotations

from learning_support import make_module

from lms.extensions import db
from lms.learning.authoring import set_courses
from lms.learning.course_links import course_modules


def _attach(factory, course, *modules) -> None:
    organiser = factory.user(roles=("organiser",))
    for module in modules:
        set_courses(organiser, module, [course.id])
    db.session.commit()


def test_a_course_page_links_its_published_modules(client, factory):
    course = factory.offering("Kurs i klimakrav", kind="course")
    published = make_module(title="Klimakrav i praksis", slug="klimakrav")
    draft = make_module(title="Utkast om sosiale krav", slug="utkast", published=False)
    make_module(title="En annen modul", slug="annen")  # not in the course
    _attach(factory, course, published, draft)
    assert course_modules(course.id) == [published]
    page = client.get(f"/events/{course.id}").get_data(as_text=True)
    assert "E-læring i dette kurset" in page
    assert '<a class="ds-link" href="/learning/klimakrav">Klimakrav i praksis</a>' in page
    assert "/learning/utkast" not in page and "/learning/annen" not in page


def test_a_course_without_modules_has_no_such_section(client, factory):
    course = factory.offering("Kurs uten e-læring", kind="course")
    make_module(slug="ikke-koblet")
    page = client.get(f"/events/{course.id}").get_data(as_text=True)
    assert "E-læring i dette kurset" not in page
    assert "/learning/ikke-koblet" not in page
