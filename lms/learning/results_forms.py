"""Forms of the results pages: grading an essay, confirming a regrade, giving a person
more time on a quiz."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from lms.learning.accommodations import FACTORS
from lms.learning.labels import points

MAX_COMMENT = 5000


def decimal_of(text: str | None) -> Decimal | None:
    """A number as people write it here: ``2,5`` (a Norwegian decimal comma) or ``2.5``;
    None for anything else (words, infinity, NaN)."""
    try:
        value = Decimal((text or "").strip().replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class EssayGradeForm(FlaskForm):
    """The score an essay earns (0 to its maximum; a decimal comma is accepted) and a
    comment for the learner. ``prefix`` tells one answer's form from another's."""

    score = StringField(_l("Score"), validators=[InputRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=MAX_COMMENT)])

    def validate_score(self, field) -> None:
        value = decimal_of(field.data)
        if value is None:
            raise ValidationError(_l("Give the score as a number, such as 2 or 2,5."))
        if value < 0:
            raise ValidationError(_l("The score cannot be below 0."))
        field.value = value

    @property
    def value(self) -> Decimal:
        return self.score.value


class RegradeForm(FlaskForm):
    """The confirmation of a regrade (only the CSRF token)."""


NO_LIMIT = "none"


def factor_label(factor: float | None) -> str:
    """An accommodation as the page says it: "1,5 × time", or "no time limit"."""
    if factor is None:
        return str(_l("no time limit"))
    return str(_l("%(factor)s × time", factor=points(factor)))


class TimeForm(FlaskForm):
    """More time for one person: one of the quiz's learners or an e-mail address (not
    both), and a factor from ``FACTORS`` or no limit."""

    learner = SelectField(_l("One of the quiz's learners"), coerce=str, validate_choice=False)
    email = StringField(_l("Or their e-mail address"), validators=[Optional(), Length(max=254)])
    factor = SelectField(_l("Time"), validators=[InputRequired()])

    def __init__(self, learners=(), **kwargs) -> None:
        super().__init__(**kwargs)
        self.learner.choices = [("", _l("Choose a person"))] + [
            (str(p.id), f"{p.name} ({p.email})") for p in learners
        ]
        self.factor.choices = [(str(f), factor_label(f)) for f in FACTORS] + [
            (NO_LIMIT, _l("No time limit"))
        ]

    def validate_learner(self, field) -> None:
        # Here rather than on the e-mail field: its Optional() ends its checks when empty.
        if field.data and not field.data.isdigit():
            raise ValidationError(_l("Choose a person from the list."))
        if bool(self.email.data and self.email.data.strip()) == bool(field.data):
            raise ValidationError(_l("Choose one of the learners or give an e-mail address."))

    @property
    def factor_value(self) -> float | None:
        return None if self.factor.data == NO_LIMIT else float(self.factor.data)

    @property
    def learner_id(self) -> int | None:
        return int(self.learner.data) if self.learner.data else None
