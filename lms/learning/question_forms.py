"""The question form, driven by a registry of what each question type asks for.

One form serves every type: the common fields (text, general feedback, marks, tags), a
table of rows (options, accepted answers or pairs) whose columns each type names, and a
few settings of its own (a unit, case rules, a scale). ``EDITORS`` maps a type of
``question_types.TYPES`` to its rows and settings; ``spec_of`` turns what was typed into
the type's spec and ``load_spec`` does the reverse, so a new type plugs in with one entry
here (and its validation in ``question_types``)."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.events.forms import PRINCIPLE_LABELS, THEME_LABELS, checkboxes, options
from lms.learning.forms import MAX_ROWS, key_field


@dataclass(frozen=True)
class Editor:
    """How the form edits one question type: ``rows`` is the spec's list (None: none),
    ``columns`` the row fields shown with their labels, ``settings`` the form's own
    fields the type uses."""

    label: Any
    row_label: Any = None
    rows: str | None = None
    columns: tuple[tuple[str, Any], ...] = ()
    settings: tuple[str, ...] = ()
    empty_rows: int = 0
    hint: Any = None
    defaults: dict[str, Any] = field(default_factory=dict)


FEEDBACK = ("feedback", _l("Feedback on this option"))
EDITORS: dict[str, Editor] = {
    "single": Editor(
        _l("Single choice"),
        _l("Option %(number)s"),
        "options",
        (("text", _l("Text")), ("fraction", _l("Share of the marks (0 to 1)")), FEEDBACK),
        empty_rows=3,
        hint=_l("Give the right option 1 and the others 0 (or a share such as 0.5)."),
    ),
    "multiple": Editor(
        _l("Multiple response"),
        _l("Option %(number)s"),
        "options",
        (("text", _l("Text")), ("weight", _l("Weight (−1 to 1)")), FEEDBACK),
        empty_rows=4,
        hint=_l("The right options' weights add up to 1; a wrong one may take marks away."),
    ),
    "truefalse": Editor(
        _l("True or false"), settings=("answer", "feedback_true", "feedback_false")
    ),
    "short": Editor(
        _l("Short answer"),
        _l("Accepted answer %(number)s"),
        "answers",
        (("text", _l("Answer")), ("fraction", _l("Share of the marks (empty: 1)"))),
        settings=("case_sensitive",),
        empty_rows=2,
        hint=_l("Spaces at the ends and between words do not matter."),
    ),
    "numeric": Editor(
        _l("Numeric"),
        _l("Accepted number %(number)s"),
        "answers",
        (
            ("value", _l("Value")),
            ("tolerance", _l("Tolerance (±)")),
            ("min", _l("Or from")),
            ("max", _l("to")),
            ("fraction", _l("Share of the marks (empty: 1)")),
        ),
        settings=("unit",),
        empty_rows=1,
        hint=_l("Give a value and a tolerance, or a range. A decimal comma is fine."),
    ),
    "matching": Editor(
        _l("Matching"),
        _l("Pair %(number)s"),
        "pairs",
        (("prompt", _l("Prompt")), ("answer", _l("Its match"))),
        empty_rows=3,
    ),
    "essay": Editor(_l("Essay (graded by an instructor)")),
    "likert": Editor(
        _l("Likert scale (self-assessment, not scored)"),
        settings=("scale_points", "label_low", "label_high"),
    ),
}
ROW_COLUMNS = ("text", "fraction", "weight", "feedback", "value", "tolerance", "min", "max",
               "prompt", "answer")  # fmt: skip
NUMBER_COLUMNS = ("fraction", "weight")
SETTINGS = ("answer", "feedback_true", "feedback_false", "case_sensitive", "unit",
            "scale_points", "label_low", "label_high")  # fmt: skip


class MarksField(FloatField):
    """Marks as typed: a decimal comma read too, a whole number shown without ".0"."""

    def process_formdata(self, valuelist):
        super().process_formdata([v.replace(",", ".") for v in valuelist])

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:g}"


class Row(Form):
    """One row of options, accepted answers or pairs; only the type's columns are shown."""

    id = HiddenField()
    text = StringField(_l("Text"), validators=[Optional(), Length(max=2000)])
    fraction = StringField(_l("Share of the marks"), validators=[Optional(), Length(max=20)])
    weight = StringField(_l("Weight"), validators=[Optional(), Length(max=20)])
    feedback = StringField(_l("Feedback"), validators=[Optional(), Length(max=2000)])
    value = StringField(_l("Value"), validators=[Optional(), Length(max=40)])
    tolerance = StringField(_l("Tolerance"), validators=[Optional(), Length(max=40)])
    min = StringField(_l("From"), validators=[Optional(), Length(max=40)])
    max = StringField(_l("To"), validators=[Optional(), Length(max=40)])
    prompt = StringField(_l("Prompt"), validators=[Optional(), Length(max=2000)])
    answer = StringField(_l("Answer"), validators=[Optional(), Length(max=2000)])

    def values(self, columns) -> dict[str, str]:
        return {name: (self[name].data or "").strip() for name, _label in columns}


