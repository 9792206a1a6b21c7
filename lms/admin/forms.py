"""Administration forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, widgets

ROLE_LABELS = {
    "instructor": _l("Instructor"),
    "organiser": _l("Organiser"),
    "admin": _l("Administrator"),
}


MAIL_STATUS_LABELS = {
    "pending": _l("Waiting to be sent"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}


class RolesForm(FlaskForm):
    """Which granted roles a user holds; everyone is a participant."""

    roles = SelectMultipleField(
        _l("Roles"),
        choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()],
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )
