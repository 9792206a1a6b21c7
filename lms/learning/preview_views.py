"""Preview as a participant: a module, its lessons and a quiz's questions rendered from
``publishing.snapshot(module)`` (the working copy, unsaved) with the templates
participants get, passed ``content`` (the snapshot) and ``preview=True``."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import login_required

from lms.learning.authoring_views import editable
from lms.learning.blueprint import bp
from lms.learning.publishing import snapshot
from lms.learning.quiz_authoring import versions_by_id

# The participants' templates render the preview: until they are merged, these stand in
# (each takes ``content``, the snapshot, and ``preview``).
TEMPLATES = {
    "module": "lms/learning/preview/module.html",
    "lesson": "lms/learning/preview/lesson.html",
    "quiz": "lms/learning/preview/quiz.html",
}


def _one(items: list[dict], key: str) -> dict:
    for item in items:
        if item["key"] == key:
            return item
    abort(404)


@bp.get("/manage/learning/<lms_id:module_id>/preview")
@login_required
def preview_module(module_id: int):
    module = editable(module_id)
    return render_template(
        TEMPLATES["module"], module=module, content=snapshot(module), preview=True
    )


@bp.get("/manage/learning/<lms_id:module_id>/preview/lessons/<key>")
@login_required
def preview_lesson(module_id: int, key: str):
    module = editable(module_id)
    content = snapshot(module)
    lesson = _one(content["lessons"], key)
    keys = [item["key"] for item in content["lessons"]]
    index = keys.index(key)
    return render_template(
        TEMPLATES["lesson"],
        module=module,
        content=content,
        lesson=lesson,
        previous=content["lessons"][index - 1] if index > 0 else None,
        next=content["lessons"][index + 1] if index + 1 < len(keys) else None,
        preview=True,
    )


@bp.get("/manage/learning/<lms_id:module_id>/preview/quizzes/<key>")
@login_required
def preview_quiz(module_id: int, key: str):
    """A quiz's questions as they would be asked (a draw: its whole pool, marked as drawn
    at random); the right answers are not shown, as participants do not see them."""
    module = editable(module_id)
    content = snapshot(module)
    quiz = _one(content["quizzes"], key)
    ids = [i for d in quiz["draws"] for i in d.get("pool", [d.get("question_version_id")])]
    return render_template(
        TEMPLATES["quiz"],
        module=module,
        content=content,
        quiz=quiz,
        versions=versions_by_id([i for i in ids if i is not None]),
        preview=True,
    )
