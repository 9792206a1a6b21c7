"""Learning results API: a quiz's submitted attempts, for the module's instructors and
organisers (``results.editable_quiz`` decides; the same rule as the results pages).

Routes are added to the ``lms_api`` blueprint (``lms/api/area.py`` imports this module).
"""

from __future__ import annotations

from flask_login import current_user

from lms.api.blueprint import bp
from lms.api.serialise import iso
from lms.core.errors import api_error
from lms.core.service_errors import PermissionDenied
from lms.learning import results
from lms.learning.publishing import LearningError


@bp.get("/quizzes/<lms_id:quiz_id>/results")
def quiz_results(quiz_id: int):
    """Every submitted attempt at the quiz: the learner, score, maximum, passed, dates."""
    try:
        quiz = results.editable_quiz(current_user, quiz_id)
    except PermissionDenied:
        return api_error(403, "Only the module's instructors and organisers may see this.")
    except LearningError:
        return api_error(404, "No such quiz.")
    return {
        "quiz": {"id": quiz.id, "title": quiz.title, "pass_percent": quiz.pass_percent},
        "attempts": [
            {
                "id": attempt.id,
                "number": attempt.number,
                "learner": {"id": attempt.user_id, "name": name},
                "purpose": attempt.purpose,
                "score": attempt.score,
                "max_score": attempt.max_score,
                "passed": attempt.passed,
                "started_at": iso(attempt.started_at),
                "finished_at": iso(attempt.finished_at),
            }
            for attempt, name in results.attempt_records(quiz)
        ],
    }
