"""Calendar downloads and feeds. (Skeleton.)"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lms_calendar", __name__)
