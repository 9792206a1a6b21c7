"""Course content as files (``courses/README.md``): a tree read and checked whole.

``read_tree(path)`` reads one module folder (``courses/<slug>/``) or a tree of them and
returns plain dataclasses, or raises ``CourseTreeError`` listing every problem found,
each ``<path relative to the tree>:<line>: <message>``. Pure: no database, nothing
written; nothing is ever imported as code (YAML through the safe loader only). No path
may leave its module's folder: not a lesson, quiz or file name, not a link in the
Markdown, not a symbolic link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as ngettext  # lazy; the extractor knows the name

from lms.core.i18n import LANGUAGES
from lms.events.models import THEMES
from lms.learning.course_attachments import AttachmentFile, read_attachments
from lms.learning.course_paths import (
    OBJECTIVE_CODE_RE,
    inside,
    is_key,
    links,
    local_target,
)
from lms.learning.course_quizzes import QuestionFile, QuizFile, bad_key, read_quiz
from lms.learning.course_yaml import CourseTreeError, Fields, LinedDict, Problems, load_yaml
from lms.settings import DEFAULTS

__all__ = [
    "AttachmentFile",
    "CourseTreeError",
    "LessonFile",
    "ModuleFile",
    "ObjectiveFile",
    "QuestionFile",
    "QuizFile",
    "read_module",
    "read_tree",
]

MODULE_FIELDS = (
    "slug", "language", "title", "summary", "themes", "principles", "estimated_minutes",
    "status", "objectives", "lessons", "quizzes", "completion",
)  # fmt: skip
FILE_STATUSES = ("draft", "published")
MAX_ATTACHMENT = DEFAULTS["LMS_LEARNING_MAX_ATTACHMENT"]  # as for uploads


@dataclass
class ObjectiveFile:
    """A learning objective of ``module.yaml``."""

    code: str
    text: str


@dataclass
class LessonFile:
    """A lesson: its key and title from ``module.yaml``, its text from its ``.md`` file."""

    key: str
    title: str
    body_md: str


@dataclass
class ModuleFile:
    """A module as its folder has it (fields named as on ``Module``)."""

    slug: str
    language: str
    title: str
    summary_md: str = ""
    themes: list[str] = field(default_factory=list)
    principles: list[int] = field(default_factory=list)
    estimated_minutes: int = 30
    status: str = "draft"
    complete_needs_lessons: bool = True
    objectives: list[ObjectiveFile] = field(default_factory=list)
    lessons: list[LessonFile] = field(default_factory=list)
    quizzes: list[QuizFile] = field(default_factory=list)
    attachments: list[AttachmentFile] = field(default_factory=list)
    folder: Path | None = field(default=None, compare=False, repr=False)


class _Module:
    """Reading one module folder; ``where(path)`` names a file relative to the tree."""

    def __init__(self, problems: Problems, root: Path, folder: Path, max_bytes: int) -> None:
        self.problems, self.root, self.folder, self.max_bytes = problems, root, folder, max_bytes
        self.texts: list[tuple[str, int, str]] = []  # (file, first line, Markdown)

    def where(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def text_of(self, path: Path, named_at: tuple[str, int] | None = None) -> str | None:
        """A UTF-8 file of the module, or None (the problem noted where it is named)."""
        at = named_at or (self.where(path), 1)
        if not inside(self.folder, path):
            self.problems.add(
                *at, _l("%(path)s leads out of the module's folder.", path=self.where(path))
            )
            return None
        if not path.is_file():
            self.problems.add(*at, _l("%(path)s does not exist.", path=self.where(path)))
            return None
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problems.add(self.where(path), 1, _l("The file is not UTF-8 text."))
            return None
        return text.replace("\r\n", "\n")

    def yaml_of(self, path: Path, named_at: tuple[str, int] | None = None) -> Any:
        text = self.text_of(path, named_at)
        if text is None:
            return None
        try:
            return load_yaml(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            problem = getattr(error, "problem", None) or str(error)
            self.problems.add(
                self.where(path), line, _l("This is not valid YAML: %(problem)s", problem=problem)
            )
            return None

    def read(self) -> ModuleFile | None:
        path = self.folder / "module.yaml"
        data = self.yaml_of(path)
        if data is None:
            return None
        where = self.where(path)
        if not isinstance(data, LinedDict):
            self.problems.add(where, 1, _l("The file must be a mapping of fields."))
            return None
        reader = Fields(self.problems, where, data, MODULE_FIELDS)
        slug = reader.get("slug", "text", None, required=True)
        if slug is not None and slug != self.folder.name:
            reader.problem(
                reader.line("slug"),
                _l(
                    "The slug %(slug)s must be the folder's name, %(folder)s.",
                    slug=slug,
                    folder=self.folder.name,
                ),
            )
        module = ModuleFile(
            slug=self.folder.name,
            language=reader.choice("language", LANGUAGES, "nb", required=True),
            title=reader.get("title", "text", "", required=True),
            summary_md=reader.get("summary", "text", ""),
            themes=self.listed(reader, "themes", THEMES),
            principles=self.listed(reader, "principles", range(1, 11)),
            estimated_minutes=reader.ranged("estimated_minutes", "integer", 30, 1),
            status=reader.choice("status", FILE_STATUSES, "draft"),
        )
        self.texts.append((where, reader.text_line("summary"), module.summary_md))
        completion = reader.get("completion", "mapping", None)
        if completion is not None:
            rule = Fields(self.problems, where, completion, ("lessons",))
            module.complete_needs_lessons = rule.get("lessons", "boolean", True)
        module.objectives = self.objectives(reader)
        module.lessons = self.lessons(reader)
        module.quizzes = self.quizzes(reader)
        module.attachments = read_attachments(self, self.max_bytes)
        return module

    def listed(self, reader: Fields, name: str, allowed) -> list:
        values = reader.get(name, "list", [])
        choices = list(allowed)
        wrong = any(v not in choices or isinstance(v, (bool, float)) for v in values)
        if wrong or len(set(values)) != len(values):  # (all hashable once none is wrong)
            reader.problem(
                reader.line(name),
                _l(
                    "%(field)s must list some of: %(choices)s (each once).",
                    field=name,
                    choices=", ".join(map(str, choices)),
                ),
            )
            return []
        return list(values)

    def entries(self, reader: Fields, name: str) -> list[tuple[int, Any]]:
        items = reader.get(name, "list", [])
        return list(
            zip(getattr(items, "lines", [reader.line(name)] * len(items)), items, strict=True)
        )

    def objectives(self, reader: Fields) -> list[ObjectiveFile]:
        found: dict[str, ObjectiveFile] = {}
        for line, item in self.entries(reader, "objectives"):
            if not isinstance(item, LinedDict):
                reader.problem(line, _l("Each objective must be a mapping of code and text."))
                continue
            entry = Fields(self.problems, reader.path, item, ("code", "text"))
            code = entry.get("code", "text", None, required=True)
            text = entry.get("text", "text", None, required=True)
            if code is not None and not OBJECTIVE_CODE_RE.fullmatch(code):
                entry.problem(
                    line,
                    _l(
                        "%(code)s is not a valid objective code (letters, digits, at most 30).",
                        code=code,
                    ),
                )
            elif code in found:
                entry.problem(line, _l("The code %(code)s is used twice.", code=code))
            elif code is not None and text is not None:
                found[code] = ObjectiveFile(code, text)
        return list(found.values())

    def lessons(self, reader: Fields) -> list[LessonFile]:
        found: dict[str, LessonFile] = {}
        listed: set[str] = set()
        for line, item in self.entries(reader, "lessons"):
            if not isinstance(item, LinedDict):
                reader.problem(line, _l("Each lesson must be a mapping of key and title."))
                continue
            entry = Fields(self.problems, reader.path, item, ("key", "title"))
            key = entry.get("key", "text", None, required=True)
            title = entry.get("title", "text", None, required=True)
            if key is None:
                continue
            if not is_key(key):
                entry.problem(entry.line("key"), bad_key(key))
            elif key in found:
                entry.problem(entry.line("key"), _l("The key %(key)s is used twice.", key=key))
            else:
                path = self.folder / "lessons" / f"{key}.md"
                listed.add(key)
                body = self.text_of(path, (reader.path, entry.line("key")))
                if body is not None and title is not None:
                    found[key] = LessonFile(key, title, body)
                    self.texts.append((self.where(path), 1, body))
        self.unlisted("lessons", ".md", listed)
        return list(found.values())

    def quizzes(self, reader: Fields) -> list[QuizFile]:
        found: dict[str, QuizFile] = {}
        listed: set[str] = set()
        for line, key in self.entries(reader, "quizzes"):
            if not is_key(key):
                reader.problem(line, bad_key(key))
                continue
            if key in found:
                reader.problem(line, _l("The key %(key)s is used twice.", key=key))
                continue
            listed.add(key)
            path = self.folder / "quizzes" / f"{key}.yaml"
            data = self.yaml_of(path, (reader.path, line))
            if data is None:
                continue
            quiz = read_quiz(self.problems, self.where(path), key, data)
            if quiz is not None:
                found[key] = quiz
                self.texts.extend((self.where(path), n, text) for n, text in quiz.texts)
        self.unlisted("quizzes", ".yaml", listed)
        return list(found.values())

    def unlisted(self, folder: str, suffix: str, listed: set[str]) -> None:
        # A file module.yaml does not list would silently be left out: say so.
        directory = self.folder / folder
        if not directory.is_dir():
            return
        for path in sorted(directory.iterdir()):
            if path.suffix == suffix and path.stem not in listed and is_key(path.stem):
                self.problems.add(
                    self.where(path),
                    1,
                    _l(
                        "module.yaml does not list %(key)s under %(field)s.",
                        key=path.stem,
                        field=folder,
                    ),
                )


def _check_module(reading: _Module, module: ModuleFile) -> None:
    """What needs the whole module: unique question keys, tags that name an objective,
    theme, principle or quiz that exists, draws with enough questions, links to files."""
    problems, codes = reading.problems, {o.code for o in module.objectives}
    quiz_keys = {q.key for q in module.quizzes}
    seen: dict[str, str] = {}
    tag_counts: dict[str, int] = {}
    for quiz in module.quizzes:
        path = f"{module.slug}/quizzes/{quiz.key}.yaml"
        for question in quiz.questions:
            if question.key in seen:
                problems.add(
                    path,
                    question.line,
                    _l(
                        "The question key %(key)s is already used in %(path)s.",
                        key=question.key,
                        path=seen[question.key],
                    ),
                )
            seen.setdefault(question.key, path)
            for tag in {*question.tags, f"quiz:{quiz.key}"}:
                tag_counts[tag] = tag_counts.get(tag, 0) + 1
                fault = _tag_fault(tag, codes, quiz_keys)
                if fault is not None:
                    problems.add(path, question.line, fault)
        if module.status == "published" and not quiz.draws and not quiz.questions:
            problems.add(path, 1, _l("The quiz has no questions."))
    for quiz in module.quizzes:  # a draw may take questions from every quiz of the module
        path = f"{module.slug}/quizzes/{quiz.key}.yaml"
        for line, draw in zip(quiz.draw_lines, quiz.draws, strict=True):
            have = tag_counts.get(draw["tag"], 0)
            if have < draw["count"]:
                problems.add(
                    path,
                    line,
                    ngettext(
                        "The draw asks for %(num)s question tagged %(tag)s; the module has "
                        "%(have)s.",
                        "The draw asks for %(num)s questions tagged %(tag)s; the module has "
                        "%(have)s.",
                        draw["count"],
                        tag=draw["tag"],
                        have=have,
                    ),
                )
    names = {a.filename for a in module.attachments}
    for path, first, text in reading.texts:
        for offset, url in links(text or ""):
            _check_link(problems, path, first + offset, url, names)


def _tag_fault(tag: str, codes: set[str], quiz_keys: set[str]) -> Any:
    prefix, _, value = tag.partition(":")
    if prefix == "objective" and value not in codes:
        return _l("The tag %(tag)s names no objective of the module.", tag=tag)
    if prefix == "theme" and value not in THEMES:
        return _l("The tag %(tag)s names no theme.", tag=tag)
    if prefix == "principle" and value not in {str(n) for n in range(1, 11)}:
        return _l("The tag %(tag)s names no principle (1 to 10).", tag=tag)
    if prefix == "quiz" and value not in quiz_keys:
        return _l("The tag %(tag)s names no quiz of the module.", tag=tag)
    return None


def _check_link(problems: Problems, path: str, line: int, url: str, names: set[str]) -> None:
    target = local_target(url)
    if target is None:
        return
    if target.startswith(("/", "..")):
        problems.add(path, line, _l("The link %(url)s leads out of the module's folder.", url=url))
    elif not target.startswith("files/") or "/" in target[len("files/") :]:
        problems.add(path, line, _l("The link %(url)s must lead to files/<name>.", url=url))
    elif target[len("files/") :] not in names:
        problems.add(
            path, line, _l("The link %(url)s leads to a file that is not in files/.", url=url)
        )


def _module_folders(path: Path, problems: Problems) -> tuple[Path, list[Path]]:
    """The tree's root (what error paths are relative to) and its module folders."""
    if (path / "module.yaml").exists() or (path / "module.yaml").is_symlink():
        return path.parent, [path]
    if not path.is_dir():
        problems.add(path.name, 1, _l("There is no folder %(path)s.", path=path.name))
        return path, []
    folders = []
    for child in sorted(path.iterdir()):
        if child.name.startswith(".") or not child.is_dir():
            continue
        if child.is_symlink() and not inside(path, child):
            problems.add(
                child.name, 1, _l("%(path)s leads out of the module's folder.", path=child.name)
            )
        elif not is_key(child.name):
            problems.add(child.name, 1, bad_key(child.name))
        elif not (child / "module.yaml").exists():
            problems.add(child.name, 1, _l("The folder has no module.yaml."))
        else:
            folders.append(child)
    if not folders and not problems:
        problems.add(path.name, 1, _l("The folder holds no module."))
    return path, folders


def read_module(folder: Path, root: Path, problems: Problems, max_bytes: int):
    """One module folder (problems noted in ``problems``), or None when unreadable."""
    reading = _Module(problems, root, folder, max_bytes)
    if not is_key(folder.name):
        problems.add(reading.where(folder / "module.yaml"), 1, bad_key(folder.name))
        return None
    module = reading.read()
    if module is not None:
        module.folder = folder
        _check_module(reading, module)
    return module


def read_tree(path: str | Path, *, max_bytes: int | None = None) -> list[ModuleFile]:
    """Every module of the tree at ``path`` (or the one module folder it is), checked
    whole; ``CourseTreeError`` with all the problems found if any."""
    problems = Problems()
    root, folders = _module_folders(Path(path).absolute(), problems)
    modules = [read_module(f, root, problems, max_bytes or MAX_ATTACHMENT) for f in folders]
    if problems:
        raise CourseTreeError(problems.found)
    return [m for m in modules if m is not None]
