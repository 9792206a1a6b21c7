"""Registration pages for participants and organisers. (Skeleton.)"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lms_registrations", __name__)
