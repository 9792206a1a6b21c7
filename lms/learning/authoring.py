"""Authoring modules in the browser: the module's own fields, its objectives, instructors
and courses, its lessons (added, edited, moved, deleted), publishing and archiving.

Every service takes the acting user and checks it (``publishing.require_editor``, or
``require_author`` for making a module), ``flush()``-es and never commits. Quizzes and the
question bank are in ``quiz_authoring``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select

from lms.accounts.models import User
from lms.core.service_errors import PermissionDenied
from lms.events.manage import instructor_choices
from lms.events.models import THEMES, Offering
from lms.extensions import db
from lms.learning.attachments import is_image, store_attachment
from lms.learning.models import (
    Attachment,
    Lesson,
    Module,
    ModuleVersion,
    Objective,
    module_courses,
)
from lms.learning.publishing import (
    LearningError,
    latest_version,
    publish,
    require_editor,
    snapshot,
)

# Slugs and keys (of lessons, quizzes, questions): lower case letters, digits, hyphens;
# the same rule as the course files (courses/README.md).
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MODULE_FIELDS = (
    "slug",
    "title",
    "summary_md",
    "language",
    "themes",
    "principles",
    "estimated_minutes",
    "complete_needs_lessons",
)
LANGUAGES = ("nb", "en")


def may_author(user) -> bool:
    """Instructors and organisers make modules (admins hold every role)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.has_role("instructor") or user.has_role("organiser")
    )


def require_author(user) -> None:
    """Refuse anyone who may not make a module."""
    if not may_author(user):
        raise PermissionDenied()


def keyed(text: str, taken: set[str], fallback: str = "item") -> str:
    """A key made from ``text`` (``"Hva er aktsomhet?"`` → ``hva-er-aktsomhet``) that is
    not in ``taken`` (``-2``, ``-3``… added)."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.replace("ø", "o").replace("æ", "ae"))
        .encode("ascii", "ignore")
        .decode()
        .lower()
    )
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80] or fallback
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key


# --- the list -------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleRow:
    """One line of the authoring list: the module, its newest version number and when
    it was published (None: never)."""

    module: Module
    version: int | None
    published_at: datetime | None


def editable_modules(user) -> list[ModuleRow]:
    """The modules ``user`` may edit (organisers: all; instructors: their own), by title,
    with their newest version; two queries whatever their number."""
    require_author(user)
    statement = select(Module).order_by(Module.title, Module.id)
    if not user.has_role("organiser"):
        statement = statement.where(Module.instructors.any(User.id == user.id))
    modules = list(db.session.scalars(statement))
    newest = {
        module_id: (number, published_at)
        for module_id, number, published_at in db.session.execute(
            select(
                ModuleVersion.module_id,
                func.max(ModuleVersion.number),
                func.max(ModuleVersion.published_at),
            )
            .where(ModuleVersion.module_id.in_([m.id for m in modules]))
            .group_by(ModuleVersion.module_id)
        )
    }
    return [ModuleRow(m, *newest.get(m.id, (None, None))) for m in modules]


def has_unpublished_changes(module: Module) -> bool:
    """Whether the working copy differs from the newest published version (or there is
    none yet)."""
    newest = latest_version(module.id)
    return newest is None or newest.content != snapshot(module)


# --- the module -----------------------------------------------------------------------


def _check_fields(module: Module | None, data: dict[str, Any]) -> None:
    if not KEY_RE.match(data["slug"] or ""):
        raise LearningError("bad_slug")
    taken = db.session.scalar(
        select(Module.id).where(Module.slug == data["slug"], Module.id != getattr(module, "id", 0))
    )
    if taken is not None:
        raise LearningError("slug_taken")
    if data["language"] not in LANGUAGES:
        raise LearningError("bad_language")
    if any(t not in THEMES for t in data["themes"]):
        raise LearningError("bad_theme")
    if any(p not in range(1, 11) for p in data["principles"]):
        raise LearningError("bad_principle")


def create_module(user, data: dict[str, Any]) -> Module:
    """A new draft module from ``data`` (``MODULE_FIELDS``); its maker teaches it."""
    require_author(user)
    _check_fields(None, data)
    module = Module(**{name: data[name] for name in MODULE_FIELDS})
    module.instructors.append(user)
    db.session.add(module)
    db.session.flush()
    return module


def update_module(user, module: Module, data: dict[str, Any]) -> None:
    """Change the module's own fields (``MODULE_FIELDS``)."""
    require_editor(user, module)
    _check_fields(module, data)
    for name in MODULE_FIELDS:
        setattr(module, name, data[name])
    db.session.flush()


def set_objectives(user, module: Module, rows: list[tuple[str, str]]) -> None:
    """Make the module's objectives ``rows`` ((code, text), in order): a code already
    there keeps its row, a code left out is removed. Codes are unique in the module."""
    require_editor(user, module)
    codes = [code for code, _text in rows]
    if len(set(codes)) != len(codes):
        raise LearningError("objective_twice")
    if any(not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,29}$", code) for code in codes):
        raise LearningError("bad_objective_code")
    existing = {o.code: o for o in module.objectives}
    kept = []
    for position, (code, text) in enumerate(rows):
        objective = existing.get(code) or Objective(code=code)
        objective.text, objective.position = text, position
        kept.append(objective)
    module.objectives = kept
    db.session.flush()


