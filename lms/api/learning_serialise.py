"""What the API says about modules, quizzes and attempts: the JSON shapes of
``lms/api/learning.py``, in one place.

Modules are read from their published snapshot (``ModuleVersion.content``), never from
the working copy. A question is shown by its type's ``learner_view``; anything more (a
score, the right answer, feedback) comes only from an ``AttemptReview``, which holds it
only when the quiz's review options allow it at that moment.
"""

from __future__ import annotations

from typing import Any

from lms.api.serialise import iso
from lms.core.markdown import render_markdown
from lms.learning.attempt_models import Attempt
from lms.learning.attempt_review import AnswerSheet, AttemptReview, AttemptSummary, ReviewItem
from lms.learning.attempt_rules import when
from lms.learning.models import Module, ModuleVersion


def _text(markdown: str | None) -> dict[str, str]:
    """Markdown as written and as sanitised HTML (``core.markdown``)."""
    return {"md": markdown or "", "html": str(render_markdown(markdown or ""))}


def _question_count(quiz: dict[str, Any]) -> int:
    return sum(1 if "question_version_id" in d else d["count"] for d in quiz.get("draws", []))


def module_summary(module: Module, version: ModuleVersion | None, content: dict) -> dict:
    """A module in the listing: its texts from ``content`` (the newest snapshot, or the
    working copy's for its editors' preview of a draft)."""
    return {
        "id": module.id,
        "slug": content["slug"],
        "status": module.status,
        "version": version.number if version is not None else None,
        "published_at": iso(version.published_at) if version is not None else None,
        "language": content["language"],
        "title": content["title"],
        "summary": _text(content.get("summary_md")),
        "themes": content.get("themes", []),
        "principles": content.get("principles", []),
        "estimated_minutes": content.get("estimated_minutes"),
        "lesson_count": len(content.get("lessons", [])),
        "quiz_count": len(content.get("quizzes", [])),
    }


def quiz_settings(quiz: dict[str, Any]) -> dict[str, Any]:
    """A quiz as a learner may know it before starting (no question, no key)."""
    return {
        "id": quiz["id"],
        "key": quiz["key"],
        "title": quiz["title"],
        "intro": _text(quiz.get("intro_md")),
        "purpose": quiz["purpose"],
        "question_count": _question_count(quiz),
        "attempts_allowed": quiz["attempts_allowed"] or None,
        "time_limit_minutes": quiz.get("time_limit_minutes"),
        "opens_at": iso(when(quiz.get("opens_at"))),
        "closes_at": iso(when(quiz.get("closes_at"))),
        "grading_method": quiz["grading_method"],
        "pass_percent": quiz["pass_percent"],
        "required_for_completion": quiz.get("required_for_completion", False),
        "review": {moment: list(parts) for moment, parts in (quiz.get("review") or {}).items()},
    }


def module_detail(module: Module, version: ModuleVersion | None, content: dict) -> dict:
    """One module: the summary, its objectives, lessons (rendered) and quizzes."""
    return module_summary(module, version, content) | {
        "complete_needs_lessons": content.get("complete_needs_lessons", True),
        "objectives": content.get("objectives", []),
        "lessons": [
            {
                "id": lesson["id"],
                "key": lesson["key"],
                "title": lesson["title"],
                "body": _text(lesson.get("body_md")),
            }
            for lesson in content.get("lessons", [])
        ],
        "quizzes": [quiz_settings(quiz) for quiz in content.get("quizzes", [])],
    }


def attempt_head(attempt: Attempt) -> dict[str, Any]:
    """An attempt's own fields (no score: that is the review's to show)."""
    return {
        "id": attempt.id,
        "quiz_id": attempt.quiz_id,
        "number": attempt.number,
        "purpose": attempt.purpose,
        "state": attempt.state,
        "started_at": iso(attempt.started_at),
        "deadline_at": iso(attempt.deadline_at),
        "finished_at": iso(attempt.finished_at),
        "revision": attempt.revision,
    }


def open_attempt(attempt: Attempt, sheet: AnswerSheet) -> dict[str, Any]:
    """An attempt being answered: its head and its questions with the saved answers."""
    return {
        "attempt": attempt_head(attempt),
        "questions": [
            {
                "slot": item.slot,
                "kind": item.kind,
                "text": _text(item.text_md),
                "points": item.points,
                "learner_view": item.learner_view,
                "response": item.response,
                "saved_at": iso(item.saved_at),
                "seconds_spent": item.seconds_spent,
            }
            for item in sheet.items
        ],
    }


def reviewed_question(item: ReviewItem, parts: frozenset[str]) -> dict[str, Any]:
    """A question of a submitted attempt with only the parts the review shows now."""
    shown: dict[str, Any] = {
        "slot": item.slot,
        "kind": item.kind,
        "text": _text(item.text_md),
        "points": item.points,
        "learner_view": item.learner_view,
    }
    if "answers" in parts:
        shown["response"] = item.response
    if "score" in parts:
        shown.update(score=item.score, right=item.right, awaiting_grading=item.awaiting_grading)
    if "right_answers" in parts:
        shown["right_answer"] = item.right_answer
    if "feedback" in parts:
        shown["feedback"] = [_text(text) for text in item.feedback]
    return shown


def result(attempt: Attempt, review: AttemptReview) -> dict[str, Any]:
    """A submitted attempt as its review shows it now: ``shown`` names the parts."""
    feedback = review.overall_feedback_md
    return {
        "attempt": attempt_head(attempt),
        "shown": sorted(review.parts),
        "score": review.score,
        "max_score": review.max_score,
        "percent": review.percent,
        "passed": review.passed,
        "overall_feedback": _text(feedback) if feedback else None,
        "questions": [reviewed_question(item, review.parts) for item in review.items],
    }


def my_result(attempt: Attempt, summary: AttemptSummary, quiz: dict, content: dict) -> dict:
    """One line of the caller's results: the score only when the review shows it now."""
    return {
        "attempt_id": attempt.id,
        "quiz": {"id": attempt.quiz_id, "title": quiz.get("title", "")},
        "module": {
            "id": attempt.module_version.module_id,
            "title": content.get("title", ""),
            "version": attempt.module_version.number,
        },
        "number": attempt.number,
        "purpose": attempt.purpose,
        "state": attempt.state,
        "started_at": iso(attempt.started_at),
        "finished_at": iso(attempt.finished_at),
        "score_shown": summary.score_shown,
        "score": summary.score,
        "max_score": summary.max_score,
        "percent": summary.percent,
        "passed": summary.passed,
    }
