"""An attempt's totals and the pass rule (lms/learning/scoring.py): exact at the pass mark,
and the one path that issues a certificate when a change of totals makes an attempt pass
(submitting, grading an essay, regrading a question)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from learning_results_support import WITH_ESSAY, quiz_versions, right_answers, submit_attempt
from learning_support import SAMPLE_QUESTIONS, make_module
from progress_support import view_lessons
from sqlalchemy import func, select

from lms.extensions import db
from lms.learning import essays, regrade
from lms.learning.attempt_models import Answer, Attempt
from lms.learning.progress_models import Certificate
from lms.learning.publishing import latest_version, set_question_content
from lms.learning.scoring import passes, recompute_attempts, totals
from lms.timeutil import utcnow

# --- the rule, pure ---------------------------------------------------------------------


@pytest.mark.pure
def test_seventy_percent_of_ten_passes_a_pass_mark_of_seventy():
    assert passes(7.0, 10.0, 70) is True
    assert passes(7, 10, 70.0) is True
    assert passes(6.99, 10, 70) is False
    assert passes(0.7, 1, 70) is True, "a grade that is a fraction of 1"
    assert passes(Fraction(7, 10), 1, 70) is True


@pytest.mark.pure
def test_the_pass_mark_is_reached_however_the_scores_were_added_up():
    assert 0.1 + 0.7 < 0.8, "float addition drifts below the mark"
    score, maximum = totals([(0.1, 0.5), (0.7, 0.5)])
    assert (score, maximum) == (Decimal("0.8"), 1)
    assert passes(score, maximum, 80) is True
    assert passes(Decimal("0.8"), 1, 80) is True


@pytest.mark.pure
def test_nothing_to_pass_while_an_answer_waits_or_nothing_is_scored():
    assert totals([(1.0, 1.0), (None, 2.0)]) == (None, 3)
    assert passes(None, 3.0, 50) is None
    assert totals([]) == (0, 0)
    assert passes(0.0, 0.0, 50) is None, "a self-assessment is neither passed nor failed"
    assert passes(Fraction(2, 3), 1, 66.67) is False and passes(Fraction(2, 3), 1, 66) is True


def test_stored_totals_are_exact_at_the_pass_mark(factory):
    """Two answers scored 0.1 and 0.7 of 1 point: 80 %, which the pass mark of 80 % reaches
    (the database's float sum would say 79.99999999999999 %)."""
    module = make_module(questions=SAMPLE_QUESTIONS[:2], pass_percent=80)
    learner = factory.user()
    quiz = module.quizzes[0]
    attempt = Attempt(quiz_id=quiz.id, module_version_id=latest_version(module.id).id,
                      user_id=learner.id, number=1, purpose=quiz.purpose, state="submitted",
                      started_at=utcnow(), finished_at=utcnow())  # fmt: skip
    for slot, (version, score) in enumerate(zip(quiz_versions(module), (0.1, 0.7), strict=True)):
        answer = Answer(slot=slot, question_version_id=version.id, tags=[], scored=True,
                        fraction=score / 0.5, score=score, max_score=0.5)  # fmt: skip
        attempt.answers.append(answer)
    db.session.add(attempt)
    db.session.flush()
    assert recompute_attempts([attempt.id]) == 1
    assert (attempt.score, attempt.max_score, attempt.passed) == (0.8, 1.0, True)


# --- a pass that completes the module issues its certificate -----------------------------


def certificates_of(user) -> list[Certificate]:
    return db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)).all()


def test_grading_the_essay_that_completes_the_module_issues_the_certificate(factory):
    teacher = factory.user("teacher@example.no", roles=("instructor",))
    module = make_module(instructor=teacher, questions=WITH_ESSAY, pass_percent=50)
    learner = factory.user()
    view_lessons(learner, module)
    attempt = submit_attempt(module, learner, right_answers(WITH_ESSAY))
    assert attempt.passed is None and certificates_of(learner) == [], "the essay waits"
    essay = db.session.scalar(
        select(Answer).where(Answer.attempt_id == attempt.id, Answer.fraction.is_(None))
    )
    essays.grade_essay(teacher, essay.id, Decimal("0.5"))
    db.session.commit()
    assert db.session.get(Attempt, attempt.id).passed is True
    [certificate] = certificates_of(learner)
    assert certificate.module_id == module.id


def test_grading_an_essay_that_fails_issues_nothing(factory):
    teacher = factory.user("teacher@example.no", roles=("instructor",))
    module = make_module(instructor=teacher, questions=WITH_ESSAY, pass_percent=100)
    learner = factory.user()
    view_lessons(learner, module)
    attempt = submit_attempt(module, learner, right_answers(WITH_ESSAY))
    essay = db.session.scalar(
        select(Answer).where(Answer.attempt_id == attempt.id, Answer.fraction.is_(None))
    )
    essays.grade_essay(teacher, essay.id, Decimal("0.5"))
    db.session.commit()
    assert db.session.get(Attempt, attempt.id).passed is False
    assert certificates_of(learner) == []


def test_a_regrade_that_makes_the_attempt_pass_issues_the_certificate(factory):
    teacher = factory.user("teacher@example.no", roles=("instructor",))
    module = make_module(instructor=teacher, pass_percent=100)
    learner = factory.user()
    view_lessons(learner, module)
    attempt = submit_attempt(module, learner, ["b", *right_answers()[1:]])
    assert attempt.passed is False and certificates_of(learner) == []
    question = module.questions[0]
    options = [
        dict(o, fraction=1 if o["id"] == "b" else 0) for o in SAMPLE_QUESTIONS[0]["spec"]["options"]
    ]
    set_question_content(question, kind="single", text_md=question.current.text_md,
                         spec={"options": options}, user=teacher)  # fmt: skip
    db.session.commit()
    regrade.regrade_question(teacher, question.id)
    db.session.commit()
    assert db.session.get(Attempt, attempt.id).passed is True
    [certificate] = certificates_of(learner)
    assert certificate.module_id == module.id
    regrade.regrade_question(teacher, question.id)
    recompute_attempts([attempt.id])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1, "once"
