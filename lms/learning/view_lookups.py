"""How the staff pages turn a service's refusal into an HTTP answer, written once."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from lms.core.service_errors import PermissionDenied
from lms.learning.publishing import LearningError


def or_abort(call, *args):
    """Run a service lookup as the current user; its refusals become 404 (not found) or
    403 (not yours), so a guessed id of someone else's module tells nothing more."""
    try:
        return call(current_user, *args)
    except PermissionDenied:
        abort(403)
    except LearningError:
        abort(404)
