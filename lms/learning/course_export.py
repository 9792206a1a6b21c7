"""Writing a module's working copy back as course files (``courses/README.md``).

The YAML keeps a fixed key order (the README's), Markdown in block style (``|``), and
only what the format holds, so reading the export gives what was imported and importing
it again changes nothing. The files are the stored bytes (images as re-encoded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.extensions import db
from lms.learning.course_quizzes import TYPE_FIELDS
from lms.learning.models import Attachment, Module, Question, Quiz
from lms.learning.publishing import LearningError, quiz_tag


class _Dumper(yaml.SafeDumper):
    """Block style for text with line breaks, flow style for short lists of words and
    small mappings (an option: ``{id: a, text: …, fraction: 1}``), lists indented."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list):
    flow = bool(value) and all(
        isinstance(v, (int, float, bool)) or (isinstance(v, str) and "\n" not in v) for v in value
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _one_line(value: Any) -> bool:
    return isinstance(value, (int, float, bool)) or (isinstance(value, str) and "\n" not in value)


def _mapping(dumper: yaml.SafeDumper, value: dict):
    width = sum(len(str(k)) + len(str(v)) + 4 for k, v in value.items())
    flow = bool(value) and width <= 90 and all(_one_line(v) for v in value.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(dict, _mapping)
_Dumper.add_representer(list, _list)


def dump_yaml(data: dict[str, Any]) -> str:
    """``data`` as YAML, keys in the order given, one value per line."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6)


@dataclass
class ExportReport:
    """Where the module was written and what the format could not hold."""

    folder: Path
    notes: list[Any] = field(default_factory=list)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _without_empty(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in names or v not in ("", [], {}, None)}


def module_data(module: Module) -> dict[str, Any]:
    """``module.yaml``."""
    return _without_empty(
        {
            "slug": module.slug,
            "language": module.language,
            "title": module.title,
            "summary": module.summary_md,
            "themes": list(module.themes or []),
            "principles": list(module.principles or []),
            "estimated_minutes": module.estimated_minutes,
            "status": "published" if module.status == "published" else "draft",
            "objectives": [{"code": o.code, "text": o.text} for o in module.objectives],
            "lessons": [{"key": lesson.key, "title": lesson.title} for lesson in module.lessons],
            "quizzes": [quiz.key for quiz in module.quizzes],
            "completion": {"lessons": module.complete_needs_lessons},
        },
        "summary",
    )


def question_data(question: Question, tag: str) -> dict[str, Any]:
    """One question of a quiz file (``tag``: the quiz's own, which the file implies)."""
    version = question.current
    data: dict[str, Any] = {"key": question.key, "type": version.kind, "text": version.text_md}
    if "points" not in TYPE_FIELDS.get(version.kind, ()):
        data["points"] = _number(version.points)
    data["tags"] = [t for t in question.tags or [] if t != tag]
    data["feedback"] = version.feedback_md
    data = _without_empty(data, "tags", "feedback")
    data.update(version.spec or {})
    return data


def quiz_data(quiz: Quiz, questions: list[Question]) -> dict[str, Any]:
    """``quizzes/<key>.yaml``."""
    review = quiz.review or {}
    data = {
        "title": quiz.title,
        "intro": quiz.intro_md,
        "purpose": quiz.purpose,
        "attempts": quiz.attempts_allowed,
        "time_limit_minutes": quiz.time_limit_minutes,
        "grading": quiz.grading_method,
        "pass_percent": _number(quiz.pass_percent),
        "shuffle_questions": quiz.shuffle_questions,
        "shuffle_options": quiz.shuffle_options,
        "required": quiz.required_for_completion,
        "review": {moment: list(parts) for moment, parts in review.items()},
        "feedback": [
            {"min_percent": band["min_percent"], "text": band["text_md"]}
            for band in quiz.overall_feedback or []
        ],
        "draw": [{"tag": d.tag, "count": d.count} for d in quiz.draws if d.tag is not None],
        "questions": [question_data(q, quiz_tag(quiz)) for q in questions],
    }
    return _without_empty(data, "intro", "time_limit_minutes", "review", "feedback", "draw")


def _write(path: Path, data: bytes, written: set[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    written.add(path)


def export_course(slug: str, to_path: str | Path) -> ExportReport:
    """Write the module ``slug`` to ``<to_path>/<slug>/``; files left there from an
    earlier export that the module no longer has are removed. Raises ``LearningError``
    (``not_found``) for an unknown slug. Reads only."""
    module = db.session.scalar(select(Module).where(Module.slug == slug))
    if module is None:
        raise LearningError("not_found")
    folder = Path(to_path) / slug
    report = ExportReport(folder)
    written: set[Path] = set()
    _write(folder / "module.yaml", dump_yaml(module_data(module)).encode(), written)
    for lesson in module.lessons:
        _write(folder / "lessons" / f"{lesson.key}.md", lesson.body_md.encode(), written)
    placed: set[int] = set()
    for quiz in module.quizzes:
        tag = quiz_tag(quiz)
        questions = [q for q in module.questions if tag in (q.tags or []) and q.id not in placed]
        placed.update(q.id for q in questions)
        if any(d.tag is None for d in quiz.draws):
            report.notes.append(_l("The quiz %(key)s draws fixed questions; course files "
                                   "cannot say so.", key=quiz.key))  # fmt: skip
        text = dump_yaml(quiz_data(quiz, questions))
        _write(folder / "quizzes" / f"{quiz.key}.yaml", text.encode(), written)
    for question in module.questions:
        if question.id not in placed:
            report.notes.append(_l("The question %(key)s is in no quiz: it is left out.",
                                   key=question.key))  # fmt: skip
    attachments = db.session.scalars(
        select(Attachment).where(Attachment.module_id == module.id).order_by(Attachment.filename)
    )
    for attachment in attachments:
        _write(folder / "files" / attachment.filename, attachment.data, written)
    for part in ("lessons", "quizzes", "files"):
        directory = folder / part
        for path in sorted(directory.iterdir()) if directory.is_dir() else ():
            if path.is_file() and path not in written:
                path.unlink()
    return report
