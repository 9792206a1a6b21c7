"""The learning area's periodic tasks; each owns its transaction and commits."""

from __future__ import annotations

from lms.extensions import db
from lms.learning import attempts


def close_expired_attempts() -> int:
    """Submit the attempts whose time ran out (as of their deadlines: answers saved by
    then count), so results and progress do not wait for the learner to come back."""
    closed = attempts.close_expired_attempts()
    db.session.commit()
    return closed
