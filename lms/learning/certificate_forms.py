"""Forms of the progress and certificate pages. Labels and messages are lazily translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from lms.learning.certificates import REASON_MAX


class CourseRuleForm(FlaskForm):
    """What completing a course takes."""

    min_attendance_percent = IntegerField(
        _l("Sessions attended, at least (per cent)"),
        validators=[
            InputRequired(_l("Give a whole number from 0 to 100.")),
            NumberRange(0, 100, _l("Give a whole number from 0 to 100.")),
        ],
    )
    needs_modules = BooleanField(_l("Every module of the course completed"))


class RevokeForm(FlaskForm):
    """Revoking a certificate: the reason is required (it stays with the agency)."""

    reason = TextAreaField(
        _l("Why the certificate is revoked"),
        validators=[
            InputRequired(_l("Say why the certificate is revoked.")),
            Length(max=REASON_MAX, message=_l("Keep the reason under 1000 characters.")),
        ],
    )
