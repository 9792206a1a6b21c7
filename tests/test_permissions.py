"""The authorization matrix: every route × anonymous / participant / instructor /
organiser / admin, and the status each must get.

Every route the app has must appear here (``test_matrix_covers_every_route``), so
a new page cannot ship without someone deciding who may use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from accounts_support import csrf_token
from conference_build_matrix import CONFERENCE_BUILD_ROUTES, conference_build_fixtures
from factories import at_ten_in_oslo, year_like
from learning_authoring_matrix import AUTHORING_ROUTES, authoring_fixtures

from lms.accounts import services
from lms.extensions import db

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2031 = year_like(2031)

ROLES = ("anonymous", "participant", "instructor", "organiser", "admin")
LOGIN = "login"  # a 302 to the login page
NEW_PASSWORD = "a long enough password"


@dataclass(frozen=True)
class Route:
    method: str
    endpoint: str
    path: str  # ``{user}``, ``{token}``, ``{mail}`` are filled from the fixtures
    expect: tuple  # one entry per ROLES
    data: dict = field(default_factory=dict)


def everyone(status):
    return (status,) * 5


def members(status, anonymous=LOGIN):
    return (anonymous, status, status, status, status)


def managers(status):
    """Organisers and admins; the instructor in the matrix teaches something else."""
    return (LOGIN, 403, 403, status, status)


def admins_only(status):
    return (LOGIN, 403, 403, 403, status)


MATRIX = [
    Route("GET", "lms_core.home", "/", everyone(200)),
    Route("GET", "lms_core.healthz", "/healthz", everyone(200)),
    Route("GET", "lms_core.favicon", "/favicon.ico", everyone(301)),
    Route("POST", "lms_core.set_language", "/language", everyone(302), {"language": "nb"}),
    Route("GET", "lms_accounts.signup", "/signup", (200, 302, 302, 302, 302)),
    Route(
        "POST",
        "lms_accounts.signup",
        "/signup",
        (200, 302, 302, 302, 302),
        {"email": "new@example.no", "name": "New", "language": "nb"}
        | {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    Route("GET", "lms_accounts.verify", "/verify/not-a-token", everyone(302)),
    Route("GET", "lms_accounts.login", "/login", (200, 302, 302, 302, 302)),
    Route(
        "POST",
        "lms_accounts.login",
        "/login",
        (400, 302, 302, 302, 302),
        {"email": "nobody@example.no", "password": "wrong"},
    ),
    Route("POST", "lms_accounts.logout", "/logout", everyone(302)),
    Route("GET", "lms_accounts.forgot_password", "/forgot-password", everyone(200)),
    Route(
        "POST",
        "lms_accounts.forgot_password",
        "/forgot-password",
        everyone(200),
        {"email": "nobody@example.no"},
    ),
    Route("GET", "lms_accounts.reset_password", "/reset-password/not-a-token", everyone(404)),
    Route(
        "POST",
        "lms_accounts.reset_password",
        "/reset-password/not-a-token",
        everyone(404),
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    Route("GET", "lms_accounts.profile", "/profile", members(200)),
    Route(
        "POST", "lms_accounts.profile", "/profile", members(302), {"name": "X", "language": "nb"}
    ),
    Route(
        "POST",
        "lms_accounts.change_password",
        "/profile/password",
        members(400),
        {"current_password": "wrong password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    Route(
        "POST",
        "lms_accounts.change_email",
        "/profile/email",
        members(400),
        {"new_email": "x@example.no", "email_password": "wrong password"},
    ),
    Route("GET", "lms_accounts.confirm_email", "/profile/email/confirm/not-a-token", everyone(302)),
    Route(
        "POST", "lms_accounts.create_token", "/profile/tokens", members(201), {"token_name": "t"}
    ),
    Route("POST", "lms_accounts.revoke_token", "/profile/tokens/{token}/revoke", members(404)),
    Route("GET", "lms_admin.users", "/admin/users", admins_only(200)),
    Route("GET", "lms_admin.user_roles", "/admin/users/{user}", admins_only(200)),
    Route(
        "POST",
        "lms_admin.user_roles",
        "/admin/users/{user}",
        admins_only(302),
        {"roles": ["instructor"]},
    ),
    Route("GET", "lms_admin.mail", "/admin/mail", admins_only(200)),
    Route("GET", "lms_admin.mail_message", "/admin/mail/{mail}", admins_only(200)),
    Route("GET", "lms_api.me", "/api/v1/me", members(200, anonymous=401)),
    Route("GET", "lms_api.tokens", "/api/v1/tokens", members(200, anonymous=401)),
    Route("DELETE", "lms_api.revoke_token", "/api/v1/tokens/{token}", members(404, anonymous=401)),
    # The events API; the full role matrix with a real offering is in test_api_events.py.
    Route("GET", "lms_api.events", "/api/v1/events", members(200, anonymous=200)),
    Route("GET", "lms_api.event", "/api/v1/events/999999", members(404, anonymous=404)),
    Route(
        "POST",
        "lms_api.register",
        "/api/v1/events/999999/registrations",
        members(404, anonymous=401),
    ),
    Route(
        "DELETE",
        "lms_api.unregister",
        "/api/v1/events/999999/registrations/me",
        members(404, anonymous=401),
    ),
    Route(
        "GET", "lms_api.my_registrations", "/api/v1/me/registrations", members(200, anonymous=401)
    ),
    Route(
        "GET",
        "lms_api.event_registrations",
        "/api/v1/events/999999/registrations",
        members(404, anonymous=401),
    ),
    # Learning: a published module's files are public; a draft's only for its editors.
    Route(
        "GET", "lms_learning.attachment", "/learning/{module_slug}/files/clauses.txt", everyone(200)
    ),
    Route(
        "GET",
        "lms_learning.attachment",
        "/learning/{draft_slug}/files/clauses.txt",
        (404, 404, 404, 200, 200),
    ),
    # The learning API; the roles on a real module and attempt are in test_api_learning.py.
    Route("GET", "lms_api.modules", "/api/v1/modules", members(200, anonymous=200)),
    Route("GET", "lms_api.module", "/api/v1/modules/999999", members(404, anonymous=404)),
    Route(
        "POST",
        "lms_api.start_attempt",
        "/api/v1/quizzes/999999/attempts",
        members(404, anonymous=401),
    ),
    Route("GET", "lms_api.attempt", "/api/v1/attempts/999999", members(404, anonymous=401)),
    Route(
        "PUT",
        "lms_api.save_answers",
        "/api/v1/attempts/999999/answers",
        members(404, anonymous=401),
    ),
    Route(
        "POST",
        "lms_api.submit_attempt",
        "/api/v1/attempts/999999/submit",
        members(404, anonymous=401),
    ),
    Route("GET", "lms_api.my_results", "/api/v1/me/results", members(200, anonymous=401)),
    # Calendar: downloads are public except drafts; a feed token is the only key it needs.
    Route("GET", "lms_calendar.offering_ics", "/events/{offering}/calendar.ics", everyone(200)),
    Route(
        "GET",
        "lms_calendar.offering_ics",
        "/events/{draft}/calendar.ics",
        (404, 404, 404, 200, 200),
    ),
    Route("GET", "lms_calendar.personal_feed", "/calendar/{feed}.ics", everyone(200)),
    Route("GET", "lms_calendar.personal_feed", "/calendar/{user}-0000.ics", everyone(404)),
    Route(
        "GET", "lms_calendar.network_feed", "/calendar/{feed}/networks/{network}.ics", everyone(404)
    ),
    Route("GET", "lms_calendar.my_calendar", "/me/calendar", members(200)),
    Route("POST", "lms_calendar.reset_feed", "/me/calendar/reset", members(302)),
    # Registrations: a participant's own pages; someone else's registration is not found.
    Route("GET", "lms_registrations.register", "/events/{reg_offering}/register", members(200)),
    Route("POST", "lms_registrations.register", "/events/{reg_offering}/register", members(302)),
    Route("GET", "lms_registrations.home", "/me", members(200)),
    Route("GET", "lms_registrations.mine", "/me/registrations", members(200)),
    Route(
        "GET", "lms_registrations.cancel", "/me/registrations/{registration}/cancel", members(404)
    ),
    Route(
        "POST", "lms_registrations.cancel", "/me/registrations/{registration}/cancel", members(404)
    ),
    Route(
        "POST", "lms_registrations.accept", "/me/registrations/{registration}/accept", members(404)
    ),
    # Managing participants: organisers (and the offering's own instructors, not others).
    *[
        Route(
            method,
            f"lms_registrations.{endpoint}",
            f"/manage/offerings/{{reg_offering}}{path}",
            managers(status),
            data,
        )
        for method, endpoint, path, status, data in (
            ("GET", "participants", "/participants", 200, {}),
            ("POST", "decide", "/participants/{registration}/decide", 302, {"decision": "approve"}),
            ("POST", "promote", "/participants/{registration}/promote", 302, {}),
            ("POST", "move", "/participants/{registration}/move", 302, {"position": "1"}),
            ("POST", "cancel_participant", "/participants/{registration}/cancel", 302, {}),
            ("GET", "cancel_participant", "/participants/{registration}/cancel", 200, {}),
            (
                "POST",
                "bulk_action",
                "/participants/bulk",
                302,
                {"action": "message"},  # nobody ticked: back to the list with a message
            ),
            ("POST", "capacity", "/capacity", 302, {"capacity": "5"}),
            ("GET", "log", "/log", 200, {}),
            ("GET", "export", "/participants.csv", 200, {}),
            ("GET", "export", "/participants.xlsx", 200, {}),
            ("GET", "import_csv", "/import", 200, {}),
            ("POST", "import_csv", "/import", 400, {}),
            ("GET", "message", "/message", 200, {}),
            (
                "POST",
                "message",
                "/message",
                200,  # the preview
                {"subject": "Hei", "text": "Velkommen", "audience": "places"},
            ),
            ("GET", "check_in", "/check-in", 200, {}),
            ("POST", "mark_attendance", "/check-in/{registration}", 302, {"attended": "yes"}),
            (
                "POST",
                "mark_session",
                "/check-in/{registration}/sessions/{reg_session}",
                302,  # check-in has not opened: back to the list with a message
                {"present": "yes"},
            ),
            ("GET", "attendance_list", "/attendance-list", 200, {}),
        )
    ],
    # Learning: progress, course rules and certificates ({certificate} is someone else's,
    # of a module the matrix's instructor does not teach).
    Route("GET", "lms_learning.my_learning", "/me/learning", members(200)),
    Route(
        "GET",
        "lms_learning.course_rule",
        "/manage/learning/courses/{reg_offering}/rule",
        managers(200),
    ),
    Route(
        "POST",
        "lms_learning.course_rule",
        "/manage/learning/courses/{reg_offering}/rule",
        managers(302),
        {"min_attendance_percent": "50"},
    ),
    Route(
        "GET",
        "lms_learning.certificate_download",
        "/me/certificates/{certificate}.pdf",
        (LOGIN, 404, 404, 200, 200),
    ),
    Route("GET", "lms_learning.verify_certificate", "/certificates/{certificate}", everyone(200)),
    Route(
        "GET",
        "lms_learning.verify_certificate",
        "/certificates/AAAAAAAAAAAAAAAAAAAAAA",
        everyone(404),
    ),
    Route(
        "GET",
        "lms_learning.revoke_certificate",
        "/certificates/{certificate}/revoke",
        (LOGIN, 404, 404, 200, 200),
    ),
    Route(
        "POST",
        "lms_learning.revoke_certificate",
        "/certificates/{certificate}/revoke",
        (LOGIN, 404, 404, 302, 302),
        {"reason": "Feil person"},
    ),
    # Events: the catalogue and pages; managing offerings (organisers, and instructors of
    # their own offerings — the matrix's instructor teaches none); networks.
    # Learning results: organisers, and a module's own instructors (the matrix's teaches none).
    *[
        Route(method, f"lms_learning.{endpoint}", f"/manage/learning{path}", managers(status), data)
        for method, endpoint, path, status, data in (
            ("GET", "quiz_results", "/quizzes/{quiz}/results", 200, {}),
            ("GET", "learner_results", "/quizzes/{quiz}/results/{user}", 200, {}),
            ("GET", "export_results", "/quizzes/{quiz}/results.csv", 200, {}),
            ("GET", "export_results", "/quizzes/{quiz}/results.xlsx", 200, {}),
            ("POST", "grade_essay", "/essays/{essay}", 400, {}),  # no score: the form's error
            ("GET", "regrade_question", "/questions/{question}/regrade", 200, {}),
            ("POST", "regrade_question", "/questions/{question}/regrade", 302, {}),
            ("GET", "quiz_time", "/quizzes/{quiz}/time", 200, {}),
            ("POST", "grant_quiz_time", "/quizzes/{quiz}/time", 400, {}),  # nobody chosen
            ("POST", "remove_quiz_time", "/quizzes/{quiz}/time/{user}/delete", 302, {}),
        )
    ],
    # The queue is every grader's (an instructor sees their own modules' essays: none).
    Route(
        "GET", "lms_learning.essay_queue", "/manage/learning/essays", (LOGIN, 403, 200, 200, 200)
    ),
    # The results overview: every grader's (an instructor sees their own modules' quizzes).
    Route(
        "GET",
        "lms_learning.results_overview_page",
        "/manage/learning/results",
        (LOGIN, 403, 200, 200, 200),
    ),
    Route(
        "GET", "lms_api.quiz_results", "/api/v1/quizzes/{quiz}/results", (401, 403, 403, 200, 200)
    ),
    Route("GET", "lms_events.catalogue", "/events", everyone(200)),
    Route("GET", "lms_events.detail", "/events/{offering}", everyone(200)),
    Route("GET", "lms_events.detail", "/events/{draft}", (404, 404, 404, 200, 200)),
    Route("GET", "lms_events.manage_list", "/manage/offerings", (LOGIN, 403, 200, 200, 200)),
    # The overview: everyone who manages offerings (an instructor sees their own).
    Route("GET", "lms_registrations.overview", "/manage", (LOGIN, 403, 200, 200, 200)),
    Route("GET", "lms_events.manage_new", "/manage/offerings/new", managers(200)),
    Route("POST", "lms_events.manage_new", "/manage/offerings/new", managers(400)),
    Route("GET", "lms_events.manage_edit", "/manage/offerings/{offering}", managers(200)),
    Route("POST", "lms_events.manage_edit", "/manage/offerings/{offering}", managers(400)),
    Route("POST", "lms_events.manage_publish", "/manage/offerings/{draft}/publish", managers(302)),
    Route("POST", "lms_events.manage_cancel", "/manage/offerings/{offering}/cancel", managers(302)),
    Route(
        "GET",
        "lms_events.manage_cancel_confirm",
        "/manage/offerings/{offering}/cancel",
        managers(200),
    ),
    Route("GET", "lms_events.manage_delete", "/manage/offerings/{draft}/delete", managers(200)),
    Route("POST", "lms_events.manage_delete", "/manage/offerings/{draft}/delete", managers(302)),
    Route(
        "POST", "lms_events.manage_archive", "/manage/offerings/{offering}/archive", managers(302)
    ),
    Route(
        "POST",
        "lms_events.manage_duplicate",
        "/manage/offerings/{offering}/duplicate",
        managers(302),
        {"weeks": "52"},
    ),
    Route("GET", "lms_events.networks", "/networks", everyone(200)),
    Route("GET", "lms_events.network_detail", "/networks/{network}", everyone(200)),
    Route("POST", "lms_events.network_join", "/networks/{network}/join", members(302)),
    Route("POST", "lms_events.network_leave", "/networks/{network}/leave", members(404)),
    Route("GET", "lms_events.network_leave_confirm", "/networks/{network}/leave", members(404)),
    Route("GET", "lms_events.manage_networks", "/manage/networks", managers(200)),
    Route("POST", "lms_events.manage_networks", "/manage/networks", managers(400)),
    Route("GET", "lms_events.manage_network", "/manage/networks/{network}", managers(200)),
    Route(
        "POST",
        "lms_events.manage_network_generate",
        "/manage/networks/{network}/meetings",
        managers(400),
    ),
    Route(
        "POST",
        "lms_events.manage_network_member",
        "/manage/networks/{network}/members/{user}/approve",
        managers(302),
    ),
    Route(
        "POST",
        "lms_events.manage_network_member",
        "/manage/networks/{network}/members/{user}/remove",
        managers(302),
    ),
    Route(
        "POST",
        "lms_events.manage_network_settings",
        "/manage/networks/{network}/settings",
        managers(400),
    ),
    Route(
        "POST",
        "lms_events.manage_network_move",
        "/manage/networks/{network}/meetings/{meeting}/move",
        managers(302),
        {"day": f"{Y2031}-01-14", "start": "09:00"},
    ),
    Route(
        "POST",
        "lms_events.manage_network_skip",
        "/manage/networks/{network}/meetings/{meeting}/skip",
        managers(302),
    ),
    Route(
        "GET",
        "lms_events.manage_network_remove_confirm",
        "/manage/networks/{network}/members/{user}/remove",
        managers(404),  # {user} only asked to join: there is nothing to remove
    ),
    Route(
        "GET",
        "lms_events.manage_network_skip_confirm",
        "/manage/networks/{network}/meetings/{meeting}/skip",
        managers(200),
    ),
    # Learning, participants' pages: anyone reads published modules and lessons; quizzes
    # and attempts need login, and another person's attempt is not found.
    Route("GET", "lms_learning.modules", "/learning", everyone(200)),
    Route("GET", "lms_learning.module", "/learning/{learner_module}", everyone(200)),
    Route(
        "GET", "lms_learning.lesson", "/learning/{learner_module}/lessons/lesson-1", everyone(200)
    ),
    Route("GET", "lms_learning.quiz", "/learning/{learner_module}/quizzes/quiz", members(200)),
    Route(
        "POST", "lms_learning.start", "/learning/{learner_module}/quizzes/quiz/start", members(302)
    ),
    Route("GET", "lms_learning.attempt", "/learning/attempts/{attempt}", members(404)),
    Route("POST", "lms_learning.attempt", "/learning/attempts/{attempt}", members(404)),
    Route("GET", "lms_learning.submit", "/learning/attempts/{attempt}/submit", members(404)),
    Route("POST", "lms_learning.submit", "/learning/attempts/{attempt}/submit", members(404)),
    Route("GET", "lms_learning.review", "/learning/attempts/{attempt}/review", members(404)),
    # Authoring modules (tests/learning_authoring_matrix.py).
    *[Route(m, f"lms_learning.{e}", p, x, d) for m, e, p, x, d in AUTHORING_ROUTES],
    # The conference programme builder (tests/conference_build_matrix.py).
    *[Route(m, f"lms_conference.{e}", p, x, d) for m, e, p, x, d in CONFERENCE_BUILD_ROUTES],
    # Learning: a module's GIFT import and download, for organisers and the module's own
    # instructors (the matrix's instructor teaches another module; the module's own
    # instructor is tested in test_learning_gift_pages.py).
    Route(
        "GET", "lms_learning.gift_import", "/manage/learning/modules/{module}/gift", managers(200)
    ),
    Route(
        "POST",
        "lms_learning.gift_import",
        "/manage/learning/modules/{module}/gift",
        managers(302),
        {"text": "::matrix::A statement.{T}", "quiz": ""},
    ),
    Route(
        "GET",
        "lms_learning.gift_export",
        "/manage/learning/modules/{module}/questions.gift",
        managers(200),
    ),
    # The conference's door: registering, check-in, badges, speakers (_door_fixtures).
    Route("GET", "lms_conference.register", "/conferences/{door_conf}/register", members(200)),
    Route("POST", "lms_conference.register", "/conferences/{door_conf}/register", members(400)),
    Route(
        "GET", "lms_conference.check_in", "/manage/conferences/{door_conf}/check-in", managers(200)
    ),
    Route(
        "POST",
        "lms_conference.check_in",
        "/manage/conferences/{door_conf}/check-in",
        managers(404),
        {"code": "ZZZZZZZZ"},
    ),
    Route(
        "GET",
        "lms_conference.badges_pdf",
        "/manage/conferences/{door_conf}/badges.pdf",
        managers(200),
    ),
    Route(
        "POST",
        "lms_conference.invite_speaker",
        "/manage/conferences/{door_conf}/speakers/{door_speaker}/invite",
        managers(302),
    ),
    Route(
        "GET",
        "lms_conference.confirm_speaker",
        "/conferences/speaker-invitations/not-a-token",
        members(404),
    ),
    Route(
        "POST",
        "lms_conference.confirm_speaker",
        "/conferences/speaker-invitations/not-a-token",
        members(404),
    ),
    Route(
        "GET",
        "lms_conference.speaker_profile",
        "/me/conference-speaker/{door_own_speaker}",
        members(404),
    ),
    Route(
        "POST",
        "lms_conference.speaker_profile",
        "/me/conference-speaker/{door_own_speaker}",
        members(404),
        {"name": "Not yours"},
    ),
    Route(
        "GET",
        "lms_conference.speaker_photo",
        "/conferences/{door_conf}/speakers/{door_own_speaker}/photo",
        everyone(200),
    ),
    # The conference's files and calendars page (public, from its release), the printer's
    # table (organisers) and its API (public like the catalogue).
    *[
        Route("GET", f"lms_conference.{endpoint}", f"/conferences/{{export_conference}}{path}", x)
        for endpoint, path, x in (
            ("schedule_ics", "/schedule.ics", everyone(200)),
            ("track_ics", "/tracks/{export_track}.ics", everyone(200)),
            ("session_ics", "/sessions/{export_item}.ics", everyone(200)),
            ("schedule_file", "/schedule.xml", everyone(200)),
            ("schedule_file", "/schedule.json", everyone(200)),
            ("calendars", "/calendars", everyone(200)),
        )
    ],
    *[
        Route(
            "GET",
            "lms_conference.programme_export",
            f"/manage/conferences/{{export_conference}}/programme.{fmt}",
            managers(200),
        )
        for fmt in ("csv", "xlsx")
    ],
    Route("GET", "lms_api.conferences", "/api/v1/conferences", members(200, anonymous=200)),
    Route(
        "GET",
        "lms_api.conference",
        "/api/v1/conferences/{export_conference}",
        members(200, anonymous=200),
    ),
    # The public programme (a published release): anyone reads it; stars and the agenda
    # need login. tests/conference_public_support.py makes the conference.
    *[Route("GET", f"lms_conference.{e}", f"/conferences/{{conf}}{p}", everyone(200))
      for e, p in (("programme", ""), ("item", "/items/{conf_item}"), ("speakers", "/speakers"),
                   ("speaker", "/speakers/{conf_speaker}"), ("changes", "/changes"),
                   ("changes_feed", "/changes.atom"))],
    Route("GET", "lms_conference.my_agenda", "/conferences/{conf}/agenda", members(200)),
    Route("POST", "lms_conference.star", "/conferences/{conf}/items/{conf_item}/star",
          members(302)),
    Route("POST", "lms_conference.unstar", "/conferences/{conf}/items/{conf_item}/unstar",
          members(302)),
]  # fmt: skip


def test_matrix_covers_every_route(app):
    in_app = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.endswith("static")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    in_matrix = {(route.method, route.endpoint) for route in MATRIX}
    assert in_app - in_matrix == set(), "add these routes to MATRIX"
    assert in_matrix - in_app == set(), "MATRIX names routes the app does not have"


@pytest.fixture
def someone_else(factory):
    """Another participant, with an API token and a mail in the outbox (none are ours)."""
    other = factory.user("someone.else@example.no")
    token, _raw = services.create_api_token(other, "theirs")
    services.request_password_reset(other.email)
    db.session.commit()
    from lms.mail.models import OutboxMessage

    mail = db.session.scalar(db.select(OutboxMessage))
    ids = {"user": other.id, "token": token.id, "mail": mail.id}
    return (
        ids
        | _calendar_fixtures(other)
        | _registration_fixtures(other)
        | _network_fixtures(other)
        | _learner_fixtures(other)
        | _learning_fixtures(other)
        | authoring_fixtures()
        | conference_build_fixtures()
        | _learning_results_fixtures(other)
        | _door_fixtures(other)
        | _conference_export_fixtures()
        | _conference_fixtures()
    )


def _door_fixtures(other) -> dict:
    """A conference open for registration, a speaker not yet invited, and ``other``'s own
    speaker profile with a photo."""
    import conference_door_support as door

    from lms.conference.models import Speaker
    from lms.conference.speakers import clean_photo

    organiser = services.create_user("door.organiser@example.no", "pw", "D", roles=("organiser",))
    conference = door.conference(organiser, slug="door-conf")
    invited = door.speaker(conference, email="invited.speaker@example.no")
    photo, photo_type = clean_photo("p.png", _tiny_png())
    own = Speaker(
        conference_id=conference.id,
        name="Other",
        user_id=other.id,
        photo=photo,
        photo_type=photo_type,
    )
    db.session.add(own)
    db.session.commit()
    return {"door_conf": conference.slug, "door_speaker": invited.id, "door_own_speaker": own.id}


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="PNG")
    return out.getvalue()


def _conference_export_fixtures() -> dict:
    """A conference with one release (tests/conference_export_support.py)."""
    from conference_export_support import db_programme, publish

    programme = db_programme(slug="matrisekonferansen-2031")
    publish(programme)
    return {
        "export_conference": programme.conference.slug,
        "export_track": programme.tracks[0].slug,
        "export_item": programme.items[0].id,
    }


def _learner_fixtures(other) -> dict:
    """A published module with lessons and a quiz (nobody in the matrix teaches it), and
    ``other``'s attempt at the quiz."""
    from learning_support import make_module

    from lms.learning.attempts import start_attempt

    module = make_module()
    attempt = start_attempt(other, module.quizzes[0].id)
    db.session.commit()
    return {"learner_module": module.slug, "attempt": attempt.id}


