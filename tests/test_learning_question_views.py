"""What each question type shows a learner, and what it keeps for the review
(lms/learning/question_types.py): the learner's view never carries a key, a weight or a
feedback text; the right answer earns full marks; a saved response has the type's shape."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.learning import question_types as qt

pytestmark = pytest.mark.pure

SPECS = {
    "single": {"options": [
        {"id": "a", "text": "Åpenhetsloven", "fraction": 1, "feedback": "Riktig, § 4."},
        {"id": "b", "text": "Plan- og bygningsloven", "fraction": 0, "feedback": "Nei."},
        {"id": "c", "text": "Vegtrafikkloven"}]},
    "multiple": {"options": [
        {"id": "a", "text": "Tvangsarbeid", "weight": "0.5", "feedback": "Ja, C29."},
        {"id": "b", "text": "Barnearbeid", "weight": "0.5"},
        {"id": "c", "text": "Minstepris", "weight": "-1", "feedback": "Ikke en konvensjon."}]},
    "truefalse": {"answer": False, "feedback_true": "Feil: loven sier …",
                  "feedback_false": "Riktig."},
    "short": {"answers": [{"text": "åpenhetsloven", "feedback": "Ja."},
                          {"text": "apenhetsloven", "fraction": "0.5"}]},
    "numeric": {"answers": [{"value": "30", "tolerance": "1", "feedback": "Minst 30 %."},
                            {"min": "10", "max": "20", "fraction": "0.5"}], "unit": "%"},
    "matching": {"pairs": [{"id": "1", "prompt": "C138", "answer": "Minstealder"},
                           {"id": "2", "prompt": "C29", "answer": "Tvangsarbeid"},
                           {"id": "3", "prompt": "C100", "answer": "Lik lønn"}]},
    "essay": {},
    "likert": {"points": 4, "labels": ["Helt uenig", "Helt enig"]},
}  # fmt: skip
SECRET_KEYS = ("fraction", "weight", "feedback", "answer", "feedback_true", "feedback_false")


def test_every_type_has_a_spec_here():
    assert set(SPECS) == set(qt.TYPES)
    assert all(qt.validate(kind, spec) == [] for kind, spec in SPECS.items())


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_the_learners_view_carries_no_key_weight_or_feedback(kind):
    view = json.dumps(qt.learner_view(kind, SPECS[kind], []), ensure_ascii=False)
    for key in SECRET_KEYS:
        assert f'"{key}"' not in view
    for secret in ("Riktig", "Feil", "Nei.", "Ja", "Minst 30", "åpenhetsloven", '"30"'):
        assert secret not in view


def test_choices_are_shown_in_the_attempts_order_without_their_marks():
    view = qt.learner_view("single", SPECS["single"], ["c", "a", "b"])
    assert view == {"options": [{"id": "c", "text": "Vegtrafikkloven"},
                                {"id": "a", "text": "Åpenhetsloven"},
                                {"id": "b", "text": "Plan- og bygningsloven"}]}  # fmt: skip


def test_an_order_that_no_longer_fits_never_hides_an_option():
    view = qt.learner_view("multiple", SPECS["multiple"], ["c", "gone"])
    assert [o["id"] for o in view["options"]] == ["c", "a", "b"]


def test_matching_shows_prompts_in_order_and_answers_apart_from_them():
    spec = SPECS["matching"]
    shuffled = qt.learner_view("matching", spec, ["3", "1", "2"])
    assert [p["text"] for p in shuffled["prompts"]] == ["C138", "C29", "C100"]
    assert shuffled["answers"] == ["Lik lønn", "Minstealder", "Tvangsarbeid"]
    # Unshuffled, the answers go alphabetically, not in their prompts' order.
    plain = qt.learner_view("matching", spec, [])
    assert plain["answers"] == sorted(p["answer"] for p in spec["pairs"])
    assert plain["answers"] != [p["answer"] for p in spec["pairs"]]


def test_the_other_types_views():
    assert qt.learner_view("numeric", SPECS["numeric"], []) == {"unit": "%"}
    assert qt.learner_view("likert", SPECS["likert"], []) == {
        "points": 4, "labels": ["Helt uenig", "Helt enig"],
    }  # fmt: skip
    assert qt.learner_view("truefalse", SPECS["truefalse"], []) == {}
    assert qt.learner_view("short", SPECS["short"], [])["max_length"] > 0


def test_which_types_shuffle():
    assert {k for k in qt.TYPES if qt.shuffles(k)} == {"single", "multiple", "matching"}
    assert qt.option_ids("matching", SPECS["matching"]) == ["1", "2", "3"]
    assert qt.option_ids("truefalse", SPECS["truefalse"]) == []


@pytest.mark.parametrize("kind", ["single", "multiple", "truefalse", "matching"])
def test_the_right_answer_earns_full_marks(kind):
    spec = SPECS[kind]
    assert qt.grade(kind, spec, qt.right_answer(kind, spec)) == qt.Grade(Fraction(1), True)


def test_the_right_answers_of_typed_questions_are_the_fully_right_ones():
    assert qt.right_answer("short", SPECS["short"]) == ["åpenhetsloven"]
    assert qt.right_answer("numeric", SPECS["numeric"]) == [{"value": "30", "tolerance": "1"}]
    assert qt.right_answer("essay", {}) is None and qt.right_answer("likert", {}) is None


@pytest.mark.parametrize(
    ("kind", "response", "feedback"),
    [("single", "a", ["Riktig, § 4."]), ("single", "c", []), ("single", None, []),
     ("multiple", ["a", "c"], ["Ja, C29.", "Ikke en konvensjon."]), ("multiple", "a", ["Ja, C29."]),
     ("multiple", {"x": 1}, []),
     ("truefalse", True, ["Feil: loven sier …"]), ("truefalse", False, ["Riktig."]),
     ("truefalse", "yes", []),
     ("short", " ÅPENHETSLOVEN ", ["Ja."]), ("short", "apenhetsloven", []), ("short", 3, []),
     ("numeric", "30,5 %", ["Minst 30 %."]), ("numeric", "15", []), ("numeric", "x", []),
     ("matching", {"1": "Minstealder"}, []), ("essay", "Text", []), ("likert", 3, [])],
)  # fmt: skip
def test_feedback_for_what_was_chosen(kind, response, feedback):
    assert qt.option_feedback(kind, SPECS[kind], response) == feedback


GOOD = [("single", "b"), ("multiple", []), ("multiple", ["c", "a"]), ("truefalse", False),
        ("short", "ord"), ("short", ""), ("numeric", "3,5 %"), ("essay", "Lang tekst " * 50),
        ("matching", {}), ("matching", {"1": "Lik lønn", "3": "Lik lønn"}), ("likert", 1),
        ("likert", 4)] + [(kind, None) for kind in SPECS]  # fmt: skip
BAD = [("single", "z"), ("single", ["a"]), ("single", 1), ("multiple", "a"),
       ("multiple", ["a", "a"]), ("multiple", ["z"]), ("multiple", [1]), ("truefalse", "true"),
       ("truefalse", 1), ("short", 5), ("short", "x" * 501), ("numeric", 30),
       ("numeric", "9" * 101),
       ("essay", ["a"]), ("essay", "x" * 50_001), ("matching", ["Lik lønn"]),
       ("matching", {"9": "Lik lønn"}), ("matching", {"1": "Something else"}),
       ("matching", {"1": 3}), ("likert", 0), ("likert", 5), ("likert", True), ("likert", "3"),
       ("likert", 2.0)]  # fmt: skip


@pytest.mark.parametrize(("kind", "response"), GOOD)
def test_responses_of_the_right_shape_may_be_saved(kind, response):
    assert qt.response_fault(kind, SPECS[kind], response) is None


@pytest.mark.parametrize(("kind", "response"), BAD)
def test_responses_of_another_shape_are_refused_with_a_message(kind, response):
    fault = qt.response_fault(kind, SPECS[kind], response)
    assert fault is not None and str(fault).strip()
    # The message names no right answer.
    for secret in ("Minstealder", "Tvangsarbeid", "åpenhetsloven", "30"):
        assert secret not in str(fault) or secret in str(response)


@given(st.permutations(["a", "b", "c"]))
def test_every_shuffled_order_shows_every_option_once(order):
    view = qt.learner_view("single", SPECS["single"], list(order))
    assert [o["id"] for o in view["options"]] == list(order)


ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=20),
    st.lists(st.text(max_size=3), max_size=4),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=3),
)  # fmt: skip


@given(ANYTHING)
def test_a_response_that_may_be_saved_is_one_grading_reads(response):
    """Whatever a browser sends, checking its shape never raises, and a response that
    passes is graded without error."""
    for kind, spec in SPECS.items():
        if qt.response_fault(kind, spec, response) is None:
            qt.grade(kind, spec, response)
