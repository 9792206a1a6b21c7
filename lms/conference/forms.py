"""Forms of the organisers' programme builder. Times are typed as wall-clock times in
the conference's own zone; the services check every value again (a form is only the
first reader)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.conference.programme_labels import KIND_LABELS
from lms.events.forms import (
    LANGUAGE_LABELS,
    PRINCIPLE_LABELS,
    THEME_LABELS,
    checkboxes,
    keep_held_field,
    options,
)

ITEM_STATUS_LABELS = {"scheduled": _l("Scheduled"), "cancelled": _l("Cancelled")}
CLASH_LABELS = {
    "room": _l("The room is booked twice at once"),
    "speaker": _l("A speaker is in two places at once"),
    "outside_days": _l("Not on one of the conference's days"),
    "outside_hours": _l("Outside the day's hours"),
    "capacity": _l("More people are interested than the room seats"),
}


class ConfirmForm(FlaskForm):
    """Only the CSRF token: publish, remove a day."""


class ConferenceForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Address (slug)"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("Lower case letters a–z, digits and hyphens, e.g. anskaffelser-2027."),
    )
    description_md = TextAreaField(
        _l("Description (Markdown)"), validators=[Optional(), Length(max=20000)]
    )
    timezone = StringField(
        _l("Time zone"),
        default="Europe/Oslo",
        validators=[DataRequired(), Length(max=64)],
        description=_l("An IANA time zone name, e.g. Europe/Oslo."),
    )
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    day_starts = TimeField(_l("Each day starts at"), validators=[InputRequired()])
    day_ends = TimeField(_l("Each day ends at"), validators=[InputRequired()])


class DayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired()])


class RoomForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    capacity = IntegerField(
        _l("Seats"), validators=[InputRequired(), NumberRange(min=0, max=100000)]
    )
    accessibility_notes = TextAreaField(
        _l("Accessibility notes"), validators=[Optional(), Length(max=2000)]
    )


class TrackForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=60)])
    colour = StringField(
        _l("Colour"),
        default="#1e5a8a",
        validators=[DataRequired(), Length(max=7)],
        description=_l("As #rrggbb; white text on it must be easy to read (contrast 4.5:1)."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])


class SpeakerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=200)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=5000)])


def _int_or_none(value):
    return int(value) if value not in (None, "", "0", 0) else None


class ItemForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    abstract = TextAreaField(_l("Abstract"), validators=[Optional(), Length(max=20000)])
    kind = SelectField(_l("Type"), choices=options(KIND_LABELS.items()))
    track_id = SelectField(_l("Track"), coerce=_int_or_none, validate_choice=False)
    themes = checkboxes(_l("Themes"), THEME_LABELS.items())
    principles = checkboxes(_l("UN Global Compact principles"), PRINCIPLE_LABELS.items(), int)
    language = SelectField(_l("Language"), choices=options(LANGUAGE_LABELS.items()))
    speaker_ids = checkboxes(_l("Speakers"), [], int)
    status = SelectField(_l("Status"), choices=options(ITEM_STATUS_LABELS.items()))

    def fill_choices(self, conference, speakers) -> None:
        self.track_id.choices = options(
            [(0, _l("No track")), *((track.id, track.name) for track in conference.tracks)]
        )
        self.speaker_ids.choices = options((speaker.id, speaker.name) for speaker in speakers)

    def item_data(self) -> dict:
        return {name: getattr(self, name).data for name in ITEM_DATA}


ITEM_DATA = (
    "title",
    "abstract",
    "kind",
    "track_id",
    "themes",
    "principles",
    "language",
    "speaker_ids",
    "status",
)


class MoveForm(FlaskForm):
    """Where and when an item is: the same form places it, moves it by keyboard, and
    receives a drag in the grid (``conference-grid.js`` fills and submits it)."""

    room_id = SelectField(_l("Room"), coerce=_int_or_none, validate_choice=False)
    day = SelectField(_l("Day"), validate_choice=False)
    start = TimeField(_l("Starts"), validators=[InputRequired()])
    end = TimeField(_l("Ends"), validators=[InputRequired()])

    def fill_choices(self, conference, format_day) -> None:
        # Each room with its seats, so a room is chosen knowing whether the item fits it.
        self.room_id.choices = options(
            (room.id, f"{room.name} ({ngettext('%(num)s seat', '%(num)s seats', room.capacity)})")
            for room in conference.rooms
        )
        self.day.choices = options(
            (day.day.isoformat(), format_day(day.day)) for day in conference.days
        )


class SeatsForm(FlaskForm):
    """A number of seats (an item's limited seats, or the conference's registration);
    below the seats already held, the box confirms keeping everyone."""

    # Set when the number is below the seats held: a warning to confirm, not an error.
    below_held_warning = ""

    capacity = IntegerField(
        _l("Number of seats"), validators=[InputRequired(), NumberRange(min=0, max=100000)]
    )
    allow_below_held = keep_held_field()