def set_instructors(user, module: Module, user_ids: list[int]) -> None:
    """Who teaches the module: accounts holding the instructor role (and the acting
    user). An instructor who is not an organiser stays on it (or they could not edit it
    any more)."""
    require_editor(user, module)
    allowed = {u.id: u for u in instructor_choices()}
    allowed.setdefault(user.id, user)  # whoever made the module may stay on it
    ids = list(dict.fromkeys(user_ids))
    if any(uid not in allowed for uid in ids):
        raise LearningError("not_an_instructor")
    if not user.has_role("organiser") and user.id not in ids:
        ids.append(user.id)
    module.instructors = [allowed[uid] for uid in ids]
    db.session.flush()


def course_choices() -> list[Offering]:
    """Offerings a module can belong to: courses not archived, newest first."""
    return list(
        db.session.scalars(
            select(Offering)
            .where(Offering.kind == "course", Offering.status != "archived")
            .order_by(Offering.created_at.desc(), Offering.id.desc())
        )
    )


def course_ids(module: Module) -> list[int]:
    """The courses (offering ids) ``module`` belongs to."""
    return list(
        db.session.scalars(
            select(module_courses.c.offering_id).where(module_courses.c.module_id == module.id)
        )
    )


def set_courses(user, module: Module, offering_ids: list[int]) -> None:
    """The instructor-led courses the module belongs to (offerings of kind course)."""
    require_editor(user, module)
    ids = set(offering_ids)
    found = set(
        db.session.scalars(
            select(Offering.id).where(Offering.id.in_(ids), Offering.kind == "course")
        )
    )
    if found != ids:
        raise LearningError("not_a_course")
    db.session.execute(delete(module_courses).where(module_courses.c.module_id == module.id))
    if ids:
        db.session.execute(
            insert(module_courses), [{"module_id": module.id, "offering_id": i} for i in ids]
        )
    db.session.flush()


def publish_module(user, module: Module) -> ModuleVersion:
    """Publish the working copy (``publishing.publish``: ``NotPublishable`` with its
    faults, or the new version, or the newest one when nothing changed)."""
    require_editor(user, module)
    return publish(user, module)


def archive_module(user, module: Module) -> None:
    """Take the module off the list participants see; its versions and results stay."""
    require_editor(user, module)
    module.status = "archived"
    db.session.flush()


def unarchive_module(user, module: Module) -> None:
    """Bring an archived module back: published if it has a version, else a draft."""
    require_editor(user, module)
    if module.status != "archived":
        raise LearningError("not_archived")
    module.status = "published" if latest_version(module.id) is not None else "draft"
    db.session.flush()


# --- lessons --------------------------------------------------------------------------


def _lesson_key(module: Module, lesson: Lesson | None, key: str, title: str) -> str:
    taken = {x.key for x in module.lessons if x is not lesson}
    if not key:
        return lesson.key if lesson is not None else keyed(title, taken, "leksjon")
    if not KEY_RE.match(key):
        raise LearningError("bad_key")
    if key in taken:
        raise LearningError("key_taken")
    return key


def add_lesson(user, module: Module, *, title: str, body_md: str, key: str = "") -> Lesson:
    """A lesson at the end of the module (its key made from the title unless given)."""
    require_editor(user, module)
    lesson = Lesson(
        key=_lesson_key(module, None, key, title),
        title=title,
        body_md=body_md,
        position=len(module.lessons),
    )
    module.lessons.append(lesson)
    db.session.flush()
    return lesson


def update_lesson(user, lesson: Lesson, *, title: str, body_md: str, key: str = "") -> None:
    """Change a lesson's title, text and (when given) key."""
    require_editor(user, lesson.module)
    lesson.key = _lesson_key(lesson.module, lesson, key, title)
    lesson.title, lesson.body_md = title, body_md
    db.session.flush()


def _renumber(lessons: list[Lesson]) -> None:
    for position, lesson in enumerate(lessons):
        lesson.position = position


def move_lesson(user, lesson: Lesson, direction: str) -> bool:
    """Move a lesson one place ``up`` or ``down``; False when it is already at that end."""
    module = lesson.module
    require_editor(user, module)
    if direction not in ("up", "down"):
        raise LearningError("bad_direction")
    lessons = list(module.lessons)
    index = lessons.index(lesson)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(lessons):
        return False
    lessons[index], lessons[other] = lessons[other], lessons[index]
    _renumber(lessons)
    db.session.flush()
    db.session.expire(module, ["lessons"])
    return True


def delete_lesson(user, lesson: Lesson) -> None:
    """Delete a lesson from the working copy (published versions keep their copy)."""
    module = lesson.module
    require_editor(user, module)
    module.lessons.remove(lesson)
    _renumber(module.lessons)
    db.session.flush()


# --- attachments ----------------------------------------------------------------------


def upload_attachment(user, module: Module, filename: str, data: bytes) -> Attachment:
    """Store a file of the module (``attachments.store_attachment``: the type and size
    checked, images re-encoded; ``AttachmentError`` otherwise); a file of the same name
    is replaced."""
    require_editor(user, module)
    return store_attachment(module, filename, data)


def delete_attachment(user, attachment: Attachment) -> None:
    """Delete a file (lessons that show or link it then point at nothing)."""
    module = db.session.get(Module, attachment.module_id)
    require_editor(user, module)
    db.session.delete(attachment)
    db.session.flush()


def attachments_of(module: Module) -> list[Attachment]:
    """The module's files by name."""
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.module_id == module.id)
            .order_by(Attachment.filename)
        )
    )


def snippet(attachment: Attachment) -> str:
    """The Markdown that puts the file in a lesson: an image (its alt text to be
    written) or a download link."""
    path = f"files/{attachment.filename}"
    if is_image(attachment):
        return f"![{attachment.filename.rsplit('.', 1)[0]}]({path})"
    return f"[{attachment.filename}]({path})"
