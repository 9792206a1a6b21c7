"""Importing course files (``course_files``) into the working copy, then publishing.

``import_courses(path)`` reads and checks the whole tree first: one problem refuses all
of it and nothing is written. Then each module is created or updated by slug, each part
by its key (objectives by code, attachments by file name). A value is written only when
it differs, question content goes through ``publishing.set_question_content`` (an
unchanged question writes nothing; a changed frozen one gets a new version), and
``publish`` makes a new version only when the snapshot changed: importing the same tree
again changes no row. What the files no longer have is removed, except what learners'
answers hold on to (a quiz with attempts refuses the import; a question with answers is
kept in the bank, out of every quiz). Services flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as ngettext  # lazy; the extractor knows the name
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.learning.attachments import store_attachment
from lms.learning.attempt_models import Answer, Attempt
from lms.learning.course_files import ModuleFile, QuizFile, read_tree
from lms.learning.course_yaml import CourseTreeError, Problem
from lms.learning.models import (
    Attachment,
    Lesson,
    Module,
    ModuleVersion,
    Objective,
    Question,
    QuestionVersion,
    Quiz,
    QuizDraw,
)
from lms.learning.publishing import (
    publish,
    quiz_questions,
    quiz_tag,
    set_question_content,
)

# File field → Quiz column, for the settings copied as they are.
QUIZ_SETTINGS = (
    "title", "intro_md", "purpose", "attempts_allowed", "time_limit_minutes",
    "grading_method", "pass_percent", "shuffle_questions", "shuffle_options",
    "required_for_completion", "review", "overall_feedback",
)  # fmt: skip
MODULE_SETTINGS = (
    "language", "title", "summary_md", "themes", "principles", "estimated_minutes",
    "complete_needs_lessons",
)  # fmt: skip


@dataclass
class ModuleReport:
    """What importing one module did: ``outcome`` is created, updated or unchanged;
    ``version`` the newest published version's number (None for a draft) and
    ``new_version`` whether this import made it; ``notes`` what was kept on purpose."""

    slug: str
    outcome: str
    status: str = "draft"
    version: int | None = None
    new_version: bool = False
    notes: list[Any] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did, module by module, in the tree's order."""

    modules: list[ModuleReport] = field(default_factory=list)


def _load(slugs: list[str]) -> dict[str, Module]:
    """The modules of these slugs with every part the import compares (seven queries)."""
    statement = (
        select(Module)
        .where(Module.slug.in_(slugs))
        .options(
            selectinload(Module.objectives),
            selectinload(Module.lessons),
            selectinload(Module.quizzes).selectinload(Quiz.draws),
            selectinload(Module.questions).selectinload(Question.versions),
        )
    )
    return {module.slug: module for module in db.session.scalars(statement)}


def _refusals(files: list[ModuleFile], existing: dict[str, Module]) -> list[Problem]:
    """Quizzes the files drop that learners have attempted: removing one would delete
    their attempts, so the import is refused instead."""
    dropped = {}
    for module_file in files:
        module = existing.get(module_file.slug)
        keys = {q.key for q in module_file.quizzes}
        for quiz in module.quizzes if module else ():
            if quiz.key not in keys:
                dropped[quiz.id] = (module_file.slug, quiz.key)
    if not dropped:
        return []
    counts = db.session.execute(
        select(Attempt.quiz_id, func.count())
        .where(Attempt.quiz_id.in_(dropped))
        .group_by(Attempt.quiz_id)
    )
    return [
        Problem(f"{dropped[quiz_id][0]}/module.yaml", 1, ngettext(
            "The quiz %(key)s has %(num)s attempt: it cannot be removed.",
            "The quiz %(key)s has %(num)s attempts: it cannot be removed.",
            count, key=dropped[quiz_id][1]))
        for quiz_id, count in counts
    ]  # fmt: skip


@dataclass
class _Known:
    """What the modules already have, read for all of them at once: the newest version's
    number and the attachments by file name."""

    newest: dict[int, int]
    attachments: dict[int, dict[str, Attachment]]

    @classmethod
    def of(cls, modules: list[Module]) -> _Known:
        ids = [m.id for m in modules]
        newest = db.session.execute(
            select(ModuleVersion.module_id, func.max(ModuleVersion.number))
            .where(ModuleVersion.module_id.in_(ids))
            .group_by(ModuleVersion.module_id)
        )
        attachments: dict[int, dict[str, Attachment]] = {}
        for row in db.session.scalars(select(Attachment).where(Attachment.module_id.in_(ids))):
            attachments.setdefault(row.module_id, {})[row.filename] = row
        return cls({module_id: number for module_id, number in newest}, attachments)