def _learning_fixtures(other) -> dict:
    """A published module taught by an instructor who is none of the matrix's visitors,
    completed by ``other`` (with their certificate), and a draft nobody teaches; each has
    a file."""
    from learning_support import make_module
    from progress_support import submit, view_lessons

    from lms.learning.attachments import store_attachment
    from lms.learning.certificates import issue_certificates_if_complete

    teacher = services.create_user("module.teacher@example.no", "pw", "T", roles=("instructor",))
    module = make_module(instructor=teacher)
    draft = make_module(published=False)
    for each in (module, draft):
        store_attachment(each, "clauses.txt", b"Kontraktsvilk\xc3\xa5r")
    view_lessons(other, module)
    submit(other, module, passed=True)
    [certificate] = issue_certificates_if_complete(other, module.id)
    db.session.commit()
    return {
        "module": module.id,
        "module_slug": module.slug,
        "draft_slug": draft.slug,
        "certificate": certificate.code,
    }


def _learning_results_fixtures(other) -> dict:
    """A module nobody in the matrix teaches, where ``other`` submitted an attempt whose
    essay waits for grading."""
    from learning_results_support import WITH_ESSAY, right_answers, submit_attempt
    from learning_support import make_module

    from lms.learning.attempt_models import Answer, TimeAccommodation

    module = make_module(questions=WITH_ESSAY)
    attempt = submit_attempt(module, other, right_answers(WITH_ESSAY))
    essay = db.session.scalar(
        db.select(Answer.id).where(Answer.attempt_id == attempt.id, Answer.fraction.is_(None))
    )
    # ``other`` has more time on the quiz (the time page's delete button removes it).
    db.session.add(TimeAccommodation(quiz_id=module.quizzes[0].id, user_id=other.id, factor=2))
    db.session.commit()
    return {"quiz": module.quizzes[0].id, "essay": essay, "question": module.questions[0].id}


