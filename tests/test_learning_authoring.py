"""Authoring modules in the browser: who may edit what (in the services and on the
pages), forms that refuse bad input with a 400 and save nothing, lessons reordered,
questions of every type through the one form, a question with answers getting a new
version, publishing refused with its faults, and the preview being the snapshot."""

from __future__ import annotations

import io
from contextlib import contextmanager

import pytest
from conftest import csrf_token, post_form
from factories import year_like
from flask import template_rendered
from learning_support import make_module
from sqlalchemy import func, select

from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.learning import authoring, quiz_authoring
from lms.learning.models import Attachment, Lesson, Module, ModuleVersion, Quiz
from lms.learning.publishing import latest_version, snapshot

Y2031 = year_like(2031)


@pytest.fixture
def instructor(factory):
    return factory.user("teacher@example.no", roles=("instructor",))


@pytest.fixture
def other_instructor(factory):
    return factory.user("other.teacher@example.no", roles=("instructor",))


def module_form(**overrides) -> dict:
    data = {
        "slug": "klima-i-anskaffelser",
        "title": "Klima i anskaffelser",
        "summary_md": "Om **klima**.",
        "language": "nb",
        "estimated_minutes": "45",
        "themes": ["climate_environment"],
        "principles": ["7", "8"],
        "complete_needs_lessons": "y",
        "objectives-0-code": "KL1",
        "objectives-0-text": "Vekte klima og miljø.",
    }
    return data | overrides


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@contextmanager
def rendered(app):
    """The templates rendered meanwhile, with their context."""
    seen: list = []

    def record(sender, template, context, **extra):
        seen.append((template.name, context))

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


# --- who may edit ---------------------------------------------------------------------


def test_the_list_shows_instructors_their_own_modules_and_organisers_all(
    client, factory, login, instructor, other_instructor
):
    mine = make_module(instructor=instructor, title="Mitt modul")
    make_module(instructor=other_instructor, title="Andres modul")
    login(instructor)
    page = client.get("/manage/learning").get_data(as_text=True)
    assert "Mitt modul" in page and "Andres modul" not in page
    assert f"/manage/learning/{mine.id}" in page and 'href="/manage/learning/new"' in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(factory.user("org@example.no", roles=("organiser",)))
    page = client.get("/manage/learning").get_data(as_text=True)
    assert "Mitt modul" in page and "Andres modul" in page


def test_participants_are_refused_every_authoring_page(client, factory, login, instructor):
    module = make_module(instructor=instructor)
    login(factory.user("learner@example.no"))
    for path in ("/manage/learning", "/manage/learning/new", f"/manage/learning/{module.id}"):
        assert client.get(path).status_code == 403, path


