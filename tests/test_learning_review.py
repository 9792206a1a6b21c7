"""The review rules are pure (lms/learning/review.py): which parts show at which moment
(Moodle's immediately / later while open / after closing), the grade over attempts by
each grading method, and the overall feedback band a score reaches."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.learning.attempts import drawn_versions
from lms.learning.review import (
    IMMEDIATELY,
    overall_feedback_for,
    quiz_grade,
    review_moment,
    visible_parts,
)

pytestmark = pytest.mark.pure

FINISHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SETTINGS = {
    "immediately": ["score", "answers", "right_answers", "feedback"],
    "open": ["score"],
    "closed": ["score", "answers"],
}


@pytest.mark.parametrize(
    ("after", "closes_in", "moment"),
    [(timedelta(0), None, "immediately"), (timedelta(seconds=119), None, "immediately"),
     (timedelta(minutes=2), None, "open"), (timedelta(days=400), None, "open"),
     (timedelta(minutes=5), timedelta(hours=1), "open"),
     (timedelta(hours=1), timedelta(hours=1), "closed"),
     (timedelta(hours=2), timedelta(hours=1), "closed"),
     # Within the two minutes, "immediately" wins even if the quiz has just closed.
     (timedelta(minutes=1), timedelta(seconds=30), "immediately")],
)  # fmt: skip
def test_the_moment_of_a_review(after, closes_in, moment):
    closes = FINISHED + closes_in if closes_in is not None else None
    assert review_moment(finished_at=FINISHED, closes_at=closes, now=FINISHED + after) == moment
    assert visible_parts(
        SETTINGS, finished_at=FINISHED, closes_at=closes, now=FINISHED + after
    ) == frozenset(SETTINGS[moment])


def test_an_attempt_being_answered_shows_nothing():
    assert review_moment(finished_at=None, closes_at=None, now=FINISHED) is None
    assert visible_parts(SETTINGS, finished_at=None, closes_at=None, now=FINISHED) == frozenset()


@pytest.mark.parametrize(
    "settings",
    [None, {}, {"immediately": "score"}, {"immediately": None}, ["score"],
     {"immediately": ["everything", "secrets"]}],
)  # fmt: skip
def test_missing_or_odd_settings_show_nothing(settings):
    assert (
        visible_parts(settings, finished_at=FINISHED, closes_at=None, now=FINISHED) == frozenset()
    )


def test_unknown_parts_are_left_out():
    settings = {"immediately": ["score", "key", "right_answers"]}
    parts = visible_parts(settings, finished_at=FINISHED, closes_at=None, now=FINISHED)
    assert parts == frozenset({"score", "right_answers"})


@given(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
    st.one_of(st.none(), st.timedeltas(min_value=timedelta(days=-5), max_value=timedelta(days=30))),
)
def test_exactly_one_moment_applies_and_it_follows_the_clock(after, closes_in):
    closes = FINISHED + closes_in if closes_in is not None else None
    now = FINISHED + after
    moment = review_moment(finished_at=FINISHED, closes_at=closes, now=now)
    if after < IMMEDIATELY:
        assert moment == "immediately"
    elif closes is None or now < closes:
        assert moment == "open"
    else:
        assert moment == "closed"


SCORES = [Fraction(1, 2), Fraction(9, 10), Fraction(3, 10)]


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", Fraction(9, 10)), ("first", Fraction(1, 2)), ("last", Fraction(3, 10)),
     ("average", Fraction(17, 30))],
)  # fmt: skip
def test_the_grade_by_each_method(method, expected):
    assert quiz_grade(SCORES, method) == expected


@pytest.mark.parametrize("method", ["highest", "first", "last", "average"])
def test_no_submitted_attempt_no_grade(method):
    assert quiz_grade([], method) is None
    assert quiz_grade([None], method) is None


def test_an_attempt_waiting_for_grading():
    scores = [None, Fraction(1, 2), None]
    assert quiz_grade(scores, "highest") == Fraction(1, 2)
    assert quiz_grade(scores, "average") == Fraction(1, 2)
    assert quiz_grade(scores, "first") is None and quiz_grade(scores, "last") is None


@pytest.mark.parametrize("method", ["highest", "first", "last", "average"])
def test_every_attempt_waiting_no_grade(method):
    assert quiz_grade([None, None, None], method) is None


def test_the_average_of_graded_and_waiting_attempts_leaves_the_waiting_out():
    scores = [Fraction(2, 5), Fraction(9, 10), None, Fraction(3, 5)]
    assert quiz_grade(scores, "average") == Fraction(19, 30)
    assert quiz_grade(scores, "highest") == Fraction(9, 10)
    assert quiz_grade(scores, "first") == Fraction(2, 5)
    assert quiz_grade(scores, "last") == Fraction(3, 5)


def test_the_results_page_floats_give_the_same_grade():
    scores = [0.4, 0.9, None, 0.6]
    assert quiz_grade(scores, "average") == pytest.approx((0.4 + 0.9 + 0.6) / 3)
    assert quiz_grade(scores, "highest") == 0.9


def test_an_unknown_method_is_a_programming_error():
    with pytest.raises(ValueError):
        quiz_grade(SCORES, "best")


@given(st.lists(st.fractions(min_value=0, max_value=1), min_size=1, max_size=10))
def test_grades_stay_within_the_attempts(scores):
    for method in ("highest", "first", "last", "average"):
        grade = quiz_grade(scores, method)
        assert min(scores) <= grade <= max(scores)
    assert quiz_grade(scores, "highest") == max(scores)
    assert quiz_grade(scores, "average") == sum(scores) / len(scores)


BANDS = [
    {"min_percent": 0, "text_md": "Les leksjonene igjen."},
    {"min_percent": 80, "text_md": "Godt gjort."},
    {"min_percent": 50, "text_md": "Nesten."},
]


@pytest.mark.parametrize(
    ("percent", "text"),
    [(0, "Les leksjonene igjen."), (49.99, "Les leksjonene igjen."), (50, "Nesten."),
     (79.9, "Nesten."), (80, "Godt gjort."), (100, "Godt gjort."), (None, None)],
)  # fmt: skip
def test_the_highest_band_reached(percent, text):
    assert overall_feedback_for(BANDS, percent) == text


def test_no_band_reached_or_none_written():
    assert overall_feedback_for([{"min_percent": 50, "text_md": "x"}], 10) is None
    assert overall_feedback_for([], 90) is None and overall_feedback_for(None, 90) is None
    assert overall_feedback_for([{"min_percent": "x", "text_md": "y"}, "junk"], 90) is None


@given(st.floats(min_value=0, max_value=100))
def test_the_band_shown_is_never_above_the_score(percent):
    text = overall_feedback_for(BANDS, percent)
    band = next(b for b in BANDS if b["text_md"] == text)
    assert band["min_percent"] <= percent
    assert not any(band["min_percent"] < b["min_percent"] <= percent for b in BANDS)


# --- the draw (pure: a snapshot's draws and a seeded generator) ------------------------

DRAW = st.lists(
    st.one_of(
        st.builds(lambda v: {"question_version_id": v}, st.integers(1, 30)),
        st.builds(
            lambda pool, count: {"tag": "t", "count": count, "pool": pool},
            st.lists(st.integers(1, 30), unique=True, max_size=10),
            st.integers(1, 5),
        ),
    ),
    max_size=6,
)


@given(DRAW, st.booleans(), st.integers(0, 2**31 - 1))
def test_a_draw_asks_each_question_once_within_its_pools_and_again_from_its_seed(
    draws, shuffle, seed
):
    entry = {"draws": draws, "shuffle_questions": shuffle}
    chosen = drawn_versions(entry, random.Random(seed))
    assert len(chosen) == len(set(chosen))
    allowed = {d.get("question_version_id") for d in draws} | {
        v for d in draws for v in d.get("pool", [])
    }
    assert set(chosen) <= allowed
    fixed = {d["question_version_id"] for d in draws if "question_version_id" in d}
    assert fixed <= set(chosen)
    assert drawn_versions(entry, random.Random(seed)) == chosen  # the seed gives it again
    if not shuffle:  # fixed questions keep their place relative to each other
        order = [v for v in chosen if v in fixed]
        assert order == list(dict.fromkeys(d["question_version_id"] for d in draws
                                           if "question_version_id" in d))  # fmt: skip
