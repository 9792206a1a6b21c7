"""The learning area: self-paced modules, quizzes, results, progress and certificates."""

from __future__ import annotations

from flask import Flask

from lms.core.areas import LMSState


def init_area(app: Flask, lms: LMSState) -> None:
    """Put the area's tables on the metadata, mount its pages, declare its periodic task
    and commands, and answer the registrations area's check-in signal."""
    from lms.learning import (  # noqa: F401  (tables and routes)
        accommodation_views,
        attachment_views,
        attempt_models,
        attempt_views,
        authoring_file_views,
        authoring_views,
        certificate_views,
        cli,
        gift_views,
        models,
        module_views,
        preview_views,
        progress_models,
        progress_views,
        question_views,
        quiz_views,
        results_views,
        tasks,
    )
    from lms.learning.blueprint import bp
    from lms.learning.certificates import on_session_checked_in
    from lms.learning.course_links import on_offering_page
    from lms.registrations.signals import offering_page_sections, session_checked_in

    lms.add_blueprint(bp)
    lms.add_periodic_task("close_expired_attempts", tasks.close_expired_attempts, minute="*")
    lms.add_cli_command(cli.import_courses_command)
    lms.add_cli_command(cli.export_course_command)
    # A check-in at a session may complete a course (blinker keeps one connection).
    session_checked_in.connect(on_session_checked_in)
    # A course's public page lists its e-learning modules (a question: nothing changes).
    offering_page_sections.connect(on_offering_page)
