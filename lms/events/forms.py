"""Forms for managing offerings and networks. Times are entered in the LMS zone."""

from __future__ import annotations

from datetime import UTC

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
    widgets,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from lms.core.dates import local_zone, to_local, to_utc
from lms.events.manage import OFFERING_FIELDS, SessionData
from lms.events.models import Offering
from lms.events.recurrence import DAY_NAMES, ORDINALS, Pattern, pattern_of

KIND_LABELS = {
    "seminar": _l("Seminar"),
    "course": _l("Course"),
    "network_meeting": _l("Network meeting"),
}
# The conference area's offering, shown in the catalogue (never made with the offering form);
# an item's limited seats are not listed there (see registrations/catalogue.py).
CATALOGUE_KIND_LABELS = {**KIND_LABELS, "conference": _l("Conference")}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "cancelled": _l("Cancelled"),
    "archived": _l("Archived"),
}
THEME_LABELS = {
    "human_rights": _l("Human rights and the ILO core conventions"),
    "working_conditions": _l("Pay and working conditions"),
    "climate_environment": _l("Climate and environment"),
    "anti_corruption": _l("Anti-corruption"),
}
# The UN Global Compact's ten principles, each by its number and what it asks in short
# (1–2 human rights, 3–6 labour, 7–9 environment, 10 anti-corruption).
PRINCIPLE_LABELS = {
    1: _l("Principle 1: support and respect human rights"),
    2: _l("Principle 2: no complicity in human rights abuses"),
    3: _l("Principle 3: freedom of association and collective bargaining"),
    4: _l("Principle 4: no forced or compulsory labour"),
    5: _l("Principle 5: no child labour"),
    6: _l("Principle 6: no discrimination in employment"),
    7: _l("Principle 7: a precautionary approach to the environment"),
    8: _l("Principle 8: greater environmental responsibility"),
    9: _l("Principle 9: environmentally friendly technologies"),
    10: _l("Principle 10: work against corruption in all its forms"),
}
QUESTION_LABELS = {
    "dietary": _l("Dietary needs"),
    "accessibility": _l("Accessibility needs"),
    "organisation_type": _l("Type of organisation"),
}
LANGUAGE_LABELS = {"nb": _l("Norwegian"), "en": _l("English")}
WAITLIST_LABELS = {
    "auto": _l("Confirm the next in line at once"),
    "offer": _l("Offer the seat for a number of hours"),
}
MEMBERSHIP_LABELS = {"open": _l("Open: anyone may join"), "approval": _l("Organisers approve")}
# The offering's deadlines, typed and shown as wall-clock times in the LMS zone.
DEADLINE_FIELDS = ("registration_opens_at", "registration_closes_at", "cancellation_deadline")
SESSION_ROWS = 3  # empty rows shown for new sessions; "more rows" reloads with more


