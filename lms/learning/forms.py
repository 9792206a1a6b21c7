"""Forms for authoring modules: the module, its lessons, quizzes and draws, attachments.
Rows that can grow (objectives, feedback bands, options) get one more empty row from an
"Add a row" submit button, so no JavaScript is needed. The question form is in
``question_forms``."""

from __future__ import annotations

from datetime import UTC

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from lms.core.dates import local_zone
from lms.events.forms import LANGUAGE_LABELS, PRINCIPLE_LABELS, THEME_LABELS, checkboxes, options
from lms.learning.authoring import MODULE_FIELDS
from lms.learning.labels import GRADING_METHOD_LABELS, PURPOSE_LABELS
from lms.learning.models import REVIEW_MOMENTS, REVIEW_PARTS
from lms.learning.quiz_authoring import QUIZ_FIELDS

KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
KEY_MESSAGE = _l("Use lower case letters, digits and hyphens only (e.g. “my-module”).")
MAX_ROWS = 50
# Shown as the browser's own control writes it; read with or without seconds.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
MOMENT_LABELS = {
    "immediately": _l("Right after the attempt"),
    "open": _l("Later, while the quiz is open"),
    "closed": _l("After the quiz closes"),
}
PART_LABELS = {
    "score": _l("Score"),
    "answers": _l("Their answers"),
    "right_answers": _l("The right answers"),
    "feedback": _l("Feedback"),
}
MODULE_STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}


def key_field(label, description_required: bool = False):
    validators = [DataRequired()] if description_required else [Optional()]
    return StringField(
        label, validators=[*validators, Length(max=100), Regexp(KEY_PATTERN, message=KEY_MESSAGE)]
    )


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token: publish, archive, delete, move."""


class ObjectiveRow(Form):
    code = StringField(_l("Code"), validators=[Optional(), Length(max=30)])
    text = StringField(_l("Objective"), validators=[Optional(), Length(max=1000)])
    remove = BooleanField(_l("Remove"))

    def is_blank(self) -> bool:
        return not ((self.code.data or "").strip() or (self.text.data or "").strip())

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.is_blank() and not self.remove.data:
            for field in (self.code, self.text):
                if not (field.data or "").strip():
                    field.errors.append(_l("Give both the code and the text."))
                    ok = False
        return ok


class ModuleForm(FlaskForm):
    slug = key_field(_l("Slug (the module's address and file name)"), True)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary_md = TextAreaField(_l("Summary (Markdown)"), validators=[Optional(), Length(max=5000)])
    language = SelectField(_l("Language"), choices=options(LANGUAGE_LABELS.items()))
    themes = checkboxes(_l("Themes"), THEME_LABELS.items())
    principles = checkboxes(_l("UN Global Compact principles"), PRINCIPLE_LABELS.items(), int)
    estimated_minutes = IntegerField(
        _l("Estimated time in minutes"),
        default=30,
        validators=[InputRequired(), NumberRange(min=1, max=6000)],
    )
    complete_needs_lessons = BooleanField(
        _l("Completing the module takes viewing every lesson"), default=True
    )
    instructors = checkboxes(_l("Instructors"), [], int)
    courses = checkboxes(_l("Courses it belongs to"), [], int)
    objectives = FieldList(FormField(ObjectiveRow), min_entries=1, max_entries=MAX_ROWS)

    def load(self, module, instructor_ids: list[int], course_ids: list[int]) -> None:
        """Fill the form from ``module`` (a GET), with one empty objective row."""
        for name in MODULE_FIELDS:
            getattr(self, name).data = getattr(module, name)
        self.instructors.data = instructor_ids
        self.courses.data = course_ids
        while self.objectives.entries:
            self.objectives.pop_entry()
        for objective in module.objectives:
            self.objectives.append_entry({"code": objective.code, "text": objective.text})
        self.objectives.append_entry()

    def module_data(self) -> dict:
        """The module's fields as ``authoring.create_module``/``update_module`` take them."""
        data = {name: getattr(self, name).data for name in MODULE_FIELDS}
        data["slug"] = (data["slug"] or "").strip()
        data["title"] = data["title"].strip()
        data["summary_md"] = (data["summary_md"] or "").strip()
        data["themes"] = list(data["themes"] or [])
        data["principles"] = list(data["principles"] or [])
        return data

    def objective_rows(self) -> list[tuple[str, str]]:
        """The objectives kept: (code, text), blank and removed rows left out."""
        return [
            (row.form.code.data.strip(), row.form.text.data.strip())
            for row in self.objectives
            if not row.form.is_blank() and not row.form.remove.data
        ]


class LessonForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    key = key_field(_l("Key (made from the title when left empty)"))
    body_md = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=200_000)])


