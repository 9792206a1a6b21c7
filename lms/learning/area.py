"""The learning area: modules, quizzes and results. Only its pure quiz grading
(``question_types``) is built so far; it declares no pages, tasks or mail yet."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Nothing to declare yet: the question types are pure functions, used by the
    services that are still to come."""