def options(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def checkboxes(label, choices, coerce=str):
    return SelectMultipleField(
        label,
        choices=options(choices),
        coerce=coerce,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )


def keep_held_field() -> BooleanField:
    """The box that confirms a number of seats below those already held (asked after a
    ``CapacityWarning``; nobody is ever dropped)."""
    return BooleanField(
        _l("Yes, keep everyone already holding a seat, even above the new number of seats")
    )


def capacity_warning_text(warning) -> str:
    """What a ``CapacityWarning`` says at the seats field: how many hold a seat, the new
    number, and that confirming keeps them all."""
    return " ".join(
        (
            ngettext("%(num)s person holds a seat,", "%(num)s people hold a seat,", warning.held),
            ngettext("more than %(num)s place.", "more than the %(num)s places.", warning.capacity),
            _("Nobody is removed: confirm below to keep them all."),
        )
    )


class SessionRow(Form):
    """One session; all empty means "no session here"."""

    id = HiddenField()
    day = DateField(_l("Date"), validators=[Optional()])
    start = TimeField(_l("Starts"), validators=[Optional()])
    end = TimeField(_l("Ends"), validators=[Optional()])
    title = StringField(_l("Session title"), validators=[Optional(), Length(max=200)])
    venue = StringField(
        _l("Venue (if not the offering's)"), validators=[Optional(), Length(max=200)]
    )
    room = StringField(_l("Room"), validators=[Optional(), Length(max=100)])
    remove = BooleanField(_l("Remove this session"))

    def is_blank(self) -> bool:
        return not (self.id.data or self.day.data or self.start.data or self.end.data)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_blank() or self.remove.data:
            return ok
        for field in (self.day, self.start, self.end):
            if not field.data and not field.errors:
                field.errors.append(_l("Fill in the date, start and end."))
                ok = False
        if ok and self.end.data <= self.start.data:
            self.end.errors.append(_l("The session must end after it starts."))
            ok = False
        return ok


class OfferingForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=options(list(KIND_LABELS.items())[:2]))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = StringField(_l("Summary"), validators=[Optional(), Length(max=500)])
    description_md = TextAreaField(
        _l("Description (Markdown)"), validators=[Optional(), Length(max=20000)]
    )
    themes = checkboxes(_l("Themes"), THEME_LABELS.items())
    principles = checkboxes(_l("UN Global Compact principles"), PRINCIPLE_LABELS.items(), int)
    audience = StringField(_l("Audience"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language"), choices=options(LANGUAGE_LABELS.items()))
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=100)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    online_url = URLField(
        _l("Online meeting link"), validators=[Optional(), URL(require_tld=False), Length(max=500)]
    )
    capacity = IntegerField(
        _l("Seats"), validators=[InputRequired(), NumberRange(min=0, max=100000)]
    )
    allow_below_held = keep_held_field()
    registration_opens_at = DateTimeLocalField(_l("Registration opens"), validators=[Optional()])
    registration_closes_at = DateTimeLocalField(_l("Registration closes"), validators=[Optional()])
    cancellation_deadline = DateTimeLocalField(_l("Last time to cancel"), validators=[Optional()])
    requires_approval = BooleanField(_l("Organisers approve each registration"))
    members_only = BooleanField(_l("Only for network members"))
    waitlist_mode = SelectField(
        _l("When a seat frees up"), choices=options(WAITLIST_LABELS.items())
    )
    offer_hours = IntegerField(
        _l("Hours to accept an offered seat"),
        default=48,
        validators=[InputRequired(), NumberRange(min=1, max=720)],
    )
    questions = checkboxes(_l("Extra questions"), QUESTION_LABELS.items())
    consent_text = TextAreaField(
        _l("Consent text (leave empty for none)"), validators=[Optional(), Length(max=5000)]
    )
    sessions = FieldList(FormField(SessionRow), min_entries=1, max_entries=60)
    instructors = checkboxes(_l("Instructors and speakers"), [], int)
    guest_speakers = TextAreaField(
        _l("Guest speakers without an account here, one per line (e.g. “Kari Nordmann, ILO”)"),
        validators=[Optional(), Length(max=2000)],
    )

    general_errors: list

    def validate(self, extra_validators=None) -> bool:
        self.general_errors = []
        ok = super().validate(extra_validators)
        opens, closes = self.registration_opens_at.data, self.registration_closes_at.data
        if opens and closes and closes <= opens:
            self.registration_closes_at.errors.append(_l("Registration must close after it opens."))
            ok = False
        if not any(not r.form.is_blank() and not r.form.remove.data for r in self.sessions):
            self.general_errors.append(_l("Add at least one session."))
            ok = False
        return ok

    # --- between the form and the domain: wall-clock times in the LMS zone, session rows

    def load(self, offering: Offering | None, *, extra_rows: int) -> None:
        """Fill the form from ``offering`` (times shown in the LMS zone), with
        ``extra_rows`` empty session rows for new sessions."""
        zone = local_zone()
        for name in DEADLINE_FIELDS:
            value = getattr(offering, name, None)
            getattr(self, name).data = (
                value.astimezone(zone).replace(tzinfo=None) if value else None
            )
        while self.sessions.entries:
            self.sessions.pop_entry()
        for session in getattr(offering, "active_sessions", []):
            start, end = to_local(session.starts_at), to_local(session.ends_at)
            self.sessions.append_entry(
                {
                    "id": str(session.id),
                    "day": start.date(),
                    "start": start.time(),
                    "end": end.time(),
                    "title": session.title,
                    "venue": session.venue,
                    "room": session.room,
                }
            )
        for _n in range(extra_rows):
            self.sessions.append_entry()
        self.instructors.data = [u.id for u in getattr(offering, "instructors", [])]

    def offering_data(self) -> dict:
        """The offering's fields as the services take them: text trimmed, times in UTC."""
        data = {name: getattr(self, name).data for name in OFFERING_FIELDS}
        for name in ("summary", "description_md", "audience", "venue", "room", "address"):
            data[name] = (data[name] or "").strip()
        data["guest_speakers"] = "\n".join(
            line.strip() for line in (data["guest_speakers"] or "").splitlines() if line.strip()
        )
        data["online_url"] = (data["online_url"] or "").strip()
        data["consent_text"] = (data["consent_text"] or "").strip()
        zone = local_zone()
        for name in DEADLINE_FIELDS:
            if data[name] is not None:
                data[name] = data[name].replace(tzinfo=zone).astimezone(UTC)
        return data

    def session_rows(self) -> list[SessionData]:
        """The session rows as changes: new, changed (times in UTC) or removed; blank
        rows and removed rows that were never saved are left out."""
        rows = []
        for entry in self.sessions:
            row = entry.form
            if row.is_blank():
                continue
            session_id = int(row.id.data) if (row.id.data or "").isdigit() else None
            if row.remove.data and session_id is None:
                continue
            if row.remove.data:
                rows.append(SessionData(id=session_id, remove=True, starts_at=None, ends_at=None))
                continue
            rows.append(
                SessionData(
                    id=session_id,
                    starts_at=to_utc(row.day.data, row.start.data),
                    ends_at=to_utc(row.day.data, row.end.data),
                    title=(row.title.data or "").strip(),
                    venue=(row.venue.data or "").strip(),
                    room=(row.room.data or "").strip(),
                )
            )
        return rows


class DuplicateForm(FlaskForm):
    weeks = IntegerField(
        _l("Move the sessions by this many weeks"),
        default=52,
        validators=[InputRequired(), NumberRange(min=-520, max=520)],
    )


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token: publish, cancel, join, leave."""


REPEAT_LABELS = {
    "monthly": _l("On a weekday of the month"),
    "weekly": _l("On a weekday every week or every few weeks"),
    "custom": _l("By a recurrence rule I write (advanced)"),
}
INTERVAL_LABELS = {
    1: _l("every month / every week"),
    2: _l("every other month / every other week"),
    3: _l("every third month / every third week"),
    4: _l("every fourth month / every fourth week"),
    6: _l("every sixth month / every sixth week"),
}


class NetworkForm(FlaskForm):
    """A network; its rule comes from the picker in words (``repeat`` monthly or weekly),
    or is written as an RRULE when ``repeat`` is "custom" (a POST without ``repeat``,
    from a script, is read as "custom")."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description_md = TextAreaField(
        _l("Description (Markdown)"), validators=[Optional(), Length(max=20000)]
    )
    membership = SelectField(_l("Membership"), choices=options(MEMBERSHIP_LABELS.items()))
    repeat = SelectField(
        _l("The network meets"),
        choices=options(REPEAT_LABELS.items()),
        default="monthly",
        validate_choice=False,
    )
    ordinal = SelectField(
        _l("Which one in the month"),
        choices=options(ORDINALS.items()),
        coerce=int,
        default=2,
    )
    weekday = SelectField(_l("Weekday"), choices=options(DAY_NAMES.items()), default="TU")
    interval = SelectField(
        _l("How often"), choices=options(INTERVAL_LABELS.items()), coerce=int, default=1
    )
    recurrence_rule = StringField(
        _l("Recurrence rule (RRULE)"),
        default="FREQ=MONTHLY;BYDAY=2TU",
        validators=[Optional(), Length(max=200)],
    )

    def load_rule(self, rule: str) -> None:
        """Set the picker from a stored rule ("custom" when only the RRULE can say it)."""
        pattern = pattern_of(rule)
        self.recurrence_rule.data = rule
        if pattern is None:
            self.repeat.data = "custom"
            return
        self.repeat.data = pattern.frequency
        self.weekday.data = pattern.weekday
        self.interval.data = pattern.interval
        self.ordinal.data = pattern.ordinal

    def picked(self) -> bool:
        """Whether the rule comes from the picker (a choice posted, and not "custom")."""
        return bool(self.repeat.raw_data) and self.repeat.data in ("monthly", "weekly")

    def rule(self) -> str:
        """The RRULE the form gives: built from the picker, or the one written."""
        if self.picked():
            return Pattern(
                frequency=self.repeat.data,
                weekday=self.weekday.data,
                interval=self.interval.data,
                ordinal=self.ordinal.data,
            ).rule()
        return (self.recurrence_rule.data or "").strip().upper()

    def rule_field(self):
        """The field a refused rule's message belongs to."""
        return self.repeat if self.picked() else self.recurrence_rule

    meeting_start = TimeField(_l("Meetings start at"), validators=[Optional()])
    meeting_minutes = IntegerField(
        _l("Meeting length in minutes"),
        default=120,
        validators=[Optional(), NumberRange(15, 720)],
    )
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=100)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    online_url = URLField(
        _l("Online meeting link"), validators=[Optional(), URL(require_tld=False), Length(max=500)]
    )

    def network_data(self) -> dict:
        """The network's fields, trimmed, as ``networks.update_network`` takes them."""
        data = {
            name: (getattr(self, name).data or "").strip()
            for name in ("name", "description_md", "venue", "room", "address", "online_url")
        }
        data["recurrence_rule"] = self.rule()
        data["membership"] = self.membership.data
        data["meeting_start"] = self.meeting_start.data
        data["meeting_minutes"] = self.meeting_minutes.data or 120
        return data


