"""What participants find: the published modules, each as its newest published version.

Every page a participant reads takes a module's texts from its newest ``ModuleVersion``
(``content``, the snapshot ``publishing.snapshot`` makes), never from the working copy
its instructors are editing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from lms.extensions import db
from lms.learning.models import Module, ModuleVersion


@dataclass(frozen=True)
class Published:
    """A published module and the content of its newest version."""

    module: Module
    version: ModuleVersion

    @property
    def content(self) -> dict[str, Any]:
        return self.version.content

    def lesson(self, key: str) -> dict[str, Any] | None:
        """The lesson called ``key`` in this version, or None."""
        return next((x for x in self.content["lessons"] if x["key"] == key), None)

    def quiz(self, key: str) -> dict[str, Any] | None:
        """The quiz called ``key`` in this version, or None."""
        return next((x for x in self.content["quizzes"] if x["key"] == key), None)


def _newest_versions():
    newest = (
        select(ModuleVersion.module_id, func.max(ModuleVersion.number).label("number"))
        .group_by(ModuleVersion.module_id)
        .subquery()
    )
    return (
        select(Module, ModuleVersion)
        .join(ModuleVersion, ModuleVersion.module_id == Module.id)
        .join(
            newest,
            (newest.c.module_id == ModuleVersion.module_id)
            & (newest.c.number == ModuleVersion.number),
        )
        .where(Module.status == "published")
    )


def published_modules(theme: str | None = None, language: str | None = None) -> list[Published]:
    """Every published module (one query), by title; only those with ``theme`` among
    their themes and written in ``language`` when given. The filters read the published
    content, so a theme an instructor has added but not published does not count yet."""
    rows = db.session.execute(_newest_versions()).all()
    found = [Published(module, version) for module, version in rows]
    if theme:
        found = [p for p in found if theme in (p.content.get("themes") or [])]
    if language:
        found = [p for p in found if p.content.get("language") == language]
    return sorted(found, key=lambda p: (p.content["title"].casefold(), p.module.id))


def find_published(slug: str) -> Published | None:
    """The published module whose slug is ``slug`` (its newest version), or None."""
    row = db.session.execute(_newest_versions().where(Module.slug == slug)).first()
    return Published(*row) if row else None
