"""Grading is a pure function of a question's spec and a response (lms/learning/question_types.py):
each type's rules, its validation, and properties over many generated cases."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.learning import question_types as qt
from lms.learning.question_types import Grade, grade, normalised, number, validate

pytestmark = pytest.mark.pure

SINGLE = {
    "options": [
        {"id": "a", "text": "Åpenhetsloven", "fraction": 1},
        {"id": "b", "text": "Anskaffelsesloven", "fraction": "1/2"},
        {"id": "c", "text": "Arbeidsmiljøloven"},
    ]
}
MULTIPLE = {
    "options": [
        {"id": "a", "text": "Tvangsarbeid", "weight": "0.5"},
        {"id": "b", "text": "Barnearbeid", "weight": "0.5"},
        {"id": "c", "text": "Minstepris", "weight": "-1"},
        {"id": "d", "text": "Leveringstid", "weight": "-0.25"},
    ]
}
SHORT = {"answers": [{"text": "ILO"}, {"text": "Den internasjonale arbeidsorganisasjonen"}]}
NUMERIC = {"answers": [{"value": "10", "tolerance": "0.5"}, {"min": 20, "max": 30}], "unit": "%"}
MATCHING = {
    "pairs": [
        {"id": "1", "prompt": "Konvensjon 138", "answer": "Minstealder"},
        {"id": "2", "prompt": "Konvensjon 29", "answer": "Tvangsarbeid"},
        {"id": "3", "prompt": "Konvensjon 100", "answer": "Lik lønn"},
    ]
}


def test_every_type_is_registered_once_by_its_name():
    assert set(qt.TYPES) == {
        "single", "multiple", "truefalse", "short", "numeric", "matching", "essay", "likert",
    }  # fmt: skip
    with pytest.raises(ValueError):
        qt.register(qt.Essay)


@pytest.mark.parametrize(
    ("response", "expected"),
    [("a", Grade(Fraction(1), True)), ("b", Grade(Fraction(1, 2), False)),
     ("c", Grade(Fraction(0), False)), ("zz", Grade(Fraction(0), False)),
     (None, Grade(Fraction(0), False)), (["a"], Grade(Fraction(0), False))],
)  # fmt: skip
def test_single_choice_earns_the_fraction_of_the_option_chosen(response, expected):
    assert grade("single", SINGLE, response) == expected


@pytest.mark.parametrize(
    ("chosen", "fraction"),
    [(["a", "b"], 1), (["a"], Fraction(1, 2)), (["a", "b", "d"], Fraction(3, 4)),
     (["a", "c"], 0), (["a", "b", "c", "d"], 0), ([], 0), ("ab", 0), (None, 0),
     (["a", "a"], Fraction(1, 2))],
)  # fmt: skip
def test_multiple_response_adds_weights_and_never_goes_below_zero(chosen, fraction):
    assert grade("multiple", MULTIPLE, chosen).fraction == fraction


def test_true_false_needs_a_real_boolean():
    spec = {"answer": False}
    assert grade("truefalse", spec, False) == Grade(Fraction(1), True)
    assert grade("truefalse", spec, True).fraction == 0
    assert grade("truefalse", spec, 0).fraction == 0  # 0 is not False here
    assert grade("truefalse", spec, "false").fraction == 0


@pytest.mark.parametrize(
    "typed",
    ["ILO", "ilo", "  ilo ", "den  internasjonale\tarbeidsorganisasjonen", "DEN INTERNASJONALE "
     "ARBEIDSORGANISASJONEN"],
)  # fmt: skip
def test_short_answer_ignores_case_and_spacing(typed):
    assert grade("short", SHORT, typed).right


def test_short_answer_may_make_case_matter_and_give_part_marks():
    spec = {"case_sensitive": True, "answers": [{"text": "ILO"}, {"text": "ilo", "fraction": 0.5}]}
    assert grade("short", spec, "ILO").fraction == 1
    assert grade("short", spec, "ilo").fraction == Fraction(1, 2)
    assert grade("short", spec, "Ilo").fraction == 0
    assert grade("short", spec, 42).fraction == 0


def test_short_answer_compares_composed_and_decomposed_letters_alike():
    spec = {"answers": [{"text": "miljø og åpenhet"}]}
    decomposed = "milj\u00f8 og a\u030apenhet"  # "å" typed as a + combining ring
    assert grade("short", spec, decomposed).right


@pytest.mark.parametrize(
    ("typed", "right"),
    [("10", True), ("10,5", True), ("9.5", True), ("10.51", False), (" 10 % ", True),
     ("25", True), ("20", True), ("30", True), ("30,01", False), ("1e1", True),
     ("ti", False), ("", False), (None, False), (True, False), ("10..5", False),
     ("\u221210", False), ("1 000", False), ("nan", False), ("inf", False)],
)  # fmt: skip
def test_numeric_within_a_tolerance_or_a_range(typed, right):
    assert grade("numeric", NUMERIC, typed).right is right


def test_numbers_are_read_as_norwegians_and_others_write_them():
    assert number("3,5") == Decimal("3.5")
    assert number("1 000,25") == Decimal("1000.25")
    assert number("\u22122") == Decimal("-2")
    assert number("12 kg", "kg") == Decimal("12")
    assert number("12 kg") is None


def test_matching_gives_a_share_for_each_right_match():
    assert grade("matching", MATCHING, {"1": "minstealder", "2": "Tvangsarbeid"}).fraction == (
        Fraction(2, 3)
    )
    everything = {"1": "Minstealder", "2": "Tvangsarbeid", "3": "Lik lønn"}
    assert grade("matching", MATCHING, everything).right
    assert grade("matching", MATCHING, ["Minstealder"]).fraction == 0
    assert grade("matching", MATCHING, {"1": 7}).fraction == 0


def test_essays_wait_for_a_person_and_likert_items_are_not_scored():
    assert grade("essay", {}, "Et svar") == Grade(None, None, scored=True)
    assert grade("likert", {"points": 5}, 4) == Grade(None, None, scored=False)


@pytest.mark.parametrize(
    ("kind", "spec", "fault"),
    [("single", {"options": [{"id": "a", "text": "x", "fraction": 1}]}, "at least 2 options"),
     ("single", {"options": [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]},
      "fully right"),
     ("single", {"options": [{"id": "a", "text": "x", "fraction": 1},
                             {"id": "a", "text": "y"}]}, "same id"),
     ("single", {"options": [{"text": "x", "fraction": 1}, {"id": "b", "text": "y"}]},
      "needs an id"),
     ("single", {"options": [{"id": "a", "text": " ", "fraction": 1}, {"id": "b", "text": "y"}]},
      "needs a text"),
     ("single", {"options": [{"id": "a", "text": "x", "fraction": 2}, {"id": "b", "text": "y"}]},
      "between 0 and 1"),
     ("multiple", {"options": [{"id": "a", "text": "x", "weight": 0.5},
                               {"id": "b", "text": "y", "weight": 0.4}]}, "add up to 1"),
     ("multiple", {"options": [{"id": "a", "text": "x", "weight": "x"},
                               {"id": "b", "text": "y", "weight": 1}]}, "between -1 and 1"),
     ("truefalse", {"answer": "yes"}, "true"),
     ("short", {"answers": []}, "at least one"),
     ("short", {"answers": [{"text": "  "}]}, "empty"),
     ("short", {"answers": [{"text": "a", "fraction": 0.5}]}, "fully right"),
     ("numeric", {"answers": [{"value": "x"}]}, "value"),
     ("numeric", {"answers": [{"value": 1, "tolerance": -1}]}, "value"),
     ("numeric", {"answers": [{"min": 5, "max": 1}]}, "range"),
     ("matching", {"pairs": [{"id": "1", "prompt": "a", "answer": "b"}]}, "two pairs"),
     ("matching", {"pairs": [{"id": "1", "prompt": "a", "answer": ""},
                             {"id": "2", "prompt": "c", "answer": "d"}]}, "prompt and an answer"),
     ("likert", {"points": 1}, "2 to 11"),
     ("cloze", {}, "Unknown question type"),
     ("single", ["not", "a", "mapping"], "mapping")],
)  # fmt: skip
def test_validation_says_what_is_wrong(kind, spec, fault):
    faults = [str(f) for f in validate(kind, spec)]
    assert any(fault in f for f in faults), faults


@pytest.mark.parametrize(
    ("kind", "spec"),
    [("single", SINGLE), ("multiple", MULTIPLE), ("short", SHORT), ("numeric", NUMERIC),
     ("matching", MATCHING), ("truefalse", {"answer": True}), ("essay", {}),
     ("likert", {"points": 5}),
     ("multiple", {"options": [{"id": i, "text": i, "weight": "33.33333e-2"} for i in "abc"]})],
)  # fmt: skip
def test_valid_questions_have_no_faults(kind, spec):
    assert validate(kind, spec) == []


# --- properties ---------------------------------------------------------------------------

weights = st.fractions(min_value=-1, max_value=1, max_denominator=100)


@given(chosen=st.lists(st.sampled_from("abcd"), unique=True))
def test_a_multiple_response_score_stays_within_zero_and_one(chosen):
    fraction = grade("multiple", MULTIPLE, chosen).fraction
    assert 0 <= fraction <= 1
    # Adding a wrong option never raises the score.
    for wrong in ("c", "d"):
        assert grade("multiple", MULTIPLE, sorted({*chosen, wrong})).fraction <= fraction


@given(right=st.integers(1, 5), wrong=st.lists(weights.filter(lambda w: w <= 0), max_size=4))
def test_ticking_exactly_the_right_options_earns_full_marks(right, wrong):
    options = [
        {"id": f"r{i}", "text": "r", "weight": str(Fraction(1, right))} for i in range(right)
    ]
    options += [{"id": f"w{i}", "text": "w", "weight": str(w)} for i, w in enumerate(wrong)]
    spec = {"options": options}
    if len(options) >= 2:
        assert validate("multiple", spec) == []
    assert grade("multiple", spec, [f"r{i}" for i in range(right)]).fraction == 1


decimals = st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False)


@given(value=decimals, tolerance=st.decimals(min_value=0, max_value=1000, places=3),
       offset=st.decimals(min_value=-2000, max_value=2000, places=3))  # fmt: skip
def test_numeric_is_right_exactly_within_the_tolerance(value, tolerance, offset):
    spec = {"answers": [{"value": str(value), "tolerance": str(tolerance)}]}
    typed = value + offset
    assert grade("numeric", spec, str(typed)).right is (abs(offset) <= tolerance)
    # The same number with a decimal comma reads the same.
    assert grade("numeric", spec, str(typed).replace(".", ",")).right is (abs(offset) <= tolerance)


@given(text=st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs")),
                    min_size=1, max_size=30))  # fmt: skip
def test_a_short_answer_matches_itself_however_it_is_spaced_or_cased(text):
    if not normalised(text):
        return
    spec = {"answers": [{"text": text}]}
    assert grade("short", spec, f"  {text.upper()}  ").right is (
        normalised(text.upper()) == normalised(text)
    )
    assert grade("short", spec, " " + "  ".join(text.split()) + " ").right


@given(response=st.one_of(st.none(), st.booleans(), st.integers(), st.text(), st.lists(st.text()),
                          st.dictionaries(st.text(), st.text())))  # fmt: skip
def test_no_response_makes_grading_raise(response):
    questions = (
        ("single", SINGLE), ("multiple", MULTIPLE), ("short", SHORT), ("numeric", NUMERIC),
        ("matching", MATCHING), ("truefalse", {"answer": True}),
    )  # fmt: skip
    for kind, spec in questions:
        result = grade(kind, spec, response)
        assert result.fraction is not None and 0 <= result.fraction <= 1
