"""Organiser (and the offering's instructors') pages for an offering's participants: the
list with filters, approve, promote, reorder, cancel, capacity, the log, export, import,
check-in and the printable attendance list (messages are in ``message_views``, actions on
several people in ``bulk_views``). Routes hang on the registrations blueprint
(``lms_registrations.*``)."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.events.forms import QUESTION_LABELS
from lms.events.models import QUESTIONS, Offering
from lms.events.services import CapacityWarning
from lms.extensions import db
from lms.registrations import (
    exports,
    forms,
    imports,
    log_notes,
    manage,
    messages,
    services,
    session_attendance,
)
from lms.registrations.models import Registration
from lms.registrations.seats import seat_counts
from lms.registrations.services import RegistrationError
from lms.registrations.statuses import CANCELLABLE
from lms.registrations.views import bp, error_message


def _managed(offering_id: int) -> Offering:
    offering = db.get_or_404(Offering, offering_id)
    if not services.can_manage(current_user, offering):
        abort(403)
    return offering


def _registration_in(offering: Offering, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.offering_id != offering.id:
        abort(404)
    return registration


def _back(offering: Offering):
    return redirect(url_for(".participants", offering_id=offering.id, **_filter_args()))


def _filter_args() -> dict:
    return {k: v for k in ("status", "organisation_type", "q") if (v := request.args.get(k))}


def _filtered(offering: Offering, filters: forms.FilterForm):
    valid = filters.validate()
    return manage.participants(
        offering,
        status=filters.status.data if valid else "",
        organisation_type=filters.organisation_type.data if valid else "",
        query=(filters.q.data or "").strip() if valid else "",
    )


@bp.get("/manage/offerings/<lms_id:offering_id>/participants")
@login_required
def participants(offering_id: int):
    """Everyone registered, with filters, counts and what can be done to each."""
    offering = _managed(offering_id)
    filters = forms.FilterForm(request.args)
    separators = list(exports.SEPARATORS)
    if exports.csv_separator(str(get_locale())) != separators[0]:
        separators.reverse()  # the reader's own spreadsheet's first
    return render_template(
        "lms/registrations/participants.html",
        offering=offering,
        filters=filters,
        rows=_filtered(offering, filters),
        counts=seat_counts(offering),
        capacity_form=forms.CapacityForm(capacity=offering.capacity),
        filter_args=_filter_args(),
        questions=[(q, QUESTION_LABELS[q]) for q in QUESTIONS if q in offering.questions],
        cancellable=CANCELLABLE,
        can_record=manage.attendance_can_be_recorded(offering),
        separators=separators,
        sent=messages.sent_messages(offering),
    )


def _warning_page(template: str, **context):
    """A CapacityWarning handler that asks the organiser to confirm (409 Conflict)."""
    return lambda warning: (render_template(template, warning=warning, **context), 409)


def _attempt(operation, success: str, on_warning=None):
    """Run one organiser operation: commit and say ``success``, or roll back and say why.

    A ``CapacityWarning`` goes to ``on_warning`` (which renders the "are you sure?" page),
    and its response is returned; otherwise None, and the view redirects as it likes.
    """
    try:
        operation()
    except CapacityWarning as warning:
        if on_warning is None:
            raise
        db.session.rollback()
        return on_warning(warning)
    except RegistrationError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return None
    db.session.commit()
    flash(success, "success")
    return None


@bp.post("/manage/offerings/<lms_id:offering_id>/participants/<lms_id:registration_id>/decide")
@login_required
def decide(offering_id: int, registration_id: int):
    """Approve or decline a pending registration."""
    offering = _managed(offering_id)
    registration = _registration_in(offering, registration_id)
    decision = request.form.get("decision")
    if decision not in ("approve", "decline"):
        abort(400)  # never decline someone because a value went missing
    approve = decision == "approve"
    name = registration.user.name
    _attempt(
        lambda: manage.decide_pending(current_user, registration.id, approve=approve),
        _("%(name)s is approved.", name=name) if approve else _("%(name)s is declined.", name=name),
    )
    return _back(offering)


@bp.post("/manage/offerings/<lms_id:offering_id>/participants/<lms_id:registration_id>/promote")
@login_required
def promote(offering_id: int, registration_id: int):
    """Give someone a place; when no place is free, ask before going over capacity."""
    offering = _managed(offering_id)
    registration = _registration_in(offering, registration_id)
    confirmed = request.form.get("confirm") == "yes"
    warning_page = _warning_page(
        "lms/registrations/promote_warning.html", offering=offering, registration=registration
    )
    return _attempt(
        lambda: manage.promote_by_hand(
            current_user, registration.id, allow_over_capacity=confirmed
        ),
        _("%(name)s has a place.", name=registration.user.name),
        on_warning=warning_page,
    ) or _back(offering)


@bp.post("/manage/offerings/<lms_id:offering_id>/participants/<lms_id:registration_id>/move")
@login_required
def move(offering_id: int, registration_id: int):
    """Put a person at another place in the waiting list."""
    offering = _managed(offering_id)
    registration = _registration_in(offering, registration_id)
    form = forms.MoveForm()
    if not form.validate_on_submit():
        flash(_("Give a place in line as a whole number from 1."), "error")
        return _back(offering)
    _attempt(
        lambda: manage.move_in_waitlist(current_user, registration.id, form.position.data),
        _("%(name)s is moved.", name=registration.user.name),
    )
    return _back(offering)


@bp.route(
    "/manage/offerings/<lms_id:offering_id>/participants/<lms_id:registration_id>/cancel",
    methods=["GET", "POST"],
)
@login_required
def cancel_participant(offering_id: int, registration_id: int):
    """Cancel one person's registration (they are told by mail), after a page that asks
    (GET): it cannot be undone, and the seat may go to the next in line at once."""
    offering = _managed(offering_id)
    registration = _registration_in(offering, registration_id)
    if request.method == "GET":
        if registration.status not in CANCELLABLE:
            flash(error_message(RegistrationError("not_cancellable")), "error")
            return _back(offering)
        return render_template(
            "lms/registrations/cancel_participants.html",
            offering=offering,
            chosen=[registration],
            others=[],
            action=url_for(
                ".cancel_participant",
                offering_id=offering.id,
                registration_id=registration.id,
                **_filter_args(),
            ),
            ids=[],
        )
    note = log_notes.CANCELLED_BY_ORGANISER
    _attempt(
        lambda: services.cancel(current_user, registration.id, note=note),
        _("The registration of %(name)s is cancelled.", name=registration.user.name),
    )
    return _back(offering)


@bp.post("/manage/offerings/<lms_id:offering_id>/capacity")
@login_required
def capacity(offering_id: int):
    """Change the number of places; below the places held, ask first (nobody is dropped)."""
    offering = _managed(offering_id)
    form = forms.CapacityForm()
    if not form.validate_on_submit():
        flash(_("Give the number of places as a whole number from 0."), "error")
        return _back(offering)
    warning_page = _warning_page(
        "lms/registrations/capacity_warning.html", offering=offering, form=form
    )
    return _attempt(
        lambda: services.set_capacity(
            current_user, offering.id, form.capacity.data, allow_below_held=form.confirm.data
        ),
        _("The number of places is now %(n)s.", n=form.capacity.data),
        on_warning=warning_page,
    ) or _back(offering)


@bp.get("/manage/offerings/<lms_id:offering_id>/log")
@login_required
def log(offering_id: int):
    """Every change to the offering's registrations: who, when, from, to."""
    offering = _managed(offering_id)
    return render_template(
        "lms/registrations/log.html", offering=offering, entries=manage.registration_log(offering)
    )


