"""Participants' pages of a module: the list of published modules, a module's page and
its lessons. Anyone may read them; a signed-in reader's lesson views are recorded.

Every page reads the module's newest published version (``catalogue.find_published``),
never the working copy its instructors are editing.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.core.i18n import LANGUAGES
from lms.core.markdown import render_markdown
from lms.events.models import THEMES
from lms.extensions import db
from lms.learning import catalogue, lessons
from lms.learning.attempt_review import quiz_state
from lms.learning.blueprint import bp
from lms.learning.labels import (
    PURPOSE_LABELS,
    PURPOSE_TEXTS,
    REVIEW_PART_LABELS,
    plural_count,
    points,
)
from lms.learning.progress import Activity, module_progress, progress_of

VIDEO_NOTE = _l("Video on %(site)s: the link opens the video on the site that hosts it.")
ATTACHMENT_ENDPOINT = "lms_learning.attachment"


@bp.get("/learning")
def modules():
    """The published modules, filtered by theme and language (a GET form)."""
    theme = request.args.get("theme", "")
    language = request.args.get("language", "")
    invalid = []
    if theme and theme not in THEMES:
        invalid.append(("theme", theme))
        theme = ""
    if language and language not in LANGUAGES:
        invalid.append(("language", language))
        language = ""
    found = catalogue.published_modules(theme=theme or None, language=language or None)
    page = render_template(
        "lms/learning/modules.html",
        modules=found,
        theme=theme,
        language=language,
        themes=THEMES,
        invalid=invalid,
    )
    return page, 400 if invalid else 200


def _published_or_404(slug: str) -> catalogue.Published:
    published = catalogue.find_published(slug)
    if published is None:
        abort(404)
    return published


@bp.get("/learning/<slug>")
def module(slug: str):
    """A module: summary, objectives, lessons in order, quizzes; start or continue."""
    published = _published_or_404(slug)
    content = published.content
    viewed = lessons.viewed_lessons(current_user, [x["id"] for x in content["lessons"]])
    if current_user.is_authenticated:
        progress = module_progress(current_user, published.version)
    else:  # where a newcomer begins: the module's path with nothing done
        progress = progress_of(published.version.module_id, content, Activity())
    return render_template(
        "lms/learning/module.html",
        published=published,
        content=content,
        viewed=viewed,
        progress=progress,
        quiz_states=_quiz_states(content),
    )


def _quiz_states(content) -> dict:
    """What the signed-in reader has done in each quiz, by quiz id (none when anonymous)."""
    if not current_user.is_authenticated:
        return {}
    return {quiz["id"]: quiz_state(current_user, quiz["id"]) for quiz in content["quizzes"]}


def file_url_maker(slug: str):
    """``file_url(name)``: where a lesson's ``files/<name>`` is served."""
    if ATTACHMENT_ENDPOINT in current_app.view_functions:
        return lambda name: url_for(ATTACHMENT_ENDPOINT, slug=slug, filename=name)
    base = url_for(".module", slug=slug)
    return lambda name: f"{base}/files/{quote(name)}"


def render_lesson(slug: str, body_md: str):
    """A lesson's Markdown as its page shows it (images, attachments, video links)."""
    return render_markdown(
        body_md,
        images=True,
        file_url=file_url_maker(slug),
        video_note=lambda site: str(VIDEO_NOTE % {"site": site}),
        top_heading=2,
    )


@bp.get("/learning/<slug>/lessons/<key>")
def lesson(slug: str, key: str):
    """One lesson, with the way to the one before and after; a signed-in reader's view
    is recorded (first and latest time)."""
    published = _published_or_404(slug)
    found = published.lesson(key)
    if found is None:
        abort(404)
    if lessons.record_lesson_view(current_user, found["id"]):
        db.session.commit()
    before, after = lessons.neighbours(published.content["lessons"], key)
    return render_template(
        "lms/learning/lesson.html",
        published=published,
        content=published.content,
        lesson=found,
        body=render_lesson(slug, found["body_md"]),
        before=before,
        after=after,
    )


@bp.context_processor
def labels():
    return {
        "lms_quiz_purpose_labels": PURPOSE_LABELS,
        "lms_quiz_purpose_texts": PURPOSE_TEXTS,
        "lms_review_part_labels": REVIEW_PART_LABELS,
        "lms_points": points,
        "lms_plural_count": plural_count,
    }
