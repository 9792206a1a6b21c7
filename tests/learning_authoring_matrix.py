"""The authoring pages' rows of the permission matrix (tests/test_permissions.py): each
route of a module nobody in the matrix teaches, so the matrix's instructor is refused
like a participant while organisers and admins get through."""

from __future__ import annotations

from learning_support import make_module

from lms.extensions import db
from lms.learning.attachments import store_attachment
from lms.learning.models import QuizDraw

LOGIN = "login"
AUTHORS = (LOGIN, 403, 200, 200, 200)  # instructors and organisers make modules


def _editors(status):
    return (LOGIN, 403, 403, status, status)


def _authors(status):
    return (LOGIN, 403, status, status, status)


M = "/manage/learning/{a_module}"
# (method, endpoint, path, expected per role, form data)
AUTHORING_ROUTES = [
    ("GET", "manage_modules", "/manage/learning", AUTHORS, {}),
    ("GET", "new_module", "/manage/learning/new", AUTHORS, {}),
    ("POST", "new_module", "/manage/learning/new", _authors(400), {}),
    ("GET", "manage_module", M, _editors(200), {}),
    ("GET", "module_settings", f"{M}/settings", _editors(200), {}),
    ("POST", "module_settings", f"{M}/settings", _editors(400), {}),
    ("POST", "publish_module", f"{M}/publish", _editors(302), {}),
    ("POST", "archive_module", f"{M}/archive", _editors(302), {}),
    ("GET", "new_lesson", f"{M}/lessons/new", _editors(200), {}),
    ("POST", "new_lesson", f"{M}/lessons/new", _editors(400), {}),
    ("GET", "edit_lesson", f"{M}/lessons/{{a_lesson}}", _editors(200), {}),
    ("POST", "edit_lesson", f"{M}/lessons/{{a_lesson}}", _editors(400), {}),
    ("POST", "move_lesson", f"{M}/lessons/{{a_lesson}}/move", _editors(302), {"direction": "up"}),
    ("GET", "delete_lesson", f"{M}/lessons/{{a_lesson}}/delete", _editors(200), {}),
    ("POST", "delete_lesson", f"{M}/lessons/{{a_lesson}}/delete", _editors(302), {}),
    ("GET", "preview_module", f"{M}/preview", _editors(200), {}),
    ("GET", "preview_lesson", f"{M}/preview/lessons/lesson-1", _editors(200), {}),
    ("GET", "preview_quiz", f"{M}/preview/quizzes/quiz", _editors(200), {}),
    ("GET", "question_bank", f"{M}/questions", _editors(200), {}),
    ("GET", "new_question", f"{M}/questions/new?kind=single", _editors(200), {}),
    ("POST", "new_question", f"{M}/questions/new?kind=single", _editors(400), {}),
    ("GET", "edit_question", f"{M}/questions/{{a_question}}", _editors(200), {}),
    ("POST", "edit_question", f"{M}/questions/{{a_question}}", _editors(400), {}),
    ("GET", "new_quiz", f"{M}/quizzes/new", _editors(200), {}),
    ("POST", "new_quiz", f"{M}/quizzes/new", _editors(400), {}),
    ("GET", "edit_quiz", f"{M}/quizzes/{{a_quiz}}", _editors(200), {}),
    ("POST", "edit_quiz", f"{M}/quizzes/{{a_quiz}}", _editors(400), {}),
    ("POST", "add_draw", f"{M}/quizzes/{{a_quiz}}/draws", _editors(302),
     {"tag": "objective:MR1", "count": "1"}),
    ("GET", "manage_attachments", f"{M}/attachments", _editors(200), {}),
    ("POST", "manage_attachments", f"{M}/attachments", _editors(400), {}),
    ("POST", "delete_attachment", f"{M}/attachments/{{a_file}}/delete", _editors(302), {}),
    ("POST", "remove_draw", f"{M}/quizzes/{{a_quiz}}/draws/{{a_draw}}/delete", _editors(302), {}),
]  # fmt: skip


def authoring_fixtures() -> dict:
    """A published module nobody in the matrix teaches, with a lesson, a quiz, a question
    and a draw: the ids the paths above are filled with."""
    module = make_module()
    stored = store_attachment(module, "figur.txt", b"tekst")
    draw = QuizDraw(tag="objective:MR1", count=1, position=0)
    module.quizzes[0].draws.append(draw)
    db.session.commit()
    return {
        "a_module": module.id,
        "a_lesson": module.lessons[1].id,
        "a_quiz": module.quizzes[0].id,
        "a_question": module.questions[0].id,
        "a_draw": draw.id,
        "a_file": stored.id,
    }
