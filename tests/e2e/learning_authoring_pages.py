"""The authoring pages for tests/e2e/site_pages.py's list: openers that make a module the
visitor teaches (titles with a long Norwegian word, so narrow screens are tested with it)
and drive the browser to each page, its error states too.

``AUTHORING_PAGES`` holds (name, roles, endpoint, opener, status); site_pages turns them
into its PageSpec rows."""

from __future__ import annotations

from learning_support import make_module

from lms.extensions import db
from lms.learning.attachments import store_attachment
from lms.learning.models import Quiz, QuizDraw

LONG_TITLE = "Leverandørkjedeansvarlighetsvurderinger i offentlige anskaffelser"


def _module(v, **kwargs):
    """A module the visitor teaches, with a file and a draw, committed."""
    module = make_module(instructor=v.user, title=LONG_TITLE, **kwargs)
    store_attachment(module, "kontraktsvilkar-for-leverandorkjedeansvarlighet.pdf", b"%PDF-1.4")
    module.quizzes[0].draws.append(QuizDraw(tag="objective:MR1", count=2, position=0))
    db.session.commit()
    return module


def _save(v, form: str, fields: dict[str, str], status: int) -> None:
    """Fill ``fields`` and press the form's visible Save button."""
    for field_id, value in fields.items():
        v.page.fill(f"#{field_id}", value)
    with v.page.expect_navigation() as navigation:
        v.page.locator(f"{form} button.ds-button[data-variant=primary]").last.click()
    assert navigation.value.status == status, f"expected {status}, got {navigation.value.status}"


def _base(v, **kwargs) -> str:
    return f"/manage/learning/{_module(v, **kwargs).id}"


def modules_list(v) -> None:
    _module(v)
    v.goto("/manage/learning")


def new_module_errors(v) -> None:
    v.goto("/manage/learning/new")
    _save(v, "form.lms-author-form", {"slug": "Ikke gyldig", "title": ""}, status=400)


def module_page(v) -> None:
    v.goto(_base(v))


def module_settings(v) -> None:
    v.goto(f"{_base(v)}/settings")


def module_settings_errors(v) -> None:
    v.goto(f"{_base(v)}/settings")
    _save(v, "form.lms-author-form", {"title": "", "objectives-1-code": "X"}, status=400)


def new_lesson(v) -> None:
    v.goto(f"{_base(v)}/lessons/new")


def lesson_preview(v) -> None:
    """The lesson editor after "Preview": the rendered text below the form."""
    module = _module(v)
    v.goto(f"/manage/learning/{module.id}/lessons/{module.lessons[0].id}")
    v.page.fill("#body_md", "## Kilder\n\n| Lov | Paragraf |\n|---|---|\n| Åpenhetsloven | § 4 |")
    with v.page.expect_navigation():
        v.page.click("button[name=preview]")


def lesson_delete(v) -> None:
    module = _module(v)
    v.goto(f"/manage/learning/{module.id}/lessons/{module.lessons[0].id}/delete")


def attachments(v) -> None:
    v.goto(f"{_base(v)}/attachments")


def new_quiz(v) -> None:
    v.goto(f"{_base(v)}/quizzes/new")


def edit_quiz(v) -> None:
    module = _module(v)
    v.goto(f"/manage/learning/{module.id}/quizzes/{module.quizzes[0].id}")


def quiz_errors(v) -> None:
    v.goto(f"{_base(v)}/quizzes/new")
    _save(v, "form.lms-author-form", {"title": "", "pass_percent": "120"}, status=400)


def question_bank(v) -> None:
    v.goto(f"{_base(v)}/questions")


def new_single(v) -> None:
    v.goto(f"{_base(v)}/questions/new?kind=single")


def new_numeric(v) -> None:
    v.goto(f"{_base(v)}/questions/new?kind=numeric")


def edit_question(v) -> None:
    module = _module(v)
    v.goto(f"/manage/learning/{module.id}/questions/{module.questions[1].id}")


def question_errors(v) -> None:
    """A single-choice question with no right option: the type's faults, 400."""
    v.goto(f"{_base(v)}/questions/new?kind=single")
    fields = {"text_md": "Hvilken lov?", "rows-0-text": "A", "rows-0-fraction": "0",
              "rows-1-text": "B"}  # fmt: skip
    _save(v, "form.lms-question-form", fields, status=400)


def publish_faults(v) -> None:
    module = _module(v, published=False)
    module.quizzes.append(Quiz(key="tom-prove", title="Tom prøve", position=1))
    db.session.commit()
    v.goto(f"/manage/learning/{module.id}")
    with v.page.expect_navigation() as navigation:
        v.page.click("form[action$='/publish'] button[type=submit]")
    assert navigation.value.status == 409


def preview_module(v) -> None:
    v.goto(f"{_base(v)}/preview")


def preview_lesson(v) -> None:
    v.goto(f"{_base(v)}/preview/lessons/lesson-1")


def preview_quiz(v) -> None:
    v.goto(f"{_base(v)}/preview/quizzes/quiz")


AUTHORS = ("instructor", "organiser")
E = "lms_learning."
AUTHORING_PAGES = [
    ("learning-modules", AUTHORS, f"{E}manage_modules", modules_list, 200),
    ("learning-modules-none", ("instructor",), f"{E}manage_modules", "/manage/learning", 200),
    ("learning-new-module", ("instructor",), f"{E}new_module", "/manage/learning/new", 200),
    ("learning-new-module-errors", ("instructor",), f"{E}new_module", new_module_errors, 200),
    ("learning-module", AUTHORS, f"{E}manage_module", module_page, 200),
    ("learning-settings", ("instructor",), f"{E}module_settings", module_settings, 200),
    ("learning-settings-errors", ("instructor",), f"{E}module_settings",
     module_settings_errors, 200),
    ("learning-new-lesson", ("instructor",), f"{E}new_lesson", new_lesson, 200),
    ("learning-lesson-preview", ("instructor",), f"{E}edit_lesson", lesson_preview, 200),
    ("learning-lesson-delete", ("instructor",), f"{E}delete_lesson", lesson_delete, 200),
    ("learning-files", ("instructor",), f"{E}manage_attachments", attachments, 200),
    ("learning-new-quiz", ("instructor",), f"{E}new_quiz", new_quiz, 200),
    ("learning-quiz", ("instructor",), f"{E}edit_quiz", edit_quiz, 200),
    ("learning-quiz-errors", ("instructor",), f"{E}new_quiz", quiz_errors, 200),
    ("learning-bank", ("instructor",), f"{E}question_bank", question_bank, 200),
    ("learning-new-single", ("instructor",), f"{E}new_question", new_single, 200),
    ("learning-new-numeric", ("instructor",), f"{E}new_question", new_numeric, 200),
    ("learning-question", ("instructor",), f"{E}edit_question", edit_question, 200),
    ("learning-question-errors", ("instructor",), f"{E}new_question", question_errors, 200),
    ("learning-publish-faults", ("instructor",), f"{E}manage_module", publish_faults, 200),
    ("learning-preview", ("instructor",), f"{E}preview_module", preview_module, 200),
    ("learning-preview-lesson", ("instructor",), f"{E}preview_lesson", preview_lesson, 200),
    ("learning-preview-quiz", ("instructor",), f"{E}preview_quiz", preview_quiz, 200),
]  # fmt: skip