def test_an_instructor_of_another_module_is_refused_in_the_services_and_on_the_pages(
    client, login, instructor, other_instructor
):
    module = make_module(instructor=other_instructor)
    question = module.questions[0]
    with pytest.raises(PermissionDenied):
        authoring.update_module(instructor, module, module_form())
    with pytest.raises(PermissionDenied):
        authoring.add_lesson(instructor, module, title="Inn", body_md="")
    with pytest.raises(PermissionDenied):
        quiz_authoring.save_question(
            instructor, module, question, key="", kind="truefalse", text_md="Sant?",
            spec={"answer": True}, tags=[],
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        authoring.publish_module(instructor, module)
    db.session.rollback()
    login(instructor)
    token = csrf_token(client, "/manage/learning")
    base = f"/manage/learning/{module.id}"
    for path in (base, f"{base}/settings", f"{base}/questions", f"{base}/preview"):
        assert client.get(path).status_code == 403, path
    response = client.post(f"{base}/settings", data={"csrf_token": token, **module_form()})
    assert response.status_code == 403
    assert client.post(f"{base}/publish", data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Module, module.id).title == "Responsible supply chains"


# --- the module form ------------------------------------------------------------------


def test_a_new_module_is_a_draft_its_maker_teaches(client, login, instructor):
    login(instructor)
    response = post_form(client, "/manage/learning/new", module_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    module = db.session.scalar(select(Module))
    assert module.status == "draft" and [u.id for u in module.instructors] == [instructor.id]
    assert (module.themes, module.principles) == (["climate_environment"], [7, 8])
    assert [(o.code, o.text) for o in module.objectives] == [("KL1", "Vekte klima og miljø.")]
    assert response.headers["Location"].endswith(f"/manage/learning/{module.id}")


@pytest.mark.parametrize(
    "bad",
    [
        {"slug": "Ikke Gyldig"},
        {"title": ""},
        {"estimated_minutes": "-3"},
        {"objectives-0-text": ""},
        {"themes": ["no_such_theme"]},
    ],
)
def test_bad_module_input_answers_400_and_saves_nothing(client, login, instructor, bad):
    module = make_module(instructor=instructor, slug="fast")
    login(instructor)
    path = f"/manage/learning/{module.id}/settings"
    response = post_form(client, path, module_form(**bad))
    assert response.status_code == 400
    assert "ds-error-summary" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Module, module.id).slug == "fast"
    assert [o.code for o in db.session.get(Module, module.id).objectives] == ["MR1"]


def test_a_slug_already_taken_is_refused_at_its_field(client, login, instructor):
    make_module(instructor=instructor, slug="klima-i-anskaffelser")
    login(instructor)
    response = post_form(client, "/manage/learning/new", module_form())
    assert response.status_code == 400
    assert count(Module) == 1


def test_add_an_objective_row_rerenders_with_one_more_and_saves_nothing(client, login, instructor):
    module = make_module(instructor=instructor)
    login(instructor)
    path = f"/manage/learning/{module.id}/settings"
    response = post_form(client, path, module_form(add_row="objectives"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="objectives-1-code"' in page and "KL1" in page
    db.session.expire_all()
    assert db.session.get(Module, module.id).title == "Responsible supply chains"


def test_instructors_and_courses_are_chosen_from_the_right_accounts_and_offerings(
    client, factory, login, instructor, other_instructor
):
    module = make_module(instructor=instructor)
    course = factory.offering("Kurs i klima", kind="course")
    seminar = factory.offering("Seminar")
    learner = factory.user("learner@example.no")
    login(instructor)
    path = f"/manage/learning/{module.id}/settings"
    refused = post_form(client, path, module_form(instructors=[str(learner.id)]))
    assert refused.status_code == 400
    refused = post_form(client, path, module_form(courses=[str(seminar.id)]))
    assert refused.status_code == 400
    data = module_form(instructors=[str(other_instructor.id)], courses=[str(course.id)])
    assert post_form(client, path, data).status_code == 302
    db.session.expire_all()
    module = db.session.get(Module, module.id)
    # An instructor who is not an organiser stays on, or they could not edit it again.
    assert {u.id for u in module.instructors} == {instructor.id, other_instructor.id}
    assert authoring.course_ids(module) == [course.id]


# --- lessons --------------------------------------------------------------------------


def test_lessons_move_up_and_down_by_buttons(client, login, instructor):
    module = make_module(instructor=instructor, lessons=3)
    first, second, third = (lesson.id for lesson in module.lessons)
    login(instructor)
    base = f"/manage/learning/{module.id}"
    token = csrf_token(client, base)
    response = client.post(
        f"{base}/lessons/{first}/move", data={"csrf_token": token, "direction": "down"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#lesson-{first}")
    client.post(f"{base}/lessons/{third}/move", data={"csrf_token": token, "direction": "up"})
    client.post(f"{base}/lessons/{second}/move", data={"csrf_token": token, "direction": "up"})
    db.session.expire_all()
    order = [lesson.id for lesson in db.session.get(Module, module.id).lessons]
    assert order == [second, third, first]
    assert next(lesson.key for lesson in db.session.get(Module, module.id).lessons) == "lesson-2"
    bad = client.post(f"{base}/lessons/{first}/move", data={"csrf_token": token, "direction": "x"})
    assert bad.status_code == 400


def test_a_lesson_is_deleted_after_a_confirmation_page(client, login, instructor):
    module = make_module(instructor=instructor, lessons=2)
    lesson_id = module.lessons[0].id
    login(instructor)
    path = f"/manage/learning/{module.id}/lessons/{lesson_id}/delete"
    assert "Lesson 1" in client.get(path).get_data(as_text=True)
    assert count(Lesson) == 2
    assert post_form(client, path, {}).status_code == 302
    db.session.expire_all()
    assert [lesson.position for lesson in db.session.get(Module, module.id).lessons] == [0]


def test_the_preview_button_renders_sanitised_markdown_and_saves_nothing(client, login, instructor):
    module = make_module(instructor=instructor)
    lesson = module.lessons[0]
    login(instructor)
    path = f"/manage/learning/{module.id}/lessons/{lesson.id}"
    body = "Dette er **viktig**.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2))"
    response = post_form(client, path, {"title": "Ny tittel", "body_md": body, "preview": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>viktig</strong>" in page
    assert "<script>alert" not in page and 'href="javascript' not in page
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).title == "Lesson 1"
    saved = post_form(client, path, {"title": "Ny tittel", "body_md": body})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).body_md == body


def test_a_new_lesson_gets_a_key_from_its_title_and_a_taken_key_is_refused(
    client, login, instructor
):
    module = make_module(instructor=instructor, lessons=1)
    login(instructor)
    path = f"/manage/learning/{module.id}/lessons/new"
    assert post_form(client, path, {"title": "Hva er åpenhetsloven?"}).status_code == 302
    assert post_form(client, path, {"title": "Igjen", "key": "lesson-1"}).status_code == 400
    db.session.expire_all()
    keys = [lesson.key for lesson in db.session.get(Module, module.id).lessons]
    assert keys == ["lesson-1", "hva-er-apenhetsloven"]


# --- publishing, archiving, preview ---------------------------------------------------


def test_publishing_is_refused_with_its_faults_each_linked_to_its_mending(
    client, login, instructor
):
    module = make_module(instructor=instructor, published=False)
    empty = Quiz(key="tom", title="Tom prøve", position=1)
    module.quizzes.append(empty)
    db.session.commit()
    login(instructor)
    response = post_form(
        client,
        f"/manage/learning/{module.id}/publish",
        {},
        form_page=f"/manage/learning/{module.id}",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f'href="/manage/learning/{module.id}/quizzes/{empty.id}"' in page
    assert count(ModuleVersion) == 0
    db.session.expire_all()
    assert db.session.get(Module, module.id).status == "draft"


def test_publishing_says_which_version_and_unchanged_content_makes_none(client, login, instructor):
    module = make_module(instructor=instructor, published=False)
    login(instructor)
    page = f"/manage/learning/{module.id}"
    response = post_form(client, f"{page}/publish", {}, form_page=page, follow_redirects=True)
    assert "Publisert som versjon 1." in response.get_data(as_text=True)
    response = post_form(client, f"{page}/publish", {}, form_page=page, follow_redirects=True)
    assert "Ingenting er endret siden versjon 1" in response.get_data(as_text=True)
    assert count(ModuleVersion) == 1
    db.session.expire_all()
    assert db.session.get(Module, module.id).status == "published"


def test_archiving_and_bringing_back(client, login, instructor):
    module = make_module(instructor=instructor)
    login(instructor)
    page = f"/manage/learning/{module.id}"
    assert post_form(client, f"{page}/archive", {}, form_page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(Module, module.id).status == "archived"
    post_form(client, f"{page}/archive", {"archived": "no"}, form_page=page)
    db.session.expire_all()
    assert db.session.get(Module, module.id).status == "published"


def test_the_preview_is_the_unsaved_snapshot_through_the_participant_templates(
    app, client, login, instructor
):
    module = make_module(instructor=instructor)
    module.lessons[0].title = "Endret, ikke publisert"
    db.session.commit()
    versions = count(ModuleVersion)
    login(instructor)
    base = f"/manage/learning/{module.id}/preview"
    with rendered(app) as seen:
        page = client.get(base).get_data(as_text=True)
    _name, context = next((n, c) for n, c in seen if n.startswith("lms/learning/"))
    db.session.expire_all()
    assert context["content"] == snapshot(db.session.get(Module, module.id))
    assert context["preview"] is True
    assert "Endret, ikke publisert" in page
    assert latest_version(module.id).content != context["content"]  # unsaved, not published
    assert count(ModuleVersion) == versions

    lesson = client.get(f"{base}/lessons/lesson-1").get_data(as_text=True)
    assert "Endret, ikke publisert" in lesson and "Lesson 2" in lesson  # the next lesson
    quiz = client.get(f"{base}/quizzes/quiz")
    text = quiz.get_data(as_text=True)
    assert quiz.status_code == 200
    assert "Which act requires due diligence" in text and "The Transparency Act" in text
    assert "åpenhetsloven" not in text.lower()  # an accepted answer: not shown before review
    assert client.get(f"{base}/lessons/no-such").status_code == 404


# --- files ----------------------------------------------------------------------------


def _png_with_metadata() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (4, 3), "red")
    exif = Image.Exif()
    exif[0x010E] = "Hemmelig beskrivelse"  # ImageDescription
    out = io.BytesIO()
    image.save(out, format="PNG", exif=exif.tobytes())
    return out.getvalue()


def test_files_are_uploaded_listed_with_their_markdown_and_deleted(client, login, instructor):
    module = make_module(instructor=instructor)
    login(instructor)
    path = f"/manage/learning/{module.id}/attachments"
    upload = {"file": (io.BytesIO(_png_with_metadata()), "figur.png")}
    response = post_form(client, path, upload, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = db.session.scalar(select(Attachment))
    assert stored.content_type == "image/png" and b"Hemmelig" not in stored.data
    page = client.get(path).get_data(as_text=True)
    assert 'value="![figur](files/figur.png)"' in page
    delete = f"{path}/{stored.id}/delete"
    assert post_form(client, delete, {}, form_page=path).status_code == 302
    assert count(Attachment) == 0


@pytest.mark.parametrize(
    ("name", "data"), [("virus.exe", b"MZ"), ("bilde.png", b"not an image"), ("../x.pdf", b"%")]
)
def test_a_file_refused_answers_400_with_why_and_stores_nothing(
    client, login, instructor, name, data
):
    module = make_module(instructor=instructor)
    login(instructor)
    path = f"/manage/learning/{module.id}/attachments"
    upload = {"file": (io.BytesIO(data), name)}
    response = post_form(client, path, upload, content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'id="file-error"' in response.get_data(as_text=True)
    assert count(Attachment) == 0