@bp.get("/manage/offerings/<lms_id:offering_id>/participants.<any(csv, xlsx):fmt>")
@login_required
def export(offering_id: int, fmt: str):
    """The (filtered) participant list as a CSV or XLSX download."""
    offering = _managed(offering_id)
    rows = _filtered(offering, forms.FilterForm(request.args))
    name = f"participants-{offering.id}.{fmt}"
    if fmt == "csv":
        separator = request.args.get("sep")
        if separator not in exports.SEPARATORS:
            separator = exports.csv_separator(str(get_locale()))
        body, content_type = exports.to_csv(rows, separator), exports.CSV_TYPE
    else:
        body, content_type = exports.to_xlsx(rows, offering.title), exports.XLSX_TYPE
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/manage/offerings/<lms_id:offering_id>/import", methods=["GET", "POST"])
@login_required
def import_csv(offering_id: int):
    """Enrol people from a CSV keyed on e-mail (the export's columns): all rows or none."""
    offering = _managed(offering_id)
    form = forms.ImportForm()
    result, status = None, 200
    if form.validate_on_submit():
        content = form.file.data.read(current_app.config.get("MAX_CONTENT_LENGTH") or 2**22)
        try:
            result = imports.enrol_from_csv(
                current_user,
                offering.id,
                content,
                allow_over_capacity=form.allow_over_capacity.data,
            )
        except RegistrationError as error:
            form.file.errors.append(error_message(error))
        if result is not None and not result.errors:
            db.session.commit()
            flash(result.summary(), "success")
            return redirect(url_for(".participants", offering_id=offering.id))
        db.session.rollback()
        status = 400  # a bad file or bad rows are input errors, as on every form
    elif request.method == "POST":
        status = 400
    return render_template(
        "lms/registrations/import.html",
        offering=offering,
        form=form,
        result=result,
        import_is_open=imports.import_is_open(offering),
    ), status


def _chosen_session(offering: Offering):
    """The session the check-in page ticks: ``?session=<id>`` when it is one of the
    offering's that take place, else today's, else the first (None: no session)."""
    sessions = offering.active_sessions
    wanted = request.args.get("session", type=int)
    chosen = next((s for s in sessions if s.id == wanted), None)
    return chosen or session_attendance.default_session(sessions)


def _back_to_person(offering: Offering, registration: Registration, session_id: int | None):
    query = {"q": q} if (q := request.args.get("q", "")[:200]) else {}
    if session_id:
        query["session"] = session_id
    target = url_for(".check_in", offering_id=offering.id, **query)
    return redirect(f"{target}#person-{registration.id}")


@bp.get("/manage/offerings/<lms_id:offering_id>/check-in")
@login_required
def check_in(offering_id: int):
    """A phone-sized list of confirmed people: a check-in at the chosen session, and the
    offering's summary (attended / no-show)."""
    offering = _managed(offering_id)
    search = forms.CheckInSearchForm(request.args)
    query = (search.q.data or "").strip() if search.validate() else ""
    everyone = manage.confirmed_participants(offering)
    session = _chosen_session(offering)
    return render_template(
        "lms/registrations/check_in.html",
        offering=offering,
        search=search,
        query=query,
        everyone=everyone,
        registrations=manage.confirmed_participants(offering, query) if query else everyone,
        can_record=manage.attendance_can_be_recorded(offering),
        session=session,
        sessions=offering.active_sessions,
        here=session_attendance.checked_in_at(session.id) if session else set(),
    )


@bp.post("/manage/offerings/<lms_id:offering_id>/check-in/<lms_id:registration_id>")
@login_required
def mark_attendance(offering_id: int, registration_id: int):
    """Record attended or no-show (can be corrected), then back to the same person."""
    offering = _managed(offering_id)
    registration = _registration_in(offering, registration_id)
    answer = request.form.get("attended")
    if answer not in ("yes", "no"):
        abort(400)  # never record a no-show because a value went missing
    attended = answer == "yes"
    name = registration.user.name
    _attempt(
        lambda: manage.record_attendance(current_user, registration.id, attended=attended),
        _("%(name)s: attended.", name=name)
        if attended
        else _("%(name)s: did not come.", name=name),
    )
    return _back_to_person(offering, registration, request.args.get("session", type=int))


@bp.post(
    "/manage/offerings/<lms_id:offering_id>/check-in/<lms_id:registration_id>"
    "/sessions/<lms_id:session_id>"
)
@login_required
def mark_session(offering_id: int, registration_id: int, session_id: int):
    """Check a person in at one session (which also records them as attended), or take
    the check-in back; then back to the same person on the same session."""
    offering = _managed(offering_id)
    registration = _registration_in(offering, registration_id)
    session = next((s for s in offering.active_sessions if s.id == session_id), None)
    if session is None:
        abort(404)
    answer = request.form.get("present")
    if answer not in ("yes", "no"):
        abort(400)
    name = registration.user.name
    if answer == "yes":
        operation = session_attendance.check_in_session
        message = _("%(name)s is checked in.", name=name)
    else:
        operation = session_attendance.undo_check_in_session
        message = _("The check-in of %(name)s is taken back.", name=name)
    _attempt(lambda: operation(current_user, registration, session), message)
    return _back_to_person(offering, registration, session.id)


@bp.get("/manage/offerings/<lms_id:offering_id>/attendance-list")
@login_required
def attendance_list(offering_id: int):
    """A printable list of confirmed participants to sign."""
    offering = _managed(offering_id)
    return render_template(
        "lms/registrations/attendance_list.html",
        offering=offering,
        registrations=manage.confirmed_participants(offering),
    )
