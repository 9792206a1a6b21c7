"""Words for the learning area's codes, translated when shown, and how scores are
written: the one place each is written, for the pages, the authoring forms and the
results (templates get the purposes as ``lms_quiz_purpose_labels``)."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

PURPOSE_LABELS = {
    "practice": _l("Practice"),
    "graded": _l("Graded quiz"),
    "pretest": _l("Pre-test"),
    "posttest": _l("Post-test"),
    "selfassessment": _l("Self-assessment"),
}

# How a quiz's grade is drawn from the attempts (``models.GRADING_METHODS``).
GRADING_METHOD_LABELS = {
    "highest": _l("Highest attempt"),
    "first": _l("First attempt"),
    "last": _l("Last attempt"),
    "average": _l("Average of the attempts"),
}

# What each purpose is for, said to the learner before they start.
PURPOSE_TEXTS = {
    "practice": _l("For practice: the result does not count."),
    "graded": _l("Graded: the result counts towards completing the module."),
    "pretest": _l("A pre-test: what you know before the lessons. It is not graded as a pass."),
    "posttest": _l("A post-test: what you know after the lessons, on the same objectives."),
    "selfassessment": _l("A self-assessment: there are no right or wrong answers."),
}

# The parts of a review, as "you can also see: …" lists them.
REVIEW_PART_LABELS = {
    "score": _l("your score"),
    "answers": _l("your answers"),
    "right_answers": _l("the right answers"),
    "feedback": _l("the feedback"),
}


def points(value: float | None, decimals: int = 2) -> str:
    """A score as people write it: whole numbers without decimals, others with at most
    ``decimals``, in the page's language (1,5 in Norwegian)."""
    if value is None:
        return ""
    rounded = round(float(value), decimals)
    if rounded == int(rounded):
        return format_decimal(int(rounded))
    return format_decimal(rounded, format="#,##0." + "#" * decimals)


def plural_count(value: float | None) -> int:
    """The count ``ngettext`` picks the form of "points" by: a whole number as it is, any
    other as 2, since a decimal takes the plural in English and Norwegian ("1.5 points",
    CLDR's "other") and gettext counts in whole numbers only."""
    if value is None:
        return 2
    number = float(value)
    return int(number) if number.is_integer() else 2