class FeedbackBand(Form):
    min_percent = IntegerField(
        _l("From score (%)"), validators=[Optional(), NumberRange(min=0, max=100)]
    )
    text_md = TextAreaField(_l("Feedback (Markdown)"), validators=[Optional(), Length(max=5000)])

    def is_blank(self) -> bool:
        return self.min_percent.data is None and not (self.text_md.data or "").strip()


class QuizForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    key = key_field(_l("Key (made from the title when left empty)"))
    intro_md = TextAreaField(
        _l("Introduction (Markdown), shown before an attempt starts"),
        validators=[Optional(), Length(max=20000)],
    )
    purpose = SelectField(_l("Purpose"), choices=options(PURPOSE_LABELS.items()))
    attempts_allowed = IntegerField(
        _l("Attempts allowed (0: no limit)"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )
    time_limit_minutes = IntegerField(
        _l("Time limit in minutes (empty: none)"),
        validators=[Optional(), NumberRange(min=1, max=1440)],
    )
    opens_at = DateTimeLocalField(
        _l("Opens (Norwegian time)"), format=LOCAL_FORMATS, validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        _l("Closes (Norwegian time)"), format=LOCAL_FORMATS, validators=[Optional()]
    )
    grading_method = SelectField(
        _l("Grading method"), choices=options(GRADING_METHOD_LABELS.items())
    )
    pass_percent = IntegerField(
        _l("Pass mark (%)"), default=80, validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    shuffle_questions = BooleanField(_l("Shuffle the questions"))
    shuffle_options = BooleanField(_l("Shuffle the options"), default=True)
    required_for_completion = BooleanField(_l("Passing it is required to complete the module"))
    bands = FieldList(FormField(FeedbackBand), min_entries=1, max_entries=20)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        opens, closes = self.opens_at.data, self.closes_at.data
        if opens and closes and closes <= opens:
            self.closes_at.errors.append(_l("The quiz must close after it opens."))
            ok = False
        for row in self.bands:
            band = row.form
            if not band.is_blank() and band.min_percent.data is None and not band.errors:
                band.min_percent.errors.append(_l("Give the score the band starts at."))
                ok = False
        return ok

    def review_field(self, moment: str, part: str):
        return self[f"review_{moment}_{part}"]

    def load(self, quiz) -> None:
        """Fill the form from ``quiz`` (a GET): times in the LMS zone, one empty band."""
        zone = local_zone()
        for name in ("opens_at", "closes_at"):
            value = getattr(quiz, name)
            local = value.astimezone(zone).replace(tzinfo=None) if value else None
            getattr(self, name).data = local
        review = quiz.review or {}
        for moment in REVIEW_MOMENTS:
            for part in REVIEW_PARTS:
                self.review_field(moment, part).data = part in review.get(moment, [])
        while self.bands.entries:
            self.bands.pop_entry()
        for band in quiz.overall_feedback or []:
            self.bands.append_entry(band)
        self.bands.append_entry()

    def quiz_data(self) -> dict:
        """The settings as ``quiz_authoring`` takes them: times in UTC, review as a
        mapping of moment to parts, bands highest first."""
        data = {n: self[n].data for n in QUIZ_FIELDS if n not in ("review", "overall_feedback")}
        data["key"] = (self.key.data or "").strip()
        data["title"] = data["title"].strip()
        data["intro_md"] = (data["intro_md"] or "").strip()
        data["pass_percent"] = float(data["pass_percent"])
        zone = local_zone()
        for name in ("opens_at", "closes_at"):
            if data[name] is not None:
                data[name] = data[name].replace(tzinfo=zone).astimezone(UTC)
        data["review"] = {
            moment: parts
            for moment in REVIEW_MOMENTS
            if (parts := [p for p in REVIEW_PARTS if self.review_field(moment, p).data])
        }
        bands = [
            {"min_percent": row.form.min_percent.data, "text_md": row.form.text_md.data.strip()}
            for row in self.bands
            if not row.form.is_blank()
        ]
        data["overall_feedback"] = sorted(bands, key=lambda b: -b["min_percent"])
        return data


for _moment in REVIEW_MOMENTS:
    for _part in REVIEW_PARTS:
        # One checkbox per moment and part: the page shows them as a grid, a fieldset
        # per moment (its legend) with a box per part.
        setattr(QuizForm, f"review_{_moment}_{_part}", BooleanField(PART_LABELS[_part]))


class DrawForm(FlaskForm):
    tag = StringField(_l("Tag"), validators=[DataRequired(), Length(max=100)])
    count = IntegerField(
        _l("Number of questions to draw"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=200)],
    )


class AttachmentForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])
