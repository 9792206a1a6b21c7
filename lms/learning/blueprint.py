"""The learning blueprint (``lms_learning``): every page of the area hangs on it, from
its view modules (participants', instructors', results, certificates)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lms_learning", __name__)
