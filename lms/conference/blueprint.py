"""The conference blueprint (``lms_conference``): every page of the area hangs on it, from
its view modules (the public programme, the organisers' builder, agendas, check-in)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lms_conference", __name__)
