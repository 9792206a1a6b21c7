"""Forms of the door: registering for a conference, the check-in code, a speaker's
profile. Labels and messages are lazily translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lms.conference.registration import MAX_NEED_LENGTH
from lms.core.dates import format_date


class DaysField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ConferenceRegisterForm(FlaskForm):
    days = DaysField(_l("The days you come"), validators=[InputRequired(_l("Choose a day."))])
    dietary = StringField(_l("Dietary needs"), validators=[Optional(), Length(max=300)])
    accessibility = TextAreaField(
        _l("Accessibility needs"), validators=[Optional(), Length(max=MAX_NEED_LENGTH)]
    )

    def for_conference(self, conference) -> ConferenceRegisterForm:
        self.days.choices = [(d.day.isoformat(), format_date(d.day)) for d in conference.days]
        if not self.is_submitted():
            self.days.data = [value for value, _label in self.days.choices]
        return self


class CheckInForm(FlaskForm):
    # A phone's keyboard: capitals, no corrections or suggestions (codes are not words).
    code = StringField(
        _l("Check-in code"),
        validators=[DataRequired(_l("Type the code.")), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class SpeakerProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=200)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=2000)])
    photo = FileField(_l("Photo (PNG, JPEG or WebP, at most 2 MB)"))
    remove_photo = BooleanField(_l("Remove the photo"))
