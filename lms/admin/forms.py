"""Administration forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets

ROLE_LABELS = {
    "instructor": _l("Instructor"),
    "organiser": _l("Organiser"),
    "admin": _l("Administrator"),
}


class RolesForm(FlaskForm):
    """Which granted roles a user holds; everyone is a participant."""

    roles = SelectMultipleField(
        _l("Roles"),
        choices=list(ROLE_LABELS.items()),
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )
