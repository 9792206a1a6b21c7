"""Speakers' pages: the organiser's invitation (a POST), the link the speaker opens to
confirm (signed in), the speaker's own profile with their items, and the public photo."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.accounts.permissions import role_required
from lms.conference import door_forms, speakers
from lms.conference.blueprint import bp
from lms.conference.models import Conference, Speaker
from lms.conference.published import conference_by_slug
from lms.conference.services import ConferenceError
from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.learning.attachments import AttachmentError

ERRORS = {
    "no_email": _l("The speaker has no e-mail address."),
    "already_confirmed": _l("The speaker has already confirmed."),
    "bad_token": _l("This invitation link is not valid (it may have been used already)."),
}
PHOTO_ERRORS = {
    "bad_type": _l("Use a PNG, JPEG or WebP image."),
    "too_large": _l("The photo is too large (at most 2 MB)."),
    "bad_image": _l("The file could not be read as an image."),
}


def _speaker_of(slug: str, speaker_id: int) -> Speaker:
    conference = conference_by_slug(slug)
    speaker = db.session.get(Speaker, speaker_id)
    if conference is None or speaker is None or speaker.conference_id != conference.id:
        abort(404)
    return speaker


@bp.post("/manage/conferences/<slug>/speakers/<lms_id:speaker_id>/invite")
@role_required("organiser")
def invite_speaker(slug: str, speaker_id: int):
    """Mail the speaker a single-use link to confirm their profile."""
    speaker = _speaker_of(slug, speaker_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        speakers.invite(current_user, speaker, current_user.language)
    except ConferenceError as error:
        db.session.rollback()
        flash(str(ERRORS[error.code]), "error")
    else:
        db.session.commit()
        flash(_("The invitation is on its way to %(email)s.", email=speaker.email), "success")
    return redirect(
        url_for(".manage_conference", conference_id=speaker.conference_id)
        + f"#speaker-{speaker.id}"
    )


@bp.route("/conferences/speaker-invitations/<token>", methods=["GET", "POST"])
@login_required
def confirm_speaker(token: str):
    """The invited speaker confirms, and their account is linked to the profile."""
    speaker = speakers.invited_speaker(token)
    if speaker is None:
        return render_template("lms/conference/speaker_invitation.html", speaker=None), 404
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            speaker = speakers.confirm(current_user, token)
        except ConferenceError as error:
            db.session.rollback()
            flash(str(ERRORS[error.code]), "error")
            return redirect(url_for("lms_core.home"))
        db.session.commit()
        flash(_("Thank you. You can now edit your speaker profile."), "success")
        return redirect(url_for(".speaker_profile", speaker_id=speaker.id))
    conference = db.session.get(Conference, speaker.conference_id)
    return render_template(
        "lms/conference/speaker_invitation.html", speaker=speaker, conference=conference, form=form
    ), (400 if form.is_submitted() else 200)


@bp.route("/me/conference-speaker/<lms_id:speaker_id>", methods=["GET", "POST"])
@login_required
def speaker_profile(speaker_id: int):
    """The speaker edits their own profile and sees their items and times."""
    try:
        speaker = speakers.own_speaker(current_user, speaker_id)
    except PermissionDenied:
        abort(404)
    form = door_forms.SpeakerProfileForm(obj=speaker)
    status = 200
    if form.validate_on_submit():
        upload = form.photo.data
        photo = None
        if upload and getattr(upload, "filename", ""):
            photo = (upload.filename, upload.read(speakers.MAX_PHOTO_BYTES + 1))
        try:
            speakers.update_profile(
                current_user,
                speaker.id,
                name=form.name.data,
                organisation=form.organisation.data or "",
                job_title=form.job_title.data or "",
                bio=form.bio.data or "",
                photo=photo,
                remove_photo=form.remove_photo.data,
            )
        except AttachmentError as error:
            db.session.rollback()
            form.photo.errors = [str(PHOTO_ERRORS.get(error.code, PHOTO_ERRORS["bad_image"]))]
            status = 400
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for(".speaker_profile", speaker_id=speaker.id))
    elif form.is_submitted():
        status = 400
    items, published = speakers.items_of(speaker)
    return render_template(
        "lms/conference/speaker_profile.html",
        speaker=speaker,
        speaker_slug=db.session.get(Conference, speaker.conference_id).slug,
        form=form,
        items=items,
        published=published,
    ), status


@bp.get("/conferences/<slug>/speakers/<lms_id:speaker_id>/photo")
def speaker_photo(slug: str, speaker_id: int):
    """The speaker's photo as stored (re-encoded), with its stored type."""
    speaker = _speaker_of(slug, speaker_id)
    if speaker.photo is None:
        abort(404)
    return Response(
        speaker.photo,
        mimetype=speaker.photo_type,
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )
