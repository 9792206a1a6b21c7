"""A quiz file (``quizzes/<key>.yaml``) read into a ``QuizFile`` with its questions.

Every question's own fields go through its type's ``validate`` (``question_types``), so
a course file accepts exactly what the editor and the GIFT import accept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from lms.learning.course_paths import is_key
from lms.learning.course_yaml import Fields, LinedDict, LinedList, Problems, is_json, plain
from lms.learning.models import GRADING_METHODS, PURPOSES, REVIEW_MOMENTS, REVIEW_PARTS
from lms.learning.question_types import TYPES, validate

QUIZ_FIELDS = (
    "title", "intro", "purpose", "attempts", "time_limit_minutes", "grading", "pass_percent",
    "shuffle_questions", "shuffle_options", "required", "review", "feedback", "draw",
    "questions",
)  # fmt: skip
QUESTION_FIELDS = ("key", "type", "text", "points", "tags", "feedback")
# Each type's own fields (the rest of a question); they make its ``spec``. A type not
# named here (a new one) takes every other field as its spec.
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "single": ("options",),
    "multiple": ("options",),
    "truefalse": ("answer", "feedback_true", "feedback_false"),
    "short": ("answers", "case_sensitive"),
    "numeric": ("answers", "unit"),
    "matching": ("pairs",),
    "essay": (),
    # A Likert item is not scored: its ``points`` are the points of its scale.
    "likert": ("points", "labels"),
}


@dataclass
class QuestionFile:
    """One question of a quiz file. ``tags`` are the file's own (the import adds the
    quiz's tag); ``spec`` is the type's own fields."""

    key: str
    kind: str
    text_md: str
    points: float = 1.0
    tags: list[str] = field(default_factory=list)
    feedback_md: str = ""
    spec: dict[str, Any] = field(default_factory=dict)
    line: int = field(default=1, compare=False, repr=False)


@dataclass
class QuizFile:
    """A quiz's settings (named as on ``Quiz``) and its questions, in file order."""

    key: str
    title: str
    intro_md: str = ""
    purpose: str = "graded"
    attempts_allowed: int = 0
    time_limit_minutes: int | None = None
    grading_method: str = "highest"
    pass_percent: float = 80.0
    shuffle_questions: bool = False
    shuffle_options: bool = True
    required_for_completion: bool = False
    review: dict[str, list[str]] = field(default_factory=dict)
    overall_feedback: list[dict[str, Any]] = field(default_factory=list)
    draws: list[dict[str, Any]] = field(default_factory=list)
    questions: list[QuestionFile] = field(default_factory=list)
    # Markdown texts with the line each starts on, for the link check (not compared).
    texts: list[tuple[int, str]] = field(default_factory=list, compare=False, repr=False)
    draw_lines: list[int] = field(default_factory=list, compare=False, repr=False)


def _mappings(reader: Fields, name: str) -> list[tuple[int, LinedDict]]:
    items = reader.get(name, "list", [])
    lines = items.lines if isinstance(items, LinedList) else [reader.line(name)] * len(items)
    found = []
    for line, item in zip(lines, items, strict=True):
        if isinstance(item, LinedDict):
            found.append((line, item))
        else:
            reader.problem(line, _l("Each entry of %(field)s must be a mapping.", field=name))
    return found


def _review(reader: Fields) -> dict[str, list[str]]:
    review = reader.get("review", "mapping", None)
    if review is None:
        return {}
    part = Fields(reader.problems, reader.path, review, REVIEW_MOMENTS)
    result: dict[str, list[str]] = {}
    for moment in REVIEW_MOMENTS:
        parts = part.get(moment, "list", None)
        if parts is None:
            continue
        if any(p not in REVIEW_PARTS for p in parts) or len(set(map(str, parts))) != len(parts):
            part.problem(
                part.line(moment),
                _l(
                    "%(field)s must list some of: %(choices)s (each once).",
                    field=moment,
                    choices=", ".join(REVIEW_PARTS),
                ),
            )
            continue
        result[moment] = list(parts)
    return result


def _feedback_bands(reader: Fields, texts: list[tuple[int, str]]) -> list[dict[str, Any]]:
    bands, seen = [], set()
    for line, item in _mappings(reader, "feedback"):
        band = Fields(reader.problems, reader.path, item, ("min_percent", "text"))
        low = band.ranged("min_percent", "number", None, 0, 100)
        text = band.get("text", "text", "", required=True)
        if "min_percent" not in item:
            band.problem(line, _l("%(field)s is missing.", field="min_percent"))
        if low is None:
            continue
        if low in seen:
            band.problem(line, _l("Two feedback bands start at %(percent)s %%.", percent=low))
        seen.add(low)
        bands.append({"min_percent": low, "text_md": text})
        texts.append((band.text_line("text"), text))
    return bands


