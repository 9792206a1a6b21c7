"""The attempt page's form read back into responses (pure): what a browser may send that
is not one of the question's own choices is left unanswered, never saved as is."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from lms.learning.answer_forms import Asked, is_answered, read_response
from lms.learning.attempt_pages import scale_of

pytestmark = pytest.mark.pure

CHOICES = {"options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}
MATCHING = {"prompts": [{"id": "p1", "text": "C29"}, {"id": "p2", "text": "C138"}],
            "answers": ["Tvangsarbeid", "Minstealder"]}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "view", "form", "expected"),
    [
        ("single", CHOICES, {"q1": "a"}, "a"),
        ("single", CHOICES, {"q1": "z"}, None),
        ("multiple", CHOICES, [("q1", "b"), ("q1", "a"), ("q1", "b"), ("q1", "z")], ["b", "a"]),
        ("multiple", CHOICES, {}, None),
        ("truefalse", {}, {"q1": "false"}, False),
        ("truefalse", {}, {"q1": "maybe"}, None),
        ("short", {}, {"q1": "  åpenhetsloven "}, "åpenhetsloven"),
        ("essay", {}, {"q1": " \n "}, None),
        ("numeric", {"unit": "%"}, {"q1": "37,5 %"}, "37,5 %"),
        ("matching", MATCHING, {"q1-p1": "Minstealder", "q1-p2": "Oppdiktet"},
         {"p1": "Minstealder"}),
        ("matching", MATCHING, {"q1-p1": ""}, None),
        ("likert", {"scale": scale_of({"points": 5})}, {"q1": "5"}, 5),
        ("likert", {"scale": scale_of({"points": 5})}, {"q1": "6"}, None),
        ("likert", {"scale": scale_of({"points": 5})}, {"q1": "x"}, None),
    ],
)  # fmt: skip
def test_each_type_reads_only_its_own_choices(kind, view, form, expected):
    assert read_response(Asked(1, kind, view), MultiDict(form)) == expected


def test_false_is_an_answer_and_empty_is_not():
    assert is_answered(False) and is_answered(0)
    assert not any(is_answered(v) for v in (None, [], {}, ""))


def test_a_scale_names_its_ends_or_every_point():
    assert [p["label"] for p in scale_of({"points": 3, "labels": ["Aldri", "Alltid"]})] == [
        "1 – Aldri", "2", "3 – Alltid",
    ]  # fmt: skip
    assert [p["label"] for p in scale_of({"points": 2, "labels": ["Nei", "Ja"]})] == [
        "1 – Nei", "2 – Ja",
    ]  # fmt: skip
    assert [p["label"] for p in scale_of({"points": 3, "labels": ["a", "b", "c"]})][1] == "2 – b"
