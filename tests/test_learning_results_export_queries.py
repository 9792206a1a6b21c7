"""The quiz results page and both exports send the same number of SQL statements for one
learner with one attempt as for several learners with several attempts each: no query
per learner, attempt or answer."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from learning_results_support import submit_attempt
from learning_support import SAMPLE_QUESTIONS, make_module
from openpyxl import load_workbook

from lms.extensions import db

PAGES = ["results", "results.csv?sep=semicolon", "results.xlsx"]


def _shown(page: str, body: bytes) -> int:
    """What the response holds: learner rows on the page, answer rows in the files."""
    if page == "results":
        return body.decode().count("Person ")
    if page.startswith("results.csv"):
        return len(list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))) - 1
    return load_workbook(io.BytesIO(body)).active.max_row - 1


def _answers(right: int) -> list:
    """``right`` questions answered right, the rest wrong."""
    return [q["right"] if i < right else q["wrong"] for i, q in enumerate(SAMPLE_QUESTIONS)]


@pytest.mark.parametrize("page", PAGES)
def test_statements_do_not_grow_with_learners_and_attempts(
    page, factory, client, login, count_queries
):
    teacher = factory.user("teacher@example.no", roles=("instructor",), name="Tone Lærer")
    module = make_module(instructor=teacher)
    path = f"/manage/learning/quizzes/{module.quizzes[0].id}/{page}"
    login(teacher)
    client.get(path)  # warm: the session's user and the translations are loaded
    made = submitted = 0

    def statements_with(learners: int, attempts: int) -> int:
        nonlocal made, submitted
        for _ in range(learners):
            made += 1
            learner = factory.user(f"person{made:03}@example.no", name=f"Person {made:03}")
            for number in range(attempts):
                submitted += 1
                submit_attempt(
                    module,
                    learner,
                    _answers(right=(made + number) % 6),
                    finished_ago=timedelta(hours=attempts - number),
                )
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(path)
        assert response.status_code == 200
        expected = made if page == "results" else submitted * len(SAMPLE_QUESTIONS)
        assert _shown(page, response.data) >= expected, "every learner or answer is there"
        return len(statements)

    one = statements_with(learners=1, attempts=1)
    many = statements_with(learners=5, attempts=3)  # 6 learners, 16 attempts in all
    assert one == many, (one, many)