def _network_fixtures(other) -> dict:
    """A by-approval network where ``other`` waits, with one meeting."""
    from datetime import date, time

    from lms.events import networks
    from lms.events.models import Network, NetworkMembership

    network = Network(name="Nettverk", membership="approval", recurrence_rule="FREQ=MONTHLY")
    db.session.add(network)
    db.session.flush()
    db.session.add(NetworkMembership(network_id=network.id, user_id=other.id, status="pending"))
    organiser = services.create_user("net.organiser@example.no", "pw", "Org", roles=("organiser",))
    [meeting] = networks.generate_meetings(
        organiser, network, after=date(Y2031, 1, 1), start=time(9), minutes=60, count=1
    )
    db.session.commit()
    return {"network": network.id, "meeting": meeting.id}


def _registration_fixtures(other) -> dict:
    """An open offering with one place, held by ``other`` (so others join the list)."""
    from datetime import timedelta

    from lms.events.models import Offering, OfferingSession
    from lms.registrations import services as registrations

    start = at_ten_in_oslo(20)
    offering = Offering(kind="course", status="published", title="Kurs", capacity=1)
    offering.sessions.append(OfferingSession(starts_at=start, ends_at=start + timedelta(hours=2)))
    db.session.add(offering)
    db.session.commit()
    registration = registrations.register(other, offering.id)
    db.session.commit()
    return {
        "reg_offering": offering.id,
        "registration": registration.id,
        "reg_session": offering.sessions[0].id,
    }


