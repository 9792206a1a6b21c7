"""Taking a quiz: its page (what it is, what happens at the deadline, your attempts),
starting or continuing, the attempt itself (save and submit work without JavaScript),
and the review of a submitted attempt as the quiz's review options allow.

Quizzes need login; another person's attempt is not found (404).
"""

from __future__ import annotations

from flask import abort, render_template
from flask_login import login_required

from lms.learning import catalogue, quiz_facts
from lms.learning.blueprint import bp


def _quiz_or_404(slug: str, key: str):
    published = catalogue.find_published(slug)
    quiz = published.quiz(key) if published else None
    if quiz is None:
        abort(404)
    return published, quiz


@bp.get("/learning/<slug>/quizzes/<key>")
@login_required
def quiz(slug: str, key: str):
    """A quiz before it starts: its purpose, questions, attempts, dates, the time limit
    and what happens when the time is up; your attempts so far; start or continue."""
    published, found = _quiz_or_404(slug, key)
    return render_template(
        "lms/learning/quiz.html",
        published=published,
        content=published.content,
        quiz=found,
        questions=quiz_facts.question_count(found),
        opens_at=quiz_facts.moment(found["opens_at"]),
        closes_at=quiz_facts.moment(found["closes_at"]),
    )