class _ModuleImport:
    """Bringing one module's rows in line with its files, counting what it changes."""

    def __init__(self, module_file: ModuleFile, module: Module | None, known: _Known) -> None:
        self.file, self.module, self.changes = module_file, module, 0
        self.report = ModuleReport(module_file.slug, "unchanged")
        self.newest = known.newest.get(module.id) if module else None
        self.stored = known.attachments.get(module.id, {}) if module else {}

    def assign(self, row: Any, name: str, value: Any) -> None:
        if getattr(row, name) != value:
            setattr(row, name, value)
            self.changes += 1

    def run(self) -> ModuleReport:
        if self.module is None:
            self.module = Module(slug=self.file.slug)
            db.session.add(self.module)
            self.report.outcome = "created"
            self.changes += 1
        for name in MODULE_SETTINGS:
            self.assign(self.module, name, getattr(self.file, name))
        self.objectives()
        self.lessons()
        quizzes = self.quizzes()
        self.questions(quizzes)
        # The lists in memory keep their loaded order; the snapshot reads them in the
        # order of the files (the positions just set), as a fresh load would.
        for rows in (self.module.objectives, self.module.lessons, self.module.quizzes):
            rows.sort(key=lambda row: row.position)
        db.session.flush()  # new rows get ids before attachments and the snapshot
        self.attachments()
        self.status()
        self.report.status = self.module.status
        self.order_notes(quizzes)
        if self.changes and self.report.outcome == "unchanged":
            self.report.outcome = "updated"
        return self.report

    def keyed(self, rows: list, key: str, wanted: list[str]) -> dict[str, Any]:
        """The rows by key; those whose key the files do not have are removed."""
        by_key = {getattr(row, key): row for row in rows}
        for name in set(by_key) - set(wanted):
            rows.remove(by_key.pop(name))  # delete-orphan: the row is deleted
            self.changes += 1
        return by_key

    def objectives(self) -> None:
        rows = self.keyed(self.module.objectives, "code", [o.code for o in self.file.objectives])
        for position, objective in enumerate(self.file.objectives):
            row = rows.get(objective.code)
            if row is None:
                row = Objective(code=objective.code, text=objective.text, position=position)
                self.module.objectives.append(row)
                self.changes += 1
            self.assign(row, "text", objective.text)
            self.assign(row, "position", position)

    def lessons(self) -> None:
        rows = self.keyed(self.module.lessons, "key", [lesson.key for lesson in self.file.lessons])
        for position, lesson in enumerate(self.file.lessons):
            row = rows.get(lesson.key)
            if row is None:
                row = Lesson(key=lesson.key, title=lesson.title, position=position)
                self.module.lessons.append(row)
                self.changes += 1
            self.assign(row, "title", lesson.title)
            self.assign(row, "body_md", lesson.body_md)
            self.assign(row, "position", position)

    def quizzes(self) -> dict[str, Quiz]:
        rows = self.keyed(self.module.quizzes, "key", [quiz.key for quiz in self.file.quizzes])
        for position, quiz_file in enumerate(self.file.quizzes):
            quiz = rows.get(quiz_file.key)
            if quiz is None:
                quiz = rows[quiz_file.key] = Quiz(key=quiz_file.key, position=position)
                self.module.quizzes.append(quiz)
                self.changes += 1
            for name in QUIZ_SETTINGS:
                self.assign(quiz, name, getattr(quiz_file, name))
            self.assign(quiz, "position", position)
            self.draws(quiz, quiz_file)
        return rows

    def draws(self, quiz: Quiz, quiz_file: QuizFile) -> None:
        have = [(d.question_id, d.tag, d.count) for d in quiz.draws]
        if have == [(None, d["tag"], d["count"]) for d in quiz_file.draws]:
            return
        quiz.draws.clear()
        for position, draw in enumerate(quiz_file.draws):
            quiz.draws.append(QuizDraw(tag=draw["tag"], count=draw["count"], position=position))
        self.changes += 1

    def questions(self, quizzes: dict[str, Quiz]) -> None:
        in_files = {}
        for quiz_file in self.file.quizzes:
            for question in quiz_file.questions:
                in_files[question.key] = (quiz_tag(quizzes[quiz_file.key]), question)
        rows = {q.key: q for q in self.module.questions}
        self.drop_questions([q for key, q in rows.items() if key not in in_files])
        for key, (tag, question_file) in in_files.items():
            question = rows.get(key)
            tags = [*question_file.tags, *([] if tag in question_file.tags else [tag])]
            if question is None:
                question = Question(key=key, tags=tags)
                self.module.questions.append(question)
                self.changes += 1
            elif set(question.tags or []) != set(tags):  # the order of tags means nothing
                question.tags = tags
                self.changes += 1
            current = question.versions[-1] if question.versions else None
            version = set_question_content(
                question,
                kind=question_file.kind,
                text_md=question_file.text_md,
                spec=question_file.spec,
                feedback_md=question_file.feedback_md,
                points=question_file.points,
            )
            if version is not current or db.session.is_modified(version):
                self.changes += 1

    def order_notes(self, quizzes: dict[str, Quiz]) -> None:
        """A quiz without draws asks its questions in bank order (a question has no
        position of its own): say so when the file lists them otherwise."""
        for quiz_file in self.file.quizzes:
            if quiz_file.draws:
                continue
            asked = [q.key for q in quiz_questions(self.module, quizzes[quiz_file.key])]
            if asked != [q.key for q in quiz_file.questions]:
                self.report.notes.append(_l(
                    "The quiz %(key)s asks its questions in the order they were first "
                    "imported, not in the file's.", key=quiz_file.key))  # fmt: skip

    def drop_questions(self, questions: list[Question]) -> None:
        """Questions the files no longer have: deleted, unless answers refer to one of
        their versions; such a question stays in the bank, out of every quiz."""
        if not questions:
            return
        answered = set(
            db.session.scalars(
                select(QuestionVersion.question_id)
                .join(Answer, Answer.question_version_id == QuestionVersion.id)
                .where(QuestionVersion.question_id.in_([q.id for q in questions]))
                .distinct()
            )
        )
        for question in questions:
            if question.id not in answered:
                self.module.questions.remove(question)
                self.changes += 1
                continue
            kept = [t for t in question.tags or [] if not t.startswith("quiz:")]
            if kept != list(question.tags or []):
                question.tags = kept
                self.changes += 1
            self.report.notes.append(
                _l("The question %(key)s has answers: it stays in the bank, in no quiz.",
                   key=question.key))  # fmt: skip

    def attachments(self) -> None:
        stored = dict(self.stored)
        wanted = {a.filename for a in self.file.attachments}
        for name in sorted(set(stored) - wanted):
            db.session.delete(stored.pop(name))
            self.changes += 1
        for attachment in self.file.attachments:
            row = stored.get(attachment.filename)
            if row is not None and row.data in (attachment.data, attachment.stored):
                continue  # as stored already (an exported tree), or as it would be
            before = row.sha256 if row is not None else None
            after = store_attachment(self.module, attachment.filename, attachment.data)
            if after.sha256 != before:
                self.changes += 1

    def status(self) -> None:
        module = self.module
        if self.file.status == "published":
            self.changes += int(module.status != "published")
            version = publish(None, module, check_permission=False)
            self.report.version = version.number
            self.report.new_version = version.number != self.newest
            self.changes += int(self.report.new_version)
            return
        self.assign(module, "status", "draft")
        self.report.version = self.newest


def import_courses(tree_path: str | Path, *, max_bytes: int | None = None) -> ImportReport:
    """Create or update every module of the course tree at ``tree_path`` (a tree of
    module folders, or one of them). Raises ``CourseTreeError`` with every problem, and
    writes nothing, when any part of the tree is wrong."""
    limit = max_bytes or current_app.config["LMS_LEARNING_MAX_ATTACHMENT"]
    files = read_tree(tree_path, max_bytes=limit)
    existing = _load([f.slug for f in files])
    refusals = _refusals(files, existing)
    if refusals:
        raise CourseTreeError(refusals)
    known = _Known.of(list(existing.values()))
    report = ImportReport()
    for module_file in files:
        module = existing.get(module_file.slug)
        report.modules.append(_ModuleImport(module_file, module, known).run())
    db.session.flush()
    return report