def _calendar_fixtures(other) -> dict:
    """A published and a draft offering (nobody's as instructor), and ``other``'s feed token."""
    from datetime import timedelta

    from lms.calendar.feeds import feed_token
    from lms.events.models import Offering, OfferingSession

    start = at_ten_in_oslo(30)
    made = {}
    for key, status in (("offering", "published"), ("draft", "draft")):
        offering = Offering(kind="seminar", status=status, title=f"Seminar ({status})")
        offering.sessions.append(
            OfferingSession(starts_at=start, ends_at=start + timedelta(hours=2))
        )
        db.session.add(offering)
        db.session.flush()
        made[key] = offering.id
    db.session.commit()
    return made | {"feed": feed_token(other)}


def _conference_fixtures() -> dict:
    """A conference with a published release (tests/conference_public_support.py)."""
    from conference_public_support import item_named, make_conference, publish

    conference = make_conference()
    publish(conference)
    item = item_named(conference, "Åpning")
    return {"conf": conference.slug, "conf_item": item.id, "conf_speaker": item.speakers[0].id}


def _refused(expected) -> bool:
    return expected == LOGIN or expected >= 400


# Building the world is most of a case's time, so one world serves every request that
# must change nothing: each GET, and each refused request. A request that should succeed
# gets a world of its own, as what it changes may change the next answer.
UNCHANGING = [
    [route for route in MATRIX if route.method == "GET" or _refused(route.expect[index])]
    for index in range(len(ROLES))
]
CASES = [
    pytest.param(route, index, id=f"{route.method} {route.path} as {role}")
    for route in MATRIX
    for index, role in enumerate(ROLES)
    if route not in UNCHANGING[index]
]