class GenerateMeetingsForm(FlaskForm):
    """The next meetings; a GET prefills start, length and place from the network."""

    after = DateField(_l("First possible date"), validators=[InputRequired()])
    start = TimeField(_l("Starts at"), validators=[InputRequired()])
    minutes = IntegerField(
        _l("Length in minutes"), default=120, validators=[InputRequired(), NumberRange(15, 720)]
    )
    count = IntegerField(
        _l("Number of meetings"), default=6, validators=[InputRequired(), NumberRange(1, 24)]
    )
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=100)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    online_url = URLField(
        _l("Online meeting link"), validators=[Optional(), URL(require_tld=False), Length(max=500)]
    )
    capacity = IntegerField(
        _l("Seats"), default=40, validators=[InputRequired(), NumberRange(0, 100000)]
    )


class PlannedRow(Form):
    """One date of the preview: kept (``include``) or left out, and where it goes."""

    occurrence = HiddenField()
    include = BooleanField(_l("Make this meeting"), default=True)
    day = DateField(_l("Date"), validators=[Optional()])
    start = TimeField(_l("Starts at"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.include.data and not (self.day.data and self.start.data):
            self.day.errors.append(_l("Give the date and start time, or leave it out."))
            ok = False
        return ok


class PlanMeetingsForm(GenerateMeetingsForm):
    """Planning meetings: "Preview dates" shows the dates the rule gives, each of which
    can be moved or left out (``rows``); "Make these meetings" makes them."""

    rows = FieldList(FormField(PlannedRow), max_entries=24)


class MoveMeetingForm(FlaskForm):
    day = DateField(_l("New date"), validators=[InputRequired()])
    start = TimeField(_l("New start time"), validators=[InputRequired()])