class QuestionForm(FlaskForm):
    key = key_field(_l("Key (made from the text when left empty)"))
    kind = HiddenField()
    text_md = TextAreaField(
        _l("Question (Markdown)"), validators=[DataRequired(), Length(max=20000)]
    )
    points = MarksField(
        _l("Marks"), default=1.0, validators=[InputRequired(), NumberRange(min=0, max=1000)]
    )
    feedback_md = TextAreaField(
        _l("General feedback (Markdown), shown after the attempt as the review allows"),
        validators=[Optional(), Length(max=20000)],
    )
    rows = FieldList(FormField(Row), min_entries=0, max_entries=MAX_ROWS)
    answer = SelectField(
        _l("The statement is"),
        choices=options([("true", _l("True")), ("false", _l("False"))]),
        default="true",
    )
    feedback_true = StringField(_l("Feedback to “true”"), validators=[Optional(), Length(max=2000)])
    feedback_false = StringField(
        _l("Feedback to “false”"), validators=[Optional(), Length(max=2000)]
    )
    case_sensitive = BooleanField(_l("Upper and lower case must match"))
    unit = StringField(_l("Unit (optional, e.g. %)"), validators=[Optional(), Length(max=20)])
    scale_points = IntegerField(
        _l("Points on the scale"), default=5, validators=[Optional(), NumberRange(min=2, max=11)]
    )
    label_low = StringField(
        _l("Words at the low end (e.g. “Not at all”)"), validators=[Optional(), Length(max=100)]
    )
    label_high = StringField(
        _l("Words at the high end (e.g. “Fully”)"), validators=[Optional(), Length(max=100)]
    )
    objective_tags = checkboxes(_l("Learning objectives"), [])
    theme_tags = checkboxes(_l("Themes"), [(f"theme:{k}", v) for k, v in THEME_LABELS.items()])
    principle_tags = checkboxes(
        _l("UN Global Compact principles"),
        [(f"principle:{n}", label) for n, label in PRINCIPLE_LABELS.items()],
    )
    quiz_tags = checkboxes(_l("Asked in the quizzes"), [])
    free_tags = StringField(
        _l("Other tags, separated by commas (e.g. pool:final-mr1)"),
        validators=[Optional(), Length(max=500)],
    )

    @property
    def editor(self) -> Editor:
        return EDITORS[self.kind.data]

    def validate(self, extra_validators=None) -> bool:
        """Check the common fields and the type's own: a setting another type uses is
        neither shown nor checked."""
        super().validate(extra_validators)
        for name in SETTINGS:
            if name not in self.editor.settings:
                self[name].errors = []
        return not any(f.errors for f in self)

    def set_choices(self, module, quiz_tag) -> None:
        """The module's objectives and quizzes as tag checkboxes."""
        self.objective_tags.choices = options(
            (f"objective:{o.code}", f"{o.code}: {o.text}") for o in module.objectives
        )
        self.quiz_tags.choices = options((quiz_tag(q), q.title) for q in module.quizzes)

    def tags(self) -> list[str]:
        """Every tag ticked or typed."""
        typed = [t.strip() for t in (self.free_tags.data or "").split(",")]
        ticked = [
            *(self.objective_tags.data or []),
            *(self.theme_tags.data or []),
            *(self.principle_tags.data or []),
            *(self.quiz_tags.data or []),
        ]
        return list(dict.fromkeys(t for t in ticked + typed if t))

    def load_tags(self, tags: list[str]) -> None:
        """Tick the tags that have a box; the others go in the free field."""
        rest = list(tags)
        for group in (self.objective_tags, self.theme_tags, self.principle_tags, self.quiz_tags):
            values = {c.value if hasattr(c, "value") else c[0] for c in group.choices}
            group.data = [t for t in tags if t in values]
            rest = [t for t in rest if t not in values]
        self.free_tags.data = ", ".join(rest)

    def add_rows(self, number: int) -> None:
        for _n in range(number):
            self.rows.append_entry()

    def load_spec(self, spec: dict[str, Any]) -> None:
        """Fill the type's rows and settings from a stored spec (a GET)."""
        editor = self.editor
        while self.rows.entries:
            self.rows.pop_entry()
        if editor.rows:
            for item in spec.get(editor.rows) or []:
                known = ("id", *ROW_COLUMNS)
                self.rows.append_entry({k: str(v) for k, v in item.items() if k in known})
            self.add_rows(1 if self.rows.entries else editor.empty_rows)
        if "answer" in editor.settings:
            self.answer.data = "true" if spec.get("answer", True) else "false"
            self.feedback_true.data = spec.get("feedback_true", "")
            self.feedback_false.data = spec.get("feedback_false", "")
        self.case_sensitive.data = bool(spec.get("case_sensitive"))
        self.unit.data = spec.get("unit", "")
        if "scale_points" in editor.settings:
            self.scale_points.data = spec.get("points", 5)
            labels = [*(spec.get("labels") or []), "", ""]
            self.label_low.data, self.label_high.data = labels[0], labels[1]

    def spec_of(self) -> dict[str, Any]:
        """The spec what was typed gives (``question_types.validate`` then checks it)."""
        editor, spec = self.editor, {}
        if editor.rows:
            typed = [(row.form.id.data or "", row.form.values(editor.columns)) for row in self.rows]
            typed = [(row_id, values) for row_id, values in typed if any(values.values())]
            used = {row_id for row_id, _values in typed if row_id}
            items = []
            for row_id, values in typed:
                if not row_id:
                    row_id = _free_id(used)
                    used.add(row_id)
                items.append(_row_item(editor.rows, row_id, values))
            spec[editor.rows] = items
        if "answer" in editor.settings:
            spec["answer"] = self.answer.data == "true"
            for name in ("feedback_true", "feedback_false"):
                if (self[name].data or "").strip():
                    spec[name] = self[name].data.strip()
        if "case_sensitive" in editor.settings:
            spec["case_sensitive"] = bool(self.case_sensitive.data)
        if "unit" in editor.settings and (self.unit.data or "").strip():
            spec["unit"] = self.unit.data.strip()
        if "scale_points" in editor.settings:
            spec["points"] = self.scale_points.data if self.scale_points.data is not None else 5
            labels = [(self.label_low.data or "").strip(), (self.label_high.data or "").strip()]
            if any(labels):
                spec["labels"] = labels
        return spec


def _free_id(used: set[str]) -> str:
    for letter in string.ascii_lowercase:
        if letter not in used:
            return letter
    number = len(used) + 1
    while f"o{number}" in used:
        number += 1
    return f"o{number}"


def _number(text: str) -> Any:
    """A typed share or weight: an integer as an int, else the text with a decimal
    point (the type's validation says if it is no number)."""
    value = text.replace(",", ".").replace("\u2212", "-").replace(" ", "")
    return int(value) if re.fullmatch(r"[-+]?\d+", value) else value


def _row_item(rows: str, row_id: str, values: dict[str, str]) -> dict[str, Any]:
    if rows == "pairs":
        return {"id": row_id, **values}
    item: dict[str, Any] = {"id": row_id} if rows == "options" else {}
    for name, value in values.items():
        if name in NUMBER_COLUMNS:
            if value:
                item[name] = _number(value)
            elif rows == "options":
                item[name] = 0
        elif rows == "answers" and name in ("min", "max", "value", "tolerance"):
            if value:
                item[name] = value
        elif value or name == "text":
            item[name] = value
    if rows == "answers" and "value" in item and "tolerance" not in item:
        item["tolerance"] = "0"
    return item