def _log_in_as(factory, login, index) -> None:
    role = ROLES[index]
    if role != "anonymous":
        roles = () if role == "participant" else (role,)
        login(factory.user(f"{role}@example.no", roles=roles))


def _mismatch(client, route, index, ids) -> str | None:
    """Make ``route``'s request as ``ROLES[index]`` and say how the answer differs from
    the matrix, or None when it does not."""
    role = ROLES[index]
    path = route.path.format(**ids)
    token = csrf_token(client, "/login" if role == "anonymous" else "/")
    if route.method == "GET":
        response = client.get(path)
    elif route.endpoint.startswith("lms_api."):
        response = client.open(path, method=route.method, headers={"X-CSRFToken": token})
    else:
        response = client.open(path, method=route.method, data={"csrf_token": token, **route.data})

    expected = route.expect[index]
    got = f"{route.method} {path} as {role}: got {response.status_code}"
    if expected == LOGIN:
        where = response.headers.get("Location", "")
        if response.status_code == 302 and where.startswith("/login?next="):
            return None
        return f"{got} {where}, expected a 302 to log in"
    if response.status_code == expected:
        return None
    return f"{got}, expected {expected}: {response.get_data(as_text=True)[:300]}"


@pytest.mark.parametrize("index", range(len(ROLES)), ids=ROLES)
def test_authorization_matrix_where_nothing_changes(index, client, factory, login, someone_else):
    _log_in_as(factory, login, index)
    wrong = [_mismatch(client, route, index, someone_else) for route in UNCHANGING[index]]
    assert [each for each in wrong if each] == []


@pytest.mark.parametrize(("route", "index"), CASES)
def test_authorization_matrix(route, index, client, factory, login, someone_else):
    _log_in_as(factory, login, index)
    wrong = _mismatch(client, route, index, someone_else)
    assert wrong is None, wrong
