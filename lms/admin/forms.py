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
# What each mail is, for the outgoing-mail viewer's filter; a kind an area adds later
# without a label here is shown by its name.
MAIL_KIND_LABELS = {
    "account_exists": _l("Sign-up with an address that has an account"),
    "confirm_email_change": _l("Confirmation of a new e-mail address"),
    "email_change_requested": _l("E-mail address change requested"),
    "network_membership_approved": _l("Network membership approved"),
    "network_membership_declined": _l("Network membership declined"),
    "offering_changed": _l("Offering changed"),
    "password_changed": _l("Password changed"),
    "registration_cancelled": _l("Registration cancelled"),
    "registration_confirmed": _l("Registration confirmed"),
    "registration_declined": _l("Registration declined"),
    "registration_message": _l("Message from the organisers"),
    "registration_offer_expired": _l("Offered seat expired"),
    "registration_offered": _l("Seat offered from the waiting list"),
    "registration_pending": _l("Registration waiting for approval"),
    "registration_reminder": _l("Reminder before an offering"),
    "registration_waitlisted": _l("Put on the waiting list"),
    "reset_password": _l("Link to reset the password"),
    "verify_email": _l("Verification of the e-mail address"),
}


def mail_kind_labels(kinds) -> dict:
    """``kind -> label`` for the declared ``kinds``, sorted by label."""
    labels = {kind: MAIL_KIND_LABELS.get(kind, kind) for kind in kinds}
    return dict(sorted(labels.items(), key=lambda item: str(item[1]).casefold()))


class RolesForm(FlaskForm):
    """Which granted roles a user holds; everyone is a participant."""

    roles = SelectMultipleField(
        _l("Roles"),
        choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()],
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )
