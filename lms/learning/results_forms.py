"""Forms of the results pages: grading an essay, confirming a regrade."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

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
