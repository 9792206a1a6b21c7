"""Test rows for the learning area: a module with lessons, a quiz and its questions,
published, built through the area's own services (so versions are made as in use)."""

from __future__ import annotations

import itertools
from typing import Any

from lms.extensions import db
from lms.learning.models import Lesson, Module, Objective, Question, Quiz, QuizDraw
from lms.learning.publishing import publish, quiz_tag, set_question_content

_serial = itertools.count(1)

# One question of each scored type, with its right response.
SAMPLE_QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "single",
        "text_md": "Which act requires due diligence of larger enterprises?",
        "spec": {
            "options": [
                {"id": "a", "text": "The Transparency Act", "fraction": 1, "feedback": "Yes."},
                {"id": "b", "text": "The Planning Act", "fraction": 0, "feedback": "No."},
                {"id": "c", "text": "The Road Traffic Act", "fraction": 0},
            ]
        },
        "right": "a",
        "wrong": "b",
    },
    {
        "kind": "multiple",
        "text_md": "Which are ILO fundamental conventions?",
        "spec": {
            "options": [
                {"id": "a", "text": "C29 Forced Labour", "weight": "0.5"},
                {"id": "b", "text": "C138 Minimum Age", "weight": "0.5"},
                {"id": "c", "text": "C999 Invented", "weight": "-1"},
            ]
        },
        "right": ["a", "b"],
        "wrong": ["c"],
    },
    {
        "kind": "truefalse",
        "text_md": "A bribe to a foreign official is corruption under Norwegian law.",
        "spec": {"answer": True},
        "right": True,
        "wrong": False,
    },
    {
        "kind": "short",
        "text_md": "Name the Norwegian act on supply-chain transparency (one word).",
        "spec": {"answers": [{"text": "åpenhetsloven", "fraction": 1}]},
        "right": "Åpenhetsloven",
        "wrong": "plan",
    },
    {
        "kind": "numeric",
        "text_md": "At least what weight (per cent) should climate criteria have?",
        "spec": {"answers": [{"value": "30", "tolerance": "0"}], "unit": "%"},
        "right": "30 %",
        "wrong": "10",
    },
]


def make_module(
    *,
    instructor=None,
    slug: str | None = None,
    title: str = "Responsible supply chains",
    lessons: int = 2,
    questions: list[dict[str, Any]] | None = None,
    purpose: str = "graded",
    published: bool = True,
    **quiz_settings,
) -> Module:
    """A module with ``lessons`` lessons and one quiz asking ``questions`` (default:
    ``SAMPLE_QUESTIONS``), each tagged with an objective; published unless asked not to.
    ``quiz_settings`` go on the quiz (``attempts_allowed``, ``time_limit_minutes``…)."""
    serial = next(_serial)
    module = Module(
        slug=slug or f"module-{serial}",
        title=title,
        summary_md="About responsible procurement.",
        themes=["human_rights"],
        principles=[1, 2],
        language="nb",
    )
    if instructor is not None:
        module.instructors.append(instructor)
    module.objectives.append(Objective(code="MR1", text="Know the act.", position=0))
    for number in range(lessons):
        module.lessons.append(
            Lesson(key=f"lesson-{number + 1}", title=f"Lesson {number + 1}",
                   body_md=f"# Lesson {number + 1}\n\nText.", position=number)
        )  # fmt: skip
    settings = {"review": {"immediately": ["score", "answers", "right_answers", "feedback"]}}
    settings.update(quiz_settings)
    quiz = Quiz(key="quiz", title="Final quiz", purpose=purpose, position=0,
                required_for_completion=purpose == "graded", **settings)  # fmt: skip
    module.quizzes.append(quiz)
    db.session.add(module)
    for number, sample in enumerate(questions or SAMPLE_QUESTIONS):
        question = Question(
            key=f"q{number + 1}",
            position=number,
            tags=[quiz_tag(quiz), "objective:MR1", "theme:human_rights"],
        )
        module.questions.append(question)
        set_question_content(
            question, kind=sample["kind"], text_md=sample["text_md"], spec=sample["spec"]
        )
    db.session.flush()
    if published:
        publish(None, module, check_permission=False)
    db.session.commit()
    return module


def draw_by_tag(module: Module, tag: str, count: int) -> QuizDraw:
    """Make the module's first quiz draw ``count`` questions tagged ``tag``."""
    draw = QuizDraw(tag=tag, count=count, position=len(module.quizzes[0].draws))
    module.quizzes[0].draws.append(draw)
    db.session.flush()
    return draw
