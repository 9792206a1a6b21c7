"""Registration forms. Labels and messages are lazily translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from lms.core.converters import MAX_ID
from lms.events.models import ORGANISATION_TYPES

ORGANISATION_TYPE_LABELS = {
    "state": _l("State"),
    "county": _l("County"),
    "municipality": _l("Municipality"),
    "other": _l("Other"),
}
assert set(ORGANISATION_TYPE_LABELS) == set(ORGANISATION_TYPES)

STATUS_LABELS = {
    "pending": _l("Waiting for approval"),
    "confirmed": _l("Confirmed"),
    "waitlisted": _l("On the waiting list"),
    "offered": _l("Offered a place"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Offer expired"),
    "declined": _l("Not approved"),
    "attended": _l("Attended"),
    "no_show": _l("Did not come"),
}

MAX_CAPACITY = 100_000
MAX_SELECTED = 5000  # ticked registrations in one bulk action


def _choices(empty, labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", empty), *(SelectChoice(k, v) for k, v in labels.items())]


def _one_line(form, field) -> None:
    if field.data and ("\r" in field.data or "\n" in field.data):
        raise ValidationError(_l("Use one line."))


class RegisterForm(FlaskForm):
    """The offering's extra questions and its consent; the view drops what it does not ask."""

    dietary = StringField(_l("Dietary needs"), validators=[Optional(), Length(max=300)])
    accessibility = TextAreaField(
        _l("Accessibility needs"), validators=[Optional(), Length(max=1000)]
    )
    organisation_type = SelectField(
        _l("Type of organisation"),
        choices=_choices(_l("Choose…"), ORGANISATION_TYPE_LABELS),
        validators=[Optional()],
    )
    consent = BooleanField(
        _l("I agree"),
        validators=[InputRequired(_l("You must agree to register."))],
    )

    def for_offering(self, offering) -> RegisterForm:
        for question in ("dietary", "accessibility", "organisation_type"):
            if question not in offering.questions:
                delattr(self, question)
        if not offering.consent_text:
            delattr(self, "consent")
        return self

    def answers(self) -> dict:
        return {
            name: (getattr(self, name).data or "").strip()
            for name in ("dietary", "accessibility", "organisation_type")
            if name in self._fields and (getattr(self, name).data or "").strip()
        }


class CapacityForm(FlaskForm):
    capacity = IntegerField(
        _l("Number of places"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_CAPACITY)],
    )
    confirm = BooleanField(_l("Yes, set it anyway"))


class MoveForm(FlaskForm):
    position = IntegerField(
        _l("New place in line"), validators=[InputRequired(), NumberRange(min=1, max=MAX_CAPACITY)]
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["csv", "txt"], _l("Use a .csv file.")),
        ],
    )
    allow_over_capacity = BooleanField(
        _l(
            "Give everyone the file marks confirmed a place, even beyond the number of places "
            "(otherwise those beyond it go on the waiting list)"
        )
    )


def parse_ids(values) -> list[int]:
    """The registration ids of a form's ticked boxes (or a message's list of them);
    anything that could not be one (not a number, beyond an SQL INTEGER) is dropped."""
    ids = []
    for value in list(values)[:MAX_SELECTED]:
        value = str(value)
        if value.isascii() and value.isdigit() and len(value) <= 10 and 0 < int(value) <= MAX_ID:
            ids.append(int(value))
    return ids


class MessageForm(FlaskForm):
    """A message to participants. "selected" is offered only when people were ticked on
    the participant list (their ids ride along in ``selected``)."""

    audience = RadioField(
        _l("Who gets it"),
        choices=[
            SelectChoice(
                "places", _l("Everyone with a place (after the event: everyone who had one)")
            ),
            SelectChoice(
                "everyone",
                _l("Also those offered a place, on the waiting list or awaiting approval"),
            ),
            SelectChoice("selected", _l("Only those you chose on the participant list")),
        ],
        default="places",
        validators=[InputRequired()],
    )
    selected = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,11}(,[0-9]{1,11})*$")])
    subject = StringField(_l("Subject"), validators=[InputRequired(), Length(max=200), _one_line])
    text = TextAreaField(_l("Message"), validators=[InputRequired(), Length(max=10_000)])

    def for_selection(self) -> MessageForm:
        """Without ticked people, the "selected" choice is not offered."""
        if not self.selected.data:
            self.audience.choices = [c for c in self.audience.choices if c.value != "selected"]
        elif self.audience.data == "places" and not self.is_submitted():
            self.audience.data = "selected"
        return self

    def selected_ids(self) -> list[int]:
        """The ticked registrations' ids (only the numbers, even in a form that failed)."""
        return parse_ids((self.selected.data or "").split(","))

    def validate_audience(self, field) -> None:
        if field.data == "selected" and not self.selected.data:
            raise ValidationError(_l("Choose people on the participant list first."))


class CheckInSearchForm(FlaskForm):
    """The check-in list's name search (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Find by name or e-mail"), validators=[Optional(), Length(max=200)])


class FilterForm(FlaskForm):
    """The participant list's filters (GET, so no CSRF)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"), choices=_choices(_l("All"), STATUS_LABELS), validators=[Optional()]
    )
    organisation_type = SelectField(
        _l("Type of organisation"),
        choices=_choices(_l("All"), ORGANISATION_TYPE_LABELS),
        validators=[Optional()],
    )
    q = StringField(_l("Search by name or e-mail"), validators=[Optional(), Length(max=200)])
