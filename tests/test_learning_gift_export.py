"""GIFT export (lms/learning/gift_export.py), pure: Moodle-style output, texts that look
like GIFT syntax kept as they are, and a Hypothesis property that writing generated
questions of every type and reading them back gives the same questions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.learning.gift import GiftQuestion, parse_gift
from lms.learning.gift_export import to_gift
from lms.learning.question_types import validate

pytestmark = pytest.mark.pure


# --- export ----------------------------------------------------------------------------------


def test_export_writes_moodle_gift():
    questions = [
        GiftQuestion("Q8", "single", "What's between orange and green?", {"options": [
            {"id": "a", "text": "yellow", "fraction": 1, "feedback": "right; good!"},
            {"id": "b", "text": "red", "fraction": 0, "feedback": "wrong, it's yellow"},
            {"id": "c", "text": "50% blue", "fraction": "1/2"},
            {"id": "d", "text": "%weird", "fraction": 0},
        ]}),
        GiftQuestion("Q9", "multiple", "Which?", {"options": [
            {"id": "a", "text": "yellow", "weight": "1"},
            {"id": "b", "text": "red", "weight": "-0.5"},
        ]}, category="Farger"),
        GiftQuestion("Q1", "truefalse", "42 is the answer.", {
            "answer": True, "feedback_true": "Right.", "feedback_false": "Wrong."}),
        GiftQuestion("Q5", "numeric", "1 to 5?", {"answers": [{"value": 3, "tolerance": 2}],
                                                  "unit": "%"}, points=2.0),
        GiftQuestion("backslash", "essay", "A \\ B {x} = y: #1 ~2", {}, feedback_md="See\nthis."),
        GiftQuestion("scale", "likert", "I apply the act.", {"points": 5}),
    ]  # fmt: skip
    assert to_gift(questions) == (
        "::Q8::[markdown]What's between orange and green?{\n"
        "\t=yellow#right; good!\n\t~red#wrong, it's yellow\n\t~%50%50% blue\n\t~%0%%weird\n}\n\n"
        "$CATEGORY: $course$/top/Farger\n\n"
        "::Q9::[markdown]Which?{\n\t~%100%yellow\n\t~%-50%red\n}\n\n"
        "$CATEGORY: $course$/top\n\n"
        "::Q1::[markdown]42 is the answer.{TRUE#Wrong.#Right.}\n\n"
        "// [points:2] [unit:%]\n::Q5::[markdown]1 to 5?{#\n\t=%100%3:2\n}\n\n"
        "::backslash::[markdown]A \\\\ B \\{x\\} \\= y\\: \\#1 \\~2{####See\\nthis.}\n\n"
        "// scale: a rating scale, which GIFT cannot hold: left out\n"
    )
    again = parse_gift(to_gift(questions))
    assert [q.name for q in again] == ["Q8", "Q9", "Q1", "Q5", "backslash"]
    assert (again[1].category, again[2].category) == ("Farger", "")
    assert again[3].points == 2.0 and again[3].spec["unit"] == "%"
    assert again[4].text_md == "A \\ B {x} = y: #1 ~2" and again[4].feedback_md == "See\nthis."


def test_export_keeps_texts_that_look_like_gift_syntax():
    tricky = [
        GiftQuestion("m", "matching", "[html] is just text", {"pairs": [
            {"id": "1", "prompt": "a -> b", "answer": "-> c"},
            {"id": "2", "prompt": "[plain] d", "answer": "e"},
        ]}),
        GiftQuestion("s", "short", "// not a comment", {"answers": [
            {"text": "x -> y", "fraction": "1", "feedback": "p -> q"},
            {"text": "%50% T", "fraction": "0.5"},
        ]}),
        GiftQuestion("two", "single", "$CATEGORY: no", {"options": [
            {"id": "a", "text": "T", "fraction": "1"}, {"id": "b", "text": "F", "fraction": "1"}
        ]}),
    ]  # fmt: skip
    assert parse_gift(to_gift(tricky)) == tricky


def test_answers_worth_nothing_keep_their_feedback_both_ways():
    """A known wrong answer (0 %) is kept for the feedback it gives, in each kind."""
    text = (
        "::short::Capital of Norway?{\n\t=Oslo#Right.\n\t=%0%Bergen#The second city.\n}\n\n"
        "::number::Pi?{#\n\t=3.14:0.01#Right.\n\t=%0%3:0#Too rough.\n}\n\n"
        "::single::Which act?{\n\t=Transparency#Yes.\n\t~Planning#No: it is about land.\n}\n\n"
        "::multiple::Which?{\n\t~%100%C29#Yes.\n\t~%0%C999#Invented.\n}\n\n"
    )
    short, number, single, multiple = parse_gift(text)
    assert short.spec["answers"][1] == {"text": "Bergen", "fraction": "0",
                                        "feedback": "The second city."}  # fmt: skip
    assert number.spec["answers"][1] == {"value": "3", "tolerance": "0", "fraction": "0",
                                         "feedback": "Too rough."}  # fmt: skip
    assert single.spec["options"][1]["feedback"] == "No: it is about land."
    assert multiple.spec["options"][1] == {"id": "b", "text": "C999", "weight": "0",
                                           "feedback": "Invented."}  # fmt: skip
    for question in (short, number, single, multiple):
        assert validate(question.kind, question.spec) == [], question.name
    exported = to_gift([short, number, single, multiple])
    assert "=%0%Bergen#The second city." in exported and "=%0%3:0#Too rough." in exported
    assert parse_gift(exported) == [short, number, single, multiple]


# --- properties ----------------------------------------------------------------------------

ALPHABET = st.sampled_from([*"abcøæåÆ 019.,-%*_[]<>/\\~=#{}:!?\n\t", "->", "::", "//", "####"])
texts = st.lists(ALPHABET, min_size=1, max_size=12).map("".join).map(str.strip).filter(bool)
plain = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøå-0123456789", min_size=1, max_size=10)
feedback = st.one_of(st.just(""), texts)
numbers = st.decimals(min_value=-10_000, max_value=10_000, places=3, allow_nan=False).map(
    lambda d: format(d.normalize(), "f")
).map(lambda s: "0" if s in ("-0", "0") else s)  # fmt: skip
PARTS = ["0.5", "0.25", "0.75", "0.3333333", "0.1"]
WRONG_OR_PART = ["0", *PARTS]  # an answer worth nothing is kept for its feedback


def _with(entry: dict, note: str) -> dict:
    return {**entry, "feedback": note} if note else entry


@st.composite
def specs(draw, kind: str) -> dict:
    ids = "abcdefgh"
    if kind == "single":
        rest = draw(st.lists(st.tuples(texts, st.sampled_from(WRONG_OR_PART), feedback),
                             min_size=1, max_size=5))  # fmt: skip
        rows = [(draw(texts), "1", draw(feedback)), *rest]
        return {"options": [_with({"id": ids[n], "text": t, "fraction": f}, b)
                            for n, (t, f, b) in enumerate(rows)]}  # fmt: skip
    if kind == "multiple":
        right = draw(st.sampled_from([["1"], ["0.5", "0.5"], ["0.25", "0.75"], ["0.3333333"] * 3]))
        wrong = draw(st.lists(st.sampled_from(["0", "-1", "-0.5"]), max_size=3))
        weights = [*right, *wrong] if len(right + wrong) > 1 else [*right, "0"]
        return {"options": [_with({"id": ids[n], "text": draw(texts), "weight": w}, draw(feedback))
                            for n, w in enumerate(weights)]}  # fmt: skip
    if kind == "truefalse":
        return {"answer": draw(st.booleans()), "feedback_true": draw(feedback),
                "feedback_false": draw(feedback)}  # fmt: skip
    if kind == "short":
        others = draw(st.lists(st.sampled_from(WRONG_OR_PART), max_size=3))
        answers = [_with({"text": draw(texts), "fraction": f}, draw(feedback))
                   for f in ["1", *others]]  # fmt: skip
        spec = {"answers": answers}
        return spec | ({"case_sensitive": True} if draw(st.booleans()) else {})
    if kind == "numeric":
        answers = []
        for fraction in ["1", *draw(st.lists(st.sampled_from(WRONG_OR_PART), max_size=2))]:
            low, high = sorted([draw(numbers), draw(numbers)], key=float)
            ranged = {"min": low, "max": high}
            entry = draw(st.sampled_from([ranged, {"value": low, "tolerance": high.lstrip("-")}]))
            answers.append(_with({**entry, "fraction": fraction}, draw(feedback)))
        return {"answers": answers} | ({"unit": draw(plain)} if draw(st.booleans()) else {})
    if kind == "matching":
        count = draw(st.integers(2, 5))
        return {"pairs": [{"id": str(n + 1), "prompt": draw(texts), "answer": draw(texts)}
                          for n in range(count)]}  # fmt: skip
    return {}


KINDS = ["single", "multiple", "truefalse", "short", "numeric", "matching", "essay"]


@st.composite
def questions(draw) -> GiftQuestion:
    kind = draw(st.sampled_from(KINDS))
    return GiftQuestion(
        name=draw(st.one_of(st.just(""), texts.map(lambda t: " ".join(t.split())).filter(bool))),
        kind=kind,
        text_md=draw(texts),
        spec=draw(specs(kind)),
        feedback_md=draw(feedback),
        points=draw(st.sampled_from([1.0, 0.5, 2.0, 10.0])),
        category=draw(
            st.one_of(st.just(""), st.lists(plain, min_size=1, max_size=3).map("/".join))
        ),
        tags=tuple(dict.fromkeys(draw(st.lists(plain, max_size=3)))),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(questions(), min_size=1, max_size=5))
def test_export_then_import_gives_the_same_questions(generated):
    for question in generated:
        assert validate(question.kind, question.spec) == [], question
    text = to_gift(generated)
    assert parse_gift(text) == generated, text
    assert to_gift(parse_gift(text)) == text
