"""The staff's learning pages in Chromium with the XSS corpus in every text a module
carries, in a learner's name and in an essay answer: authoring, questions, preview,
results, a learner's drill-down, the essay queue and a certificate's public
verification page. No dialog opens and no element a
payload tried to make is in the page."""

from __future__ import annotations

import pytest
from learning_results_support import ESSAY, submit_attempt
from learning_support import make_module
from progress_support import submit, view_lessons
from xss_corpus import PAYLOADS, one_text

from lms.extensions import db
from lms.learning.certificates import issue_certificates_if_complete
from lms.learning.publishing import publish

from .site_pages import login, make_user
from .test_learning_xss import QUESTIONS, REVIEW, assert_clean

pytestmark = pytest.mark.browser

TEXT = one_text()


def test_no_payload_runs_on_the_staff_pages(page):
    instructor = make_user("instructor", "en")
    learner = make_user("participant", "en", name=PAYLOADS[1][:100])
    module = make_module(
        instructor=instructor, title=PAYLOADS[0][:200], review=REVIEW, published=False,
        questions=[*QUESTIONS, {**ESSAY, "text_md": TEXT}], intro_md=TEXT,
        overall_feedback=[{"min_percent": 0, "text_md": TEXT}],
    )  # fmt: skip
    module.summary_md = TEXT
    module.lessons[0].title = PAYLOADS[3]
    module.lessons[0].body_md = TEXT
    publish(None, module, check_permission=False)
    db.session.commit()
    submit_attempt(module, learner, ["o0", {"p0": PAYLOADS[4]}, PAYLOADS[2], TEXT])
    db.session.commit()
    quiz_id, module_id = module.quizzes[0].id, module.id
    holder = make_user("participant", "en", name=PAYLOADS[2][:100])
    completed = make_module(title=PAYLOADS[3][:200])
    view_lessons(holder, completed)
    submit(holder, completed, passed=True)
    [certificate] = issue_certificates_if_complete(holder, completed.id)
    db.session.commit()

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, instructor.email)
    paths = [
        "/manage/learning", f"/manage/learning/{module_id}",
        f"/manage/learning/{module_id}/settings",
        f"/manage/learning/{module_id}/lessons/{module.lessons[0].id}",
        f"/manage/learning/{module_id}/questions",
        f"/manage/learning/{module_id}/questions/{module.questions[0].id}",
        f"/manage/learning/{module_id}/preview",
        f"/manage/learning/{module_id}/preview/lessons/lesson-1",
        f"/manage/learning/{module_id}/preview/quizzes/quiz",
        "/manage/learning/results", f"/manage/learning/quizzes/{quiz_id}/results",
        f"/manage/learning/quizzes/{quiz_id}/results/{learner.id}",
        f"/certificates/{certificate.code}", "/manage/learning/essays",
    ]  # fmt: skip
    for path in paths:
        response = page.goto(path)
        assert response.status < 400, f"{path}: {response.status}"
        assert_clean(page, path, dialogs)
    assert "alert(" in page.inner_text("main")  # the essay queue shows the answer, as text