def _draws(reader: Fields, lines: list[int]) -> list[dict[str, Any]]:
    draws = []
    for _line, item in _mappings(reader, "draw"):
        draw = Fields(reader.problems, reader.path, item, ("tag", "count"))
        tag = draw.get("tag", "text", None, required=True)
        count = draw.ranged("count", "integer", None, 1)
        if "count" not in item:
            draw.problem(item.line, _l("%(field)s is missing.", field="count"))
        if tag is not None and count is not None:
            draws.append({"tag": tag, "count": count})
            lines.append(draw.line("tag"))
    return draws


def read_question(problems: Problems, path: str, line: int, item: LinedDict):
    """One question entry; None when its key, type or text is unusable."""
    kind = item.get("type")
    # A type's own fields are known for the types named in TYPE_FIELDS; for another
    # registered type, or a type that is wrong (said once), any other field may be its.
    own = TYPE_FIELDS.get(kind) if isinstance(kind, str) and kind in TYPES else None
    allowed = None if own is None else (*QUESTION_FIELDS, *own)
    reader = Fields(problems, path, item, allowed)
    key = reader.get("key", "text", None, required=True)
    if key is not None and not is_key(key):
        reader.problem(reader.line("key"), bad_key(key))
        key = None
    kind = reader.choice("type", sorted(TYPES), None, required=True)
    text = reader.get("text", "text", None, required=True)
    tags = reader.get("tags", "list", [])
    if not all(isinstance(t, str) and t and len(t) <= 100 for t in tags):
        reader.problem(reader.line("tags"), _l("Every tag must be text (at most 100 letters)."))
        tags = []
    elif len(set(tags)) != len(tags):
        reader.problem(reader.line("tags"), _l("A tag is given twice."))
    feedback = reader.get("feedback", "text", "")
    scale = kind == "likert"
    points = 1.0 if scale else reader.ranged("points", "number", 1.0, 0)
    own_names = set(own) if own is not None else set(item) - set(QUESTION_FIELDS)
    spec = {name: plain(item[name]) for name in item if name in own_names}
    if not is_json(spec):
        reader.problem(
            line,
            _l(
                "A question's fields may hold only text, numbers, true or "
                "false, lists and mappings."
            ),
        )
        return None
    if kind is not None:
        for fault in validate(kind, spec):
            reader.problem(line, fault)
    labels = spec.get("labels")
    if (
        scale
        and labels is not None
        and not (isinstance(labels, list) and all(isinstance(x, str) for x in labels))
    ):
        reader.problem(reader.line("labels"), _l("labels must be a list of words."))
    if key is None or kind is None or text is None:
        return None
    return QuestionFile(key, kind, text, float(points), list(tags), feedback, spec, line)


def bad_key(value: Any) -> Any:
    return _l(
        "%(value)s is not a valid key: use lower case letters, digits and hyphens.",
        value=value,
    )


def read_quiz(problems: Problems, path: str, key: str, data: Any) -> QuizFile | None:
    """The quiz file ``path`` (already loaded as YAML) as a ``QuizFile``."""
    if not isinstance(data, LinedDict):
        problems.add(path, 1, _l("The file must be a mapping of fields."))
        return None
    reader = Fields(problems, path, data, QUIZ_FIELDS)
    texts: list[tuple[int, str]] = []
    draw_lines: list[int] = []
    quiz = QuizFile(
        key=key,
        title=reader.get("title", "text", "", required=True),
        intro_md=reader.get("intro", "text", ""),
        purpose=reader.choice("purpose", PURPOSES, "graded"),
        attempts_allowed=reader.ranged("attempts", "integer", 0, 0),
        time_limit_minutes=reader.ranged("time_limit_minutes", "integer", None, 1),
        grading_method=reader.choice("grading", GRADING_METHODS, "highest"),
        pass_percent=float(reader.ranged("pass_percent", "number", 80.0, 0, 100)),
        shuffle_questions=reader.get("shuffle_questions", "boolean", False),
        shuffle_options=reader.get("shuffle_options", "boolean", True),
        required_for_completion=reader.get("required", "boolean", False),
        review=_review(reader),
        overall_feedback=_feedback_bands(reader, texts),
        draws=_draws(reader, draw_lines),
        texts=texts,
        draw_lines=draw_lines,
    )
    texts.append((reader.text_line("intro"), quiz.intro_md))
    for line, item in _mappings(reader, "questions"):
        question = read_question(problems, path, line, item)
        if question is not None:
            quiz.questions.append(question)
            texts.append((item.text_lines.get("text", line), question.text_md))
            texts.append((item.text_lines.get("feedback", line), question.feedback_md))
    return quiz
