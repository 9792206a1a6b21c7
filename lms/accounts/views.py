"""Account pages: thin views that parse a form, call a service, commit once, redirect."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from lms.accounts import forms, services
from lms.accounts.models import ApiToken
from lms.core.security import is_safe_redirect
from lms.extensions import db, limiter

bp = Blueprint("lms_accounts", __name__)


def _limit(key: str):
    return lambda: current_app.config[key]


def _login_email_key() -> str:
    return "login-email:" + request.form.get("email", "").strip().lower()[:254]


def _form_status(form) -> int:
    """400 when a form comes back because of what was typed, as on every LMS form."""
    return 400 if form.errors else 200


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_limit("LMS_SIGNUP_RATE_LIMIT"), methods=["POST"])
def signup():
    """Create an account and mail a verification link. The page the person was on its way
    to (``next``) is kept in this browser's session, so that verifying and logging in
    here lead back to it (an offering's registration, say)."""
    if current_user.is_authenticated:
        return redirect(url_for("lms_core.home"))
    target = _safe_next()
    form = forms.SignupForm()
    if request.method == "GET":
        form.language.data = str(get_locale() or "nb")
    if form.validate_on_submit():
        services.sign_up(
            form.email.data,
            form.password.data,
            form.name.data,
            form.organisation.data or "",
            form.job_title.data or "",
            form.language.data,
        )
        db.session.commit()
        if target:
            session[AFTER_SIGNUP] = target
        return render_template("lms/accounts/check_email.html", email=form.email.data)
    return render_template("lms/accounts/signup.html", form=form, next=target), _form_status(form)


@bp.get("/verify/<token>")
def verify(token: str):
    """Confirm an e-mail address from the mailed link."""
    user = services.verify_email(token)
    db.session.commit()
    if user is None:
        flash(_("That confirmation link is not valid any more. Log in to get a new one."), "error")
        return redirect(url_for(".login"))
    flash(_("Your e-mail address is confirmed. You can log in now."), "success")
    target = session.pop(AFTER_SIGNUP, "")
    return redirect(
        url_for(".login", next=target) if is_safe_redirect(target) else url_for(".login")
    )


# The session key of the page a new account was on its way to (see ``signup``).
AFTER_SIGNUP = "lms_after_signup"


def _safe_next() -> str:
    """The ``next`` argument when it is a path on this site, else nothing."""
    target = request.values.get("next", "")
    return target if is_safe_redirect(target) else ""


def _home_after_login() -> str:
    """The page a person lands on after logging in, as the areas declared it."""
    return url_for(current_app.extensions["lms"].home_endpoint)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("LMS_LOGIN_RATE_LIMIT"), methods=["POST"])
@limiter.limit(_limit("LMS_LOGIN_ACCOUNT_RATE_LIMIT"), methods=["POST"], key_func=_login_email_key)
def login():
    """Log in with e-mail and password; an unverified account gets a fresh link."""
    target = request.values.get("next", "")
    if current_user.is_authenticated:
        return redirect(target if is_safe_redirect(target) else _home_after_login())
    form = forms.LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong e-mail address or password."))
        elif not user.is_verified:
            services.send_verification(user)
            db.session.commit()
            flash(_("Confirm your e-mail address first. We have sent you a new link."), "info")
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(target if is_safe_redirect(target) else _home_after_login())
    return render_template("lms/accounts/login.html", form=form, next=target), _form_status(form)


@bp.post("/logout")
def logout():
    """Log out (a POST with CSRF, so no other site can log you out)."""
    forms.ConfirmForm()  # CSRF is checked globally; the form documents the intent
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("lms_core.home"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_limit("LMS_RESET_RATE_LIMIT"), methods=["POST"])
def forgot_password():
    """Mail a reset link; the answer is the same whether or not the e-mail has an account."""
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("lms/accounts/check_email.html", email=form.email.data)
    return render_template("lms/accounts/forgot_password.html", form=form), _form_status(form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("LMS_RESET_RATE_LIMIT"), methods=["POST"])
def reset_password(token: str):
    """Choose a new password from a single-use, time-limited link."""
    if not services.peek_token(token, "reset_password"):
        return render_template("lms/accounts/reset_invalid.html"), 404
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password(token, form.password.data)
        db.session.commit()
        if user is None:
            return render_template("lms/accounts/reset_invalid.html"), 404
        logout_user()
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for(".login"))
    return (
        render_template("lms/accounts/reset_password.html", form=form, token=token),
        _form_status(form),
    )


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Show and edit the profile; list the API tokens."""
    form = forms.ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            name=form.name.data,
            organisation=form.organisation.data or "",
            job_title=form.job_title.data or "",
            language=form.language.data,
        )
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for(".profile"))
    return _render_profile(_form_status(form), form=form)


def _render_profile(status: int = 200, **forms_in_use):
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()
    context = {
        "form": forms.ProfileForm(obj=current_user, formdata=None),
        "password_form": forms.ChangePasswordForm(formdata=None),
        "email_form": forms.ChangeEmailForm(formdata=None),
        "token_form": forms.ApiTokenForm(formdata=None),
        "revoke_form": forms.ConfirmForm(formdata=None),
        "tokens": tokens,
        **forms_in_use,
    }
    return render_template("lms/accounts/profile.html", **context), status


@bp.post("/profile/password")
@login_required
def change_password():
    """Change the password; other sessions end, this one stays logged in."""
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError:
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            db.session.commit()
            # Re-issue this session (and a remember cookie, if it had one) under the new
            # auth_version; pass the real user, not the proxy, or Flask-Login recurses.
            cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(current_user._get_current_object(), remember=cookie in request.cookies)
            flash(_("Your password is changed."), "success")
            return redirect(url_for(".profile", _anchor="main"))
    return _render_profile(400, password_form=form)


@bp.post("/profile/email")
@login_required
def change_email():
    """Start an e-mail change: a link goes to the new address."""
    form = forms.ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(
                current_user, form.email_password.data, form.new_email.data
            )
        except services.AccountError as error:
            field = form.email_password if error.code == "wrong_password" else form.new_email
            message = (
                _("The current password is wrong.")
                if error.code == "wrong_password"
                else _("That is already your e-mail address.")
            )
            field.errors.append(message)
        else:
            db.session.commit()
            flash(_("Open the link we sent to the new address to finish the change."), "info")
            return redirect(url_for(".profile", _anchor="main"))
    return _render_profile(400, email_form=form)


@bp.get("/profile/email/confirm/<token>")
def confirm_email(token: str):
    """Finish an e-mail change from the link sent to the new address."""
    user = services.confirm_email_change(token)
    db.session.commit()
    if user is None:
        flash(_("That confirmation link is not valid any more."), "error")
    else:
        flash(_("Your e-mail address is changed."), "success")
    return redirect(url_for(".profile" if current_user.is_authenticated else ".login"))


@bp.post("/profile/tokens")
@login_required
def create_token():
    """Create a personal API token and show its secret once."""
    form = forms.ApiTokenForm()
    if not form.validate_on_submit():
        return _render_profile(400, token_form=form)
    token, raw = services.create_api_token(current_user, form.token_name.data)
    db.session.commit()
    response, _status = _render_profile(new_token=raw, new_token_name=token.name)
    return response, 201, {"Cache-Control": "no-store"}


@bp.post("/profile/tokens/<lms_id:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of your own tokens; anyone else's is a 404."""
    forms.ConfirmForm()
    if not services.revoke_api_token(current_user, token_id):
        abort(404)
    db.session.commit()
    flash(_("The token is revoked."), "success")
    return redirect(url_for(".profile"))
