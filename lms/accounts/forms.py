"""Account forms. Labels and messages are lazily translated."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

# Each language's name in itself, marked with its language for screen readers (WCAG 3.1.2).
LANGUAGE_CHOICES = [
    SelectChoice("nb", "Norsk bokmål", render_kw={"lang": "nb"}),
    SelectChoice("en", "English", render_kw={"lang": "en"}),
]


def _password_length(form, field) -> None:
    minimum = current_app.config["LMS_PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(
            ngettext("Use at least %(num)s character.", "Use at least %(num)s characters.", minimum)
        )
    if len(field.data) > 1000:
        raise ValidationError(_l("Use at most 1000 characters."))


def _strip(value):
    """Drop the spaces a paste or an autofill leaves around an address."""
    return value.strip() if isinstance(value, str) else value


def _email_field(label=None):
    return EmailField(
        label or _l("E-mail address"),
        filters=[_strip],
        validators=[
            InputRequired(_l("Enter your e-mail address.")),
            Length(max=254, message=_l("Use at most 254 characters.")),
            Email(_l("Enter an e-mail address like name@example.no."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
    )


def _new_password_fields():
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Choose a password.")), _password_length],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            InputRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def _text(label, required=False, autocomplete=None):
    validators = [Length(max=200, message=_l("Use at most 200 characters."))]
    if required:
        validators.insert(0, InputRequired(_l("This field is required.")))
    return StringField(label, validators=validators, render_kw={"autocomplete": autocomplete})


class SignupForm(FlaskForm):
    email = _email_field()
    name = _text(_l("Full name"), required=True, autocomplete="name")
    organisation = _text(_l("Organisation"), autocomplete="organization")
    job_title = _text(_l("Job title"), autocomplete="organization-title")
    language = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)
    password, confirm = _new_password_fields()


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Remember me on this device"))


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields()


class ProfileForm(FlaskForm):
    name = _text(_l("Full name"), required=True, autocomplete="name")
    organisation = _text(_l("Organisation"), autocomplete="organization")
    job_title = _text(_l("Job title"), autocomplete="organization-title")
    language = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = _new_password_fields()


class ChangeEmailForm(FlaskForm):
    new_email = _email_field(_l("New e-mail address"))
    email_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class ApiTokenForm(FlaskForm):
    token_name = StringField(
        _l("Token name"),
        validators=[
            InputRequired(_l("Give the token a name.")),
            Length(max=100, message=_l("Use at most 100 characters.")),
        ],
    )


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""
