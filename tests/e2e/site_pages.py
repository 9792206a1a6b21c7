"""Every page the LMS has, in one list, for the accessibility and layout tests.

Each entry says who looks (logged out, or a role) and how to get there: a path,
or an opener that sets up data through the app's services and drives the
browser to the page (a form in its error state, a page behind a mailed link).
``test_every_lms_page_is_listed`` fails when a GET route has no entry here, so
a new page cannot be forgotten: add it to ``PAGES`` when you add the route.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from factories import at_ten_in_oslo, make, year_like
from flask import Flask
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from lms.accounts import services
from lms.extensions import db
from lms.mail.models import OutboxMessage

from . import progress_pages as progress
from .conference_build_pages import CONFERENCE_BUILD_PAGES
from .conference_door_pages import DOOR_PAGES
from .conference_public_pages import CONFERENCE_PUBLIC_PAGES
from .learning_authoring_pages import AUTHORING_PAGES
from .learning_teaching_pages import TEACHING_PAGES

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2031 = year_like(2031)

ANONYMOUS = "anonymous"
ROLES = ("participant", "instructor", "organiser", "admin")
LANGUAGES = ("nb", "en")
PASSWORD = "a long browser test password"

# GET routes that are not pages a person reads, so need no entry in PAGES.
NOT_PAGES = {
    "lms_core.healthz": "JSON health check for load balancers",
    "lms_core.favicon": "a redirect to the SVG icon, not HTML",
    "lms_calendar.offering_ics": "an .ics calendar file, not HTML",
    "lms_calendar.personal_feed": "an .ics calendar feed, not HTML",
    "lms_calendar.network_feed": "an .ics calendar feed, not HTML",
    "lms_registrations.export": "a CSV or XLSX download, not HTML",
    "lms_learning.attachment": "a module's file (an image or a download), not HTML",
    "lms_learning.gift_export": "a GIFT (text) download, not HTML",
    "lms_learning.certificate_download": "a PDF certificate, not HTML",
    "lms_learning.export_results": "a CSV or XLSX download, not HTML",
    "lms_conference.badges_pdf": "a PDF of name badges, not HTML",
    "lms_conference.speaker_photo": "a speaker's photo (an image), not HTML",
    "lms_conference.schedule_ics": "an .ics calendar feed, not HTML",
    "lms_conference.track_ics": "an .ics calendar feed, not HTML",
    "lms_conference.session_ics": "an .ics calendar file, not HTML",
    "lms_conference.schedule_file": "a frab schedule (XML or JSON), not HTML",
    "lms_conference.programme_export": "a CSV or XLSX download, not HTML",
    "lms_conference.changes_feed": "an Atom feed (XML), not HTML",
}
NOT_PAGE_BLUEPRINTS = {"lms_api": "JSON API, no HTML"}

# A Norwegian compound longer than a 320 px screen is wide: in titles and names below, so
# every page is checked with the word that once made the catalogue scroll sideways.
LONG_WORD = "Leverandørkjedeansvarlighetsvurderingsseminar"

LINK_RE = re.compile(r"https?://\S+?/(?:verify|reset-password|profile/email/confirm)/[\w-]+")


@dataclass
class Visit:
    """What an opener works with: the browser page, the app, the visitor and language."""

    page: object  # playwright.sync_api.Page
    app: Flask
    lang: str
    user: object | None  # lms.accounts.models.User, or None when logged out
    visited: list[str] = field(default_factory=list)

    def goto(self, target: str, status: int = 200):
        """Open ``target`` (a path or a full URL) and check the final status."""
        response = self.page.goto(target)
        self.visited.append(urlsplit(target).path)
        assert response is not None and response.status == status, (
            f"GET {target}: expected {status}, got {response and response.status}"
        )
        return response

    def submit(self, form: str, fields: dict[str, str | bool], status: int = 200):
        """Fill ``fields`` (by element id) in the form matched by ``form`` and submit it."""
        for field_id, value in fields.items():
            if isinstance(value, bool):
                self.page.set_checked(f"#{field_id}", value)
            else:
                self.page.fill(f"#{field_id}", value)
        with self.page.expect_navigation() as navigation:
            self.page.locator(form).locator("button[type=submit]").first.click()
        response = navigation.value
        assert response is not None and response.status == status, (
            f"submitting {form}: expected {status}, got {response and response.status}"
        )
        return response

    def new_user(self, role: str = "participant", **kwargs):
        """A verified user in this visit's language (through the app's services)."""
        return make_user(role, self.lang, **kwargs)


_serial = itertools.count(1)


def unique_email(stem: str) -> str:
    """A fresh address (pages share a test's database until the test ends)."""
    return f"{stem}{next(_serial)}@example.no"


def make_user(
    role: str,
    lang: str,
    *,
    email: str | None = None,
    name: str | None = None,
    verified: bool = True,
):
    """Create and commit a user holding ``role`` (participant = no granted role)."""
    return make.user(
        email or unique_email(role),
        password=PASSWORD,
        name=name or f"{role.title()} Testperson",
        job_title="Innkjøper",
        language=lang,
        roles=() if role == "participant" else (role,),
        verified=verified,
    )


def mailed_link(to_address: str, kind: str) -> str:
    """The link in the newest ``kind`` mail queued for ``to_address``."""
    db.session.rollback()  # end any open read so rows the server committed are seen
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == to_address, OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no {kind} mail queued for {to_address}"
    match = LINK_RE.search(message.body_text)
    assert match, f"no link in the {kind} mail: {message.body_text!r}"
    return match.group(0)


def login(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form (the journey test does it by keyboard only)."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert urlsplit(page.url).path == "/me", f"login failed, still on {page.url}"


# --- openers: drive the browser to a page that needs data or a form submission -------------


def _gift_module(v: Visit):
    """A published module with a quiz, taught by the visitor unless an organiser."""
    from learning_support import make_module

    instructors = v.user if v.user and not v.user.has_role("organiser") else None
    return make_module(instructor=instructors, title=f"Modul {LONG_WORD}")


def gift_import_page(v: Visit) -> None:
    v.goto(f"/manage/learning/modules/{_gift_module(v).id}/gift")


def gift_import_with_errors(v: Visit) -> None:
    v.goto(f"/manage/learning/modules/{_gift_module(v).id}/gift")
    text = f"{LONG_WORD} uten svar.\n\n::to::Velg én.{{=a ~%-50%b}}"
    v.submit("main form", {"text": text}, status=400)


def login_with_errors(v: Visit) -> None:
    v.goto("/login")
    v.submit("main form", {"email": "not-an-e-mail", "password": ""}, status=400)


def signup_with_errors(v: Visit) -> None:
    v.goto("/signup")
    fields = {"email": "nobody@", "name": "", "password": "short", "confirm": "x"}
    v.submit("main form", fields, status=400)


def forgot_with_errors(v: Visit) -> None:
    v.goto("/forgot-password")
    v.submit("main form", {"email": ""}, status=400)


def check_email(v: Visit) -> None:
    v.goto("/forgot-password")
    v.submit("main form", {"email": "someone@example.no"})


def _reset_link(v: Visit) -> str:
    user = v.new_user()
    services.request_password_reset(user.email)
    db.session.commit()
    return mailed_link(user.email, "reset_password")


def reset_password(v: Visit) -> None:
    v.goto(_reset_link(v))


def reset_with_errors(v: Visit) -> None:
    v.goto(_reset_link(v))
    v.submit("main form", {"password": "short", "confirm": "different"}, status=400)


def verify_valid(v: Visit) -> None:
    """The mailed verification link: lands on the login page with a success message."""
    email = unique_email("new")
    services.sign_up(email, PASSWORD, "Ny Person", "Testkommune", "", v.lang)
    db.session.commit()
    v.goto(mailed_link(email, "verify_email"))


def profile_with_errors(v: Visit) -> None:
    v.goto("/profile")
    v.submit("form[action$='/profile']", {"name": ""}, status=400)


def password_with_errors(v: Visit) -> None:
    v.goto("/profile")
    fields = {"current_password": "wrong", "password": "short", "confirm": "different"}
    v.submit("form[action$='/profile/password#password-heading']", fields, status=400)


def email_with_errors(v: Visit) -> None:
    v.goto("/profile")
    fields = {"new_email": "not-an-e-mail", "email_password": ""}
    v.submit("form[action$='/profile/email#email-heading']", fields, status=400)


def new_token(v: Visit) -> None:
    """A token just made: its secret is shown once, and it is listed in the table."""
    v.goto("/profile")
    v.submit("form[action$='/profile/tokens#tokens-heading']", {"token_name": "Laptop"}, status=201)


def confirm_email_change(v: Visit) -> None:
    email = unique_email("moved")
    services.request_email_change(v.user, PASSWORD, email)
    db.session.commit()
    v.goto(mailed_link(email, "confirm_email_change"))


def conference_calendars(v: Visit) -> None:
    """A published conference's calendars page, with a track named by a long word."""
    from conference_export_support import db_programme, publish

    programme = db_programme(slug=f"kalender-{next(_serial)}")
    programme.tracks[0].name = LONG_WORD
    publish(programme)
    v.goto(f"/conferences/{programme.conference.slug}/calendars")


def long_user(v: Visit, role: str = "instructor"):
    """A user whose name, address and organisation are long, so narrow screens are tested
    with the words that break layouts (and unique, so several may exist)."""
    serial = next(_serial)
    user = services.create_user(
        f"kari.nordmann-hansen.innkjopsradgiver{serial}@bjornafjorden-kommune.example.no",
        PASSWORD,
        LONG_NAME,
        organisation="Bjørnafjorden kommune, helseforetaksinnkjøpssamordningsavdelingen",
        language=v.lang,
        roles=(role,),
        verified=True,
    )
    db.session.commit()
    return user


def admin_users(v: Visit) -> None:
    long_user(v)
    v.goto("/admin/users")


def admin_user_roles(v: Visit) -> None:
    v.goto(f"/admin/users/{long_user(v).id}")


def admin_user_roles_with_errors(v: Visit) -> None:
    """The last admin may not drop their own admin role: the form shows why."""
    v.goto(f"/admin/users/{v.user.id}")
    v.submit("main form", {"roles-2": False}, status=400)


def _queue_some_mail(v: Visit) -> OutboxMessage:
    user = long_user(v, "organiser")
    services.request_password_reset(user.email)
    db.session.commit()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


def admin_mail(v: Visit) -> None:
    _queue_some_mail(v)
    v.goto("/admin/mail")


def admin_mail_message(v: Visit) -> None:
    message = _queue_some_mail(v)
    v.goto(f"/admin/mail/{message.id}")


def calendar_feed_with_networks(v: Visit) -> None:
    """The feed page of a network member: each network's meeting feed is listed."""
    from lms.events.models import Network, NetworkMembership

    network = Network(name=f"{LONG_WORD}nettverket for bærekraftige anskaffelser")
    db.session.add(network)
    db.session.flush()
    db.session.add(NetworkMembership(network_id=network.id, user_id=v.user.id))
    db.session.commit()
    v.goto("/me/calendar")


def calendar_feed_reset(v: Visit) -> None:
    """The feed page after making a new address (the confirmation is shown)."""
    v.goto("/me/calendar")
    v.submit("form[action$='/me/calendar/reset']", {})


# --- registrations ---------------------------------------------------------------------------

LONG_NAME = "Kari Nordmann-Hansen Bjørnstad-Johannessen-Innkjøpsrådgiverkoordinatorsen"


def reg_offering(capacity: int = 2, instructors=(), **fields):
    """A published seminar two weeks ahead, with every question and a consent text."""
    return make.offering(
        f"{LONG_WORD}: menneskerettigheter og ILO-kjernekonvensjonene i leverandørkjeden",
        capacity=capacity,
        venue="Anskaffelseshuset, Oslo",
        questions=["dietary", "accessibility", "organisation_type"],
        consent_text="Vi lagrer navnet, organisasjonen og svarene dine til kurset er over.",
        instructors=instructors,
        **fields,
    )


def reg_people(v: Visit, offering, count: int, **answers):
    """Register ``count`` people with long names and addresses on ``offering``."""
    from lms.registrations import services as registrations

    people = []
    for _ in range(count):
        serial = next(_serial)
        user = make_user(
            "participant",
            v.lang,
            email=f"kari.nordmann-hansen.innkjopsradgiver{serial}@bjornafjorden-kommune.example.no",
            name=f"{LONG_NAME} {serial}",
        )
        registrations.register(user, offering.id, answers=answers, consent=True)
        db.session.commit()
        people.append(user)
    return people


def register_page(v: Visit) -> None:
    v.goto(f"/events/{reg_offering().id}/register")


def register_full(v: Visit) -> None:
    offering = reg_offering(capacity=1)
    reg_people(v, offering, 1)
    v.goto(f"/events/{offering.id}/register")


def register_with_errors(v: Visit) -> None:
    v.goto(f"/events/{reg_offering().id}/register")
    v.submit("main form", {"dietary": "Vegetar"}, status=400)  # consent not given


def my_registrations_full(v: Visit) -> None:
    _many_registrations(v)
    v.goto("/me/registrations")


def my_page_full(v: Visit) -> None:
    """The home after login with something in every part: an offer, next sessions, a
    place in line, one pending."""
    _many_registrations(v)
    v.goto("/me")


def _many_registrations(v: Visit) -> None:
    """An offer, a place, a place in line, one pending and one past with attendance."""
    from datetime import timedelta

    from lms.registrations import services as registrations
    from lms.registrations.manage import record_attendance
    from lms.timeutil import utcnow

    offer = reg_offering(capacity=1, waitlist_mode="offer")
    [first] = reg_people(v, offer, 1)
    for offering in (offer, reg_offering(), reg_offering(capacity=0)):
        registrations.register(v.user, offering.id, consent=True)
    registrations.register(v.user, reg_offering(requires_approval=True).id, consent=True)
    past = reg_offering()
    registrations.register(v.user, past.id, consent=True)
    db.session.commit()
    registrations.cancel(first, registrations.find_registration(first, offer.id).id)
    past.sessions[0].starts_at = utcnow() - timedelta(days=2)
    past.sessions[0].ends_at = utcnow() - timedelta(days=2) + timedelta(hours=1)
    organiser = make_user("organiser", v.lang)
    mine = registrations.find_registration(v.user, past.id)
    record_attendance(organiser, mine.id, attended=True)
    db.session.commit()


def cancel_confirm(v: Visit) -> None:
    from lms.registrations import services as registrations

    registration = registrations.register(v.user, reg_offering().id, consent=True)
    db.session.commit()
    v.goto(f"/me/registrations/{registration.id}/cancel")


def _busy_offering(v: Visit, **fields):
    """Three with places, two in line, one offered, one pending (after approval is set)."""
    offering = reg_offering(capacity=3, waitlist_mode="offer", **fields)
    people = reg_people(v, offering, 5, organisation_type="municipality", dietary="Glutenfri")
    from lms.registrations import services as registrations

    registrations.cancel(people[0], registrations.find_registration(people[0], offering.id).id)
    offering.requires_approval = True
    db.session.commit()
    reg_people(v, offering, 1)
    return offering


def participants_page(v: Visit) -> None:
    instructors = [v.user] if v.user and not v.user.has_role("organiser") else []
    offering = _busy_offering(v, instructors=instructors)
    v.goto(f"/manage/offerings/{offering.id}/participants")


def promote_warning(v: Visit) -> None:
    offering = _busy_offering(v)
    v.goto(f"/manage/offerings/{offering.id}/participants")
    v.submit("form[action$='/promote']", {}, status=409)


def capacity_warning(v: Visit) -> None:
    offering = _busy_offering(v)
    v.goto(f"/manage/offerings/{offering.id}/participants")
    v.submit("form[action$='/capacity']", {"capacity": "1"}, status=409)


def registration_log(v: Visit) -> None:
    v.goto(f"/manage/offerings/{_busy_offering(v).id}/log")


def import_page(v: Visit) -> None:
    v.goto(f"/manage/offerings/{reg_offering().id}/import")


def import_with_errors(v: Visit) -> None:
    v.goto(f"/manage/offerings/{reg_offering().id}/import")
    csv_text = "email,status\nnobody@example.no,confirmed\n,maybe\n"
    v.page.set_input_files(
        "#file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}]
    )
    with v.page.expect_navigation() as navigation:
        v.page.locator("main form button[type=submit]").first.click()
    assert navigation.value is not None and navigation.value.status == 400


def message_page(v: Visit) -> None:
    v.goto(f"/manage/offerings/{_busy_offering(v).id}/message")


def message_with_errors(v: Visit) -> None:
    v.goto(f"/manage/offerings/{reg_offering().id}/message")
    v.submit("main form", {"subject": "", "text": ""}, status=400)


def check_in_page(v: Visit) -> None:
    from registrations_support import begin_now

    from lms.registrations import services as registrations
    from lms.registrations.manage import record_attendance

    offering = reg_offering(capacity=3)
    people = reg_people(v, offering, 3)
    begin_now(offering)  # check-in day
    mine = registrations.find_registration(people[0], offering.id)
    record_attendance(make_user("organiser", v.lang), mine.id, attended=True)
    db.session.commit()
    v.goto(f"/manage/offerings/{offering.id}/check-in")


def attendance_list_page(v: Visit) -> None:
    offering = reg_offering(capacity=3)
    reg_people(v, offering, 3)
    v.goto(f"/manage/offerings/{offering.id}/attendance-list")


def participants_overbooked(v: Visit) -> None:
    """A place given by hand beyond the capacity: the list is flagged over-booked."""
    from lms.registrations import services as registrations
    from lms.registrations.manage import promote_by_hand

    offering = reg_offering(capacity=1)
    people = reg_people(v, offering, 2, dietary="Laktosefri")
    waiting = registrations.find_registration(people[1], offering.id)
    promote_by_hand(make_user("organiser", v.lang), waiting.id, allow_over_capacity=True)
    db.session.commit()
    v.goto(f"/manage/offerings/{offering.id}/participants")


def cancel_participant_page(v: Visit) -> None:
    from lms.registrations import services as registrations

    offering = reg_offering(capacity=3)
    [person] = reg_people(v, offering, 1)
    registration = registrations.find_registration(person, offering.id)
    v.goto(f"/manage/offerings/{offering.id}/participants/{registration.id}/cancel")


def bulk_cancel_page(v: Visit) -> None:
    """Two ticked on the list, then "cancel": the page that asks first."""
    offering = _busy_offering(v)
    v.goto(f"/manage/offerings/{offering.id}/participants")
    boxes = v.page.locator("input[name=selected]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    with v.page.expect_navigation() as navigation:
        v.page.locator("#bulk button[value=cancel]").click()
    assert navigation.value is not None and navigation.value.status == 200


def message_preview(v: Visit) -> None:
    v.goto(f"/manage/offerings/{_busy_offering(v).id}/message")
    v.submit("main form", {"subject": "Nytt rom", "text": "Vi er flyttet.\n\nVelkommen!"})


def check_in_closed(v: Visit) -> None:
    """Before the first day: the page says when check-in opens, and has no buttons."""
    offering = reg_offering(capacity=3)
    reg_people(v, offering, 2)
    v.goto(f"/manage/offerings/{offering.id}/check-in")


def attendance_list_sessions(v: Visit) -> None:
    """A course of three sessions: a signature column for each."""
    offering = reg_offering(capacity=3, sessions=3)
    reg_people(v, offering, 2)
    v.goto(f"/manage/offerings/{offering.id}/attendance-list")


def _event(v: Visit, *, capacity: int = 30, instructors=(), status: str = "published", **fields):
    """An offering with a long title, Markdown, two sessions and a speaker (events pages)."""
    values = {
        "kind": "course",
        "title": f"{LONG_WORD} om ILO-kjernekonvensjonene i leverandørkjeden for helse",
        "summary": "Aktsomhetsvurderinger og risikobasert oppfølging av leverandører.",
        "description_md": "## Program\n\n- Innledning\n- [Veileder](https://anskaffelser.no)",
        "themes": ["human_rights", "working_conditions"],
        "principles": [1, 2, 4],
        "venue": "Anskaffelseshuset",
        "address": "Postboks 7154 St. Olavs plass, 0130 Oslo",
        "online_url": "https://meet.example.no/menneskerettigheter-og-ilo-kjernekonvensjonene",
    }
    return make.offering(
        starts=at_ten_in_oslo(21),
        sessions=2,
        status=status,
        capacity=capacity,
        instructors=instructors or [long_user(v)],
        **(values | fields),
    )


def events_catalogue(v: Visit) -> None:
    _event(v)
    _event(v, capacity=0, online_url="")
    v.goto("/events")


def event_detail_full(v: Visit) -> None:
    """A full offering: the button offers the waiting list."""
    offering = _event(v, capacity=0)
    v.goto(f"/events/{offering.id}")


def event_detail_registered(v: Visit) -> None:
    from lms.registrations import services as registrations

    offering = _event(v)
    registrations.register(v.user, offering.id)
    db.session.commit()
    v.goto(f"/events/{offering.id}")


def manage_offerings(v: Visit) -> None:
    _event(v, status="draft", instructors=[v.user])
    v.goto("/manage/offerings")


def _list_network(v: Visit, meetings=(-10, 12, 40)):
    """A network with meetings past and coming, made as an organiser would see them."""
    from lms.events.models import Network

    network = Network(name="Nettverk for bærekraftige anskaffelser i kommunesektoren")
    db.session.add(network)
    db.session.commit()
    for days in meetings:
        make.offering(
            f"{network.name}: møte",
            starts=at_ten_in_oslo(days),
            kind="network_meeting",
            network_id=network.id,
        )
    return network


def manage_offerings_filtered(v: Visit) -> None:
    """The list searched and filtered, with a network folded in and a past offering."""
    _event(v)
    make.offering("Bærekraft i leverandørkjeden: erfaringer", starts=at_ten_in_oslo(-20))
    _list_network(v)
    v.goto("/manage/offerings?q=b%C3%A6rekraft&when=&status=published")


def manage_offerings_none(v: Visit) -> None:
    v.goto("/manage/offerings?q=nothing-matches&kind=course&theme=anti_corruption")


def manage_network_meetings(v: Visit) -> None:
    """One network's meetings one by one (the link from its folded row)."""
    v.goto(f"/manage/offerings?network={_list_network(v).id}")


def overview_page(v: Visit) -> None:
    """Everything the overview can show: a full seminar with a waiting list, a draft that
    starts soon, approvals waiting, an offered seat expiring, a failed mail (admins)."""
    from sqlalchemy import update

    from lms.registrations import services as registrations

    mine = [] if v.user.has_role("organiser") else [v.user]
    full = reg_offering(capacity=2, instructors=mine)
    reg_people(v, full, 3)
    make.offering(
        "Klimakrav i bygg- og anleggskontrakter (utkast)",
        starts=at_ten_in_oslo(9),
        status="draft",
        instructors=mine,
    )
    asks = reg_offering(requires_approval=True, instructors=mine)
    reg_people(v, asks, 2)
    offered = reg_offering(capacity=1, waitlist_mode="offer", offer_hours=24, instructors=mine)
    first, _second = reg_people(v, offered, 2)
    registrations.cancel(first, registrations.find_registration(first, offered.id).id)
    message = _queue_some_mail(v)
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message.id).values(status="failed")
    )
    db.session.commit()
    v.goto("/manage")


def admin_mail_filtered(v: Visit) -> None:
    _queue_some_mail(v)
    v.goto("/admin/mail?to=kari&kind=reset_password&status=pending")


def manage_offering_edit(v: Visit) -> None:
    offering = _event(v, status="draft", instructors=[v.user])
    v.goto(f"/manage/offerings/{offering.id}")


def manage_offering_errors(v: Visit) -> None:
    v.goto("/manage/offerings/new")
    v.submit(
        "form.lms-offering-form",
        {"title": "", "sessions-0-day": f"{Y2031}-01-14", "sessions-0-start": "10:00"},
        status=400,
    )


def _network(v: Visit, membership: str = "approval"):
    from datetime import date, time

    from lms.events import networks
    from lms.events.models import Network, NetworkMembership

    network = Network(
        name=f"{LONG_WORD}nettverket for samfunnsansvar i offentlige anskaffelser",
        description_md="Vi møtes **andre tirsdag** i måneden.",
        membership=membership,
        recurrence_rule="FREQ=MONTHLY;BYDAY=2TU",
    )
    db.session.add(network)
    db.session.flush()
    waiting = long_user(v, "instructor")
    db.session.add(NetworkMembership(network_id=network.id, user_id=waiting.id, status="pending"))
    if v.user is not None:
        db.session.add(NetworkMembership(network_id=network.id, user_id=v.user.id))
    organiser = make_user("organiser", v.lang)
    networks.generate_meetings(
        organiser, network, after=date.today(), start=time(9), minutes=120, count=2
    )
    db.session.commit()
    return network


def networks_list(v: Visit) -> None:
    _network(v)
    v.goto("/networks")


def network_page(v: Visit) -> None:
    v.goto(f"/networks/{_network(v).id}")


def network_meeting_page(v: Visit) -> None:
    """A network meeting's page: it links back to its network."""
    network = _network(v)
    meeting = min(network.meetings, key=lambda m: (m.starts_at, m.id))
    v.goto(f"/events/{meeting.id}")


def manage_networks_errors(v: Visit) -> None:
    """The raw rule is an advanced option: chosen, unfolded, then written wrong."""
    v.goto("/manage/networks")
    v.page.select_option("#repeat", "custom")
    v.page.click(".lms-rule-picker summary")
    v.submit("main form", {"name": "", "recurrence_rule": "FREQ=MONTHLY;BYDAY=9TU"}, status=400)


def manage_network_page(v: Visit) -> None:
    v.goto(f"/manage/networks/{_network(v).id}")


def manage_network_preview(v: Visit) -> None:
    """The dates the rule gives, each to keep, move or leave out, before they are made."""
    v.goto(f"/manage/networks/{_network(v).id}")
    v.page.fill("#after", f"{Y2031}-01-01")
    v.page.fill("#start", "09:00")
    with v.page.expect_navigation() as navigation:
        v.page.click("button[name=preview]")
    assert navigation.value is not None and navigation.value.status == 200


def manage_network_skip_confirm(v: Visit) -> None:
    network = _network(v)
    v.goto(f"/manage/networks/{network.id}/meetings/{network.meetings[0].id}/skip")


def manage_network_remove_confirm(v: Visit) -> None:
    from lms.events.models import NetworkMembership

    network = _network(v)
    member = long_user(v, "participant")
    db.session.add(NetworkMembership(network_id=network.id, user_id=member.id))
    db.session.commit()
    v.goto(f"/manage/networks/{network.id}/members/{member.id}/remove")


def _cancelled_offering(v: Visit):
    from lms.events import manage

    offering = make.offering("Avlyst: Innkjøpskonferansen for kommunesektoren")
    manage.cancel_offering(make_user("organiser", v.lang), offering, note="")
    db.session.commit()
    return offering


def manage_offering_cancelled(v: Visit) -> None:
    v.goto(f"/manage/offerings/{_cancelled_offering(v).id}")


def manage_cancel_confirm(v: Visit) -> None:
    v.goto(f"/manage/offerings/{_busy_offering(v).id}/cancel")


def manage_delete_confirm(v: Visit) -> None:
    v.goto(f"/manage/offerings/{make.offering('Utkast til kurs', status='draft').id}/delete")


def network_leave_confirm(v: Visit) -> None:
    """A member with a place at a coming members-only meeting is told it goes."""
    from lms.registrations import services as registrations

    network = _network(v, membership="open")
    meeting = network.meetings[0]
    registrations.register(v.user, meeting.id)
    db.session.commit()
    v.goto(f"/networks/{network.id}/leave")


# --- learning: participants ----------------------------------------------------------------

LESSON_MD = (
    "# Åpenhetsloven\n\nÅpenhetsloven krever aktsomhetsvurderinger av større virksomheter.\n\n"
    f"## {LONG_WORD}\n\n- kartlegge risiko\n- iverksette tiltak\n\n"
    "| Plikt | Paragraf |\n|---|---|\n| Aktsomhetsvurderinger | § 4 |\n| Redegjørelse | § 5 |\n\n"
    "[Last ned kontraktsklausulen](files/klausul.docx)\n\n"
    "[Film om aktsomhetsvurderinger](https://www.youtube.com/watch?v=abc)\n"
)


def learning_module(**quiz_settings):
    """A published module with three lessons (the first one rich) and a quiz."""
    from learning_support import make_module

    from lms.learning.publishing import publish

    module = make_module(
        title=f"{LONG_WORD}: menneskerettigheter i leverandørkjeden",
        lessons=3,
        published=False,
        **quiz_settings,
    )
    module.lessons[0].body_md = LESSON_MD
    publish(None, module, check_permission=False)
    db.session.commit()
    return module


def learning_modules(v: Visit) -> None:
    learning_module()
    v.goto("/learning")


def learning_module_page(v: Visit) -> None:
    v.goto(f"/learning/{learning_module().slug}")


def learning_lesson(v: Visit) -> None:
    v.goto(f"/learning/{learning_module().slug}/lessons/lesson-1")


def learning_quiz(v: Visit) -> None:
    v.goto(f"/learning/{learning_module(time_limit_minutes=20).slug}/quizzes/quiz")


LEARNING_QUESTIONS = [
    {"kind": "single", "text_md": f"Hvilken lov krever aktsomhetsvurderinger? {LONG_WORD}",
     "spec": {"options": [{"id": "a", "text": "Åpenhetsloven", "fraction": 1},
                          {"id": "b", "text": LONG_WORD, "fraction": 0}]}},
    {"kind": "multiple", "text_md": "Hvilke er ILOs kjernekonvensjoner?",
     "spec": {"options": [{"id": "a", "text": "C29 Tvangsarbeid", "weight": "0.5"},
                          {"id": "b", "text": "C138 Minstealder", "weight": "0.5"},
                          {"id": "c", "text": "C999 Oppdiktet", "weight": "-1"}]}},
    {"kind": "truefalse", "text_md": "Bestikkelser av utenlandske tjenestemenn er korrupsjon.",
     "spec": {"answer": True}},
    {"kind": "short", "text_md": "Hva heter loven om åpenhet i leverandørkjeder?",
     "spec": {"answers": [{"text": "åpenhetsloven"}]}},
    {"kind": "numeric", "text_md": "Hvor mange prosent skal klima og miljø vektes minst?",
     "spec": {"answers": [{"value": "30"}], "unit": "%"}},
    {"kind": "matching", "text_md": "Koble konvensjonen til temaet.",
     "spec": {"pairs": [{"id": "p1", "prompt": "C29", "answer": "Tvangsarbeid"},
                        {"id": "p2", "prompt": "C138", "answer": "Minstealder"}]}},
    {"kind": "essay", "text_md": "Beskriv en risiko i leverandørkjeden deres.", "spec": {}},
    {"kind": "likert", "text_md": "Jeg følger opp leverandørenes arbeidsvilkår.",
     "spec": {"points": 5, "labels": ["Aldri", "Alltid"]}},
]  # fmt: skip


def _learning_attempt(v: Visit, **settings):
    """A started attempt at a quiz with one question of every type (and a time limit)."""
    from learning_support import make_module

    from lms.learning.attempts import start_attempt

    settings.setdefault("time_limit_minutes", 30)
    settings.setdefault("review", {"immediately": ["score", "answers", "right_answers",
                                                   "feedback"]})  # fmt: skip
    module = make_module(title=f"{LONG_WORD} i praksis", questions=LEARNING_QUESTIONS, **settings)
    attempt = start_attempt(v.user, module.quizzes[0].id)
    db.session.commit()
    return module, attempt


def learning_attempt(v: Visit) -> None:
    _module, attempt = _learning_attempt(v)
    v.goto(f"/learning/attempts/{attempt.id}")


def learning_quiz_history(v: Visit) -> None:
    """The quiz's page with an attempt in progress and one submitted."""
    from lms.learning.attempts import start_attempt, submit_attempt

    module, attempt = _learning_attempt(v, attempts_allowed=3)
    submit_attempt(v.user, attempt.id)
    start_attempt(v.user, module.quizzes[0].id)
    db.session.commit()
    v.goto(f"/learning/{module.slug}/quizzes/quiz")


def learning_submit(v: Visit) -> None:
    _module, attempt = _learning_attempt(v)
    v.goto(f"/learning/attempts/{attempt.id}/submit")


def learning_review(v: Visit) -> None:
    from lms.learning.attempts import save_answers, submit_attempt

    _module, attempt = _learning_attempt(v)
    slot = {a.question_version.kind: a.slot for a in attempt.answers}
    save_answers(v.user, attempt.id, {slot["single"]: "b", slot["multiple"]: ["a"],
                                      slot["matching"]: {"p1": "Tvangsarbeid"}},
                 revision=0)  # fmt: skip
    submit_attempt(v.user, attempt.id)
    db.session.commit()
    v.goto(f"/learning/attempts/{attempt.id}/review")


def learning_review_later(v: Visit) -> None:
    """A review that shows only the score now and says when the rest comes."""
    from datetime import timedelta

    from lms.learning.attempts import submit_attempt
    from lms.timeutil import utcnow

    review = {"immediately": ["score"], "closed": ["answers", "right_answers", "feedback"]}
    _module, attempt = _learning_attempt(v, review=review, closes_at=utcnow() + timedelta(days=9))
    submit_attempt(v.user, attempt.id)
    db.session.commit()
    v.goto(f"/learning/attempts/{attempt.id}/review")


# --- learning results: a quiz taken by a few people, one essay waiting ----------------------


def _results_module(v: Visit):
    """A module the visiting instructor teaches (an organiser sees it anyway), with three
    learners' attempts: one passed, one not, one with an essay to grade."""
    from learning_results_support import WITH_ESSAY, right_answers, submit_attempt, wrong_answers
    from learning_support import make_module

    teacher = v.user if v.user is not None and v.user.has_role("instructor") else None
    module = make_module(instructor=teacher, title=LONG_WORD, questions=WITH_ESSAY)
    for name, answers in (
        ("Åse Ødegård", right_answers(WITH_ESSAY)),
        ("Per Hansen", wrong_answers(WITH_ESSAY)),
    ):
        submit_attempt(module, make_user("participant", v.lang, name=name), answers)
    return module


def quiz_results_page(v: Visit) -> None:
    v.goto(f"/manage/learning/quizzes/{_results_module(v).quizzes[0].id}/results")


def quiz_results_filtered(v: Visit) -> None:
    module = _results_module(v)
    v.goto(f"/manage/learning/quizzes/{module.quizzes[0].id}/results?status=passed")


def learner_results_page(v: Visit) -> None:
    from lms.learning.attempt_models import Attempt

    module = _results_module(v)
    attempt = db.session.scalars(
        select(Attempt).where(Attempt.quiz_id == module.quizzes[0].id)
    ).first()
    v.goto(f"/manage/learning/quizzes/{module.quizzes[0].id}/results/{attempt.user_id}")


def essay_queue_page(v: Visit) -> None:
    _results_module(v)
    v.goto("/manage/learning/essays")


def essay_queue_errors(v: Visit) -> None:
    _results_module(v)
    v.goto("/manage/learning/essays")
    field_id = v.page.locator("input[id$='-score']").first.get_attribute("id")
    v.submit("main form.lms-form", {field_id: "mye"}, status=400)


def regrade_confirm_page(v: Visit) -> None:
    from learning_support import SAMPLE_QUESTIONS

    from lms.learning.publishing import set_question_content

    module = _results_module(v)
    question = module.questions[0]
    options = [dict(o, fraction=1 - o["fraction"]) for o in SAMPLE_QUESTIONS[0]["spec"]["options"]]
    set_question_content(question, kind="single", text_md=question.current.text_md,
                         spec={"options": options})  # fmt: skip
    db.session.commit()
    v.goto(f"/manage/learning/questions/{question.id}/regrade?quiz={module.quizzes[0].id}")


# --- the list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    """One page as one visitor sees it. ``endpoint`` is the route the visit requests
    (checked against the URL map); None for an address that matches no route."""

    name: str
    role: str
    endpoint: str | None
    open: str | Callable[[Visit], None]
    status: int = 200

    @property
    def id(self) -> str:
        return f"{self.name}[{self.role}]"


def _for(roles, name, endpoint, opener, status=200) -> list[PageSpec]:
    return [PageSpec(name, role, endpoint, opener, status) for role in roles]


EVERYONE = (ANONYMOUS, *ROLES)
NON_ADMINS = ("participant", "instructor", "organiser")

PAGES: list[PageSpec] = [
    *_for(EVERYONE, "home", "lms_core.home", "/"),
    # Logged out: the account pages and their error states.
    PageSpec("login", ANONYMOUS, "lms_accounts.login", "/login"),
    PageSpec("login-errors", ANONYMOUS, "lms_accounts.login", login_with_errors),
    PageSpec("signup", ANONYMOUS, "lms_accounts.signup", "/signup"),
    PageSpec("signup-errors", ANONYMOUS, "lms_accounts.signup", signup_with_errors),
    PageSpec("forgot-password", ANONYMOUS, "lms_accounts.forgot_password", "/forgot-password"),
    PageSpec("forgot-errors", ANONYMOUS, "lms_accounts.forgot_password", forgot_with_errors),
    PageSpec("check-email", ANONYMOUS, "lms_accounts.forgot_password", check_email),
    PageSpec("reset-password", ANONYMOUS, "lms_accounts.reset_password", reset_password),
    PageSpec("reset-errors", ANONYMOUS, "lms_accounts.reset_password", reset_with_errors),
    PageSpec(
        "reset-invalid",
        ANONYMOUS,
        "lms_accounts.reset_password",
        "/reset-password/not-a-valid-token",
        404,
    ),
    PageSpec("verify-valid", ANONYMOUS, "lms_accounts.verify", verify_valid),
    PageSpec("verify-invalid", ANONYMOUS, "lms_accounts.verify", "/verify/not-a-valid-token"),
    PageSpec("profile-needs-login", ANONYMOUS, "lms_accounts.profile", "/profile"),
    PageSpec("not-found", ANONYMOUS, None, "/no-such-page", 404),
    # Logged in.
    *_for(ROLES, "profile", "lms_accounts.profile", "/profile"),
    PageSpec("profile-errors", "participant", "lms_accounts.profile", profile_with_errors),
    PageSpec("password-errors", "participant", "lms_accounts.profile", password_with_errors),
    PageSpec("email-errors", "participant", "lms_accounts.profile", email_with_errors),
    PageSpec("new-token", "participant", "lms_accounts.profile", new_token),
    PageSpec(
        "confirm-email-change", "participant", "lms_accounts.confirm_email", confirm_email_change
    ),
    *_for(NON_ADMINS, "forbidden", "lms_admin.users", "/admin/users", 403),
    *_for(ROLES, "my-calendar", "lms_calendar.my_calendar", "/me/calendar"),
    PageSpec("my-calendar-reset", "participant", "lms_calendar.my_calendar", calendar_feed_reset),
    PageSpec(
        "my-calendar-networks",
        "participant",
        "lms_calendar.my_calendar",
        calendar_feed_with_networks,
    ),
    # Registrations: participants.
    PageSpec("register", "participant", "lms_registrations.register", register_page),
    PageSpec("register-full", "participant", "lms_registrations.register", register_full),
    PageSpec("register-errors", "participant", "lms_registrations.register", register_with_errors),
    *_for(ROLES, "my-registrations", "lms_registrations.mine", "/me/registrations"),
    PageSpec(
        "my-registrations-full", "participant", "lms_registrations.mine", my_registrations_full
    ),
    PageSpec("cancel-registration", "participant", "lms_registrations.cancel", cancel_confirm),
    *_for(ROLES, "my-page", "lms_registrations.home", "/me"),
    PageSpec("my-page-full", "participant", "lms_registrations.home", my_page_full),
    # Registrations: organisers (and an instructor on their own offering).
    *_for(
        ("instructor", "organiser"),
        "participants",
        "lms_registrations.participants",
        participants_page,
    ),
    PageSpec("promote-warning", "organiser", "lms_registrations.participants", promote_warning),
    PageSpec("capacity-warning", "organiser", "lms_registrations.participants", capacity_warning),
    PageSpec("registration-log", "organiser", "lms_registrations.log", registration_log),
    PageSpec("import", "organiser", "lms_registrations.import_csv", import_page),
    PageSpec("import-errors", "organiser", "lms_registrations.import_csv", import_with_errors),
    PageSpec("message", "organiser", "lms_registrations.message", message_page),
    PageSpec("message-errors", "organiser", "lms_registrations.message", message_with_errors),
    PageSpec("check-in", "organiser", "lms_registrations.check_in", check_in_page),
    PageSpec("check-in-closed", "organiser", "lms_registrations.check_in", check_in_closed),
    PageSpec(
        "participants-overbooked",
        "organiser",
        "lms_registrations.participants",
        participants_overbooked,
    ),
    PageSpec(
        "cancel-participant",
        "organiser",
        "lms_registrations.cancel_participant",
        cancel_participant_page,
    ),
    PageSpec("bulk-cancel", "organiser", "lms_registrations.participants", bulk_cancel_page),
    PageSpec("message-preview", "organiser", "lms_registrations.message", message_preview),
    PageSpec(
        "attendance-list-sessions",
        "organiser",
        "lms_registrations.attendance_list",
        attendance_list_sessions,
    ),
    PageSpec(
        "attendance-list", "organiser", "lms_registrations.attendance_list", attendance_list_page
    ),
    # Learning: progress, course rules, certificates (the verification page is public).
    *_for(ROLES, "my-learning", "lms_learning.my_learning", "/me/learning"),
    PageSpec(
        "my-learning-full", "participant", "lms_learning.my_learning", progress.my_learning_full
    ),
    *_for(EVERYONE, "certificate", "lms_learning.verify_certificate", progress.verify_valid),
    PageSpec(
        "certificate-revoked", ANONYMOUS, "lms_learning.verify_certificate", progress.verify_revoked
    ),
    PageSpec(
        "certificate-unknown",
        ANONYMOUS,
        "lms_learning.verify_certificate",
        "/certificates/AAAAAAAAAAAAAAAAAAAAAA",
        404,
    ),
    PageSpec("revoke", "organiser", "lms_learning.revoke_certificate", progress.revoke_page),
    PageSpec(
        "revoke-errors", "organiser", "lms_learning.revoke_certificate", progress.revoke_with_errors
    ),
    PageSpec("course-rule", "organiser", "lms_learning.course_rule", progress.course_rule_page),
    PageSpec(
        "course-rule-errors",
        "organiser",
        "lms_learning.course_rule",
        progress.course_rule_with_errors,
    ),
    PageSpec(
        "check-in-sessions", "organiser", "lms_registrations.check_in", progress.check_in_sessions
    ),
    # Events: catalogue, offering pages, management, networks.
    *_for(EVERYONE, "events", "lms_events.catalogue", events_catalogue),
    PageSpec("events-none", ANONYMOUS, "lms_events.catalogue", "/events?q=nothing-matches"),
    PageSpec(
        "events-bad-filters", ANONYMOUS, "lms_events.catalogue", "/events?month=2027-13&kind=x", 400
    ),
    PageSpec("events-past-last", ANONYMOUS, "lms_events.catalogue", "/events?page=9", 404),
    *_for((ANONYMOUS, "participant"), "event-full", "lms_events.detail", event_detail_full),
    PageSpec("event-registered", "participant", "lms_events.detail", event_detail_registered),
    *_for(("instructor", "organiser"), "manage", "lms_events.manage_list", manage_offerings),
    PageSpec("manage-filtered", "organiser", "lms_events.manage_list", manage_offerings_filtered),
    PageSpec("manage-none", "organiser", "lms_events.manage_list", manage_offerings_none),
    PageSpec("manage-meetings", "organiser", "lms_events.manage_list", manage_network_meetings),
    *_for(
        ("instructor", "organiser", "admin"),
        "overview",
        "lms_registrations.overview",
        overview_page,
    ),
    *_for(("instructor", "organiser"), "edit", "lms_events.manage_edit", manage_offering_edit),
    PageSpec("new-offering", "organiser", "lms_events.manage_new", "/manage/offerings/new"),
    PageSpec("new-offering-errors", "organiser", "lms_events.manage_new", manage_offering_errors),
    *_for(EVERYONE, "networks", "lms_events.networks", networks_list),
    *_for(EVERYONE, "network", "lms_events.network_detail", network_page),
    *_for((ANONYMOUS, "participant"), "network-meeting", "lms_events.detail", network_meeting_page),
    PageSpec("manage-networks", "organiser", "lms_events.manage_networks", "/manage/networks"),
    PageSpec(
        "manage-networks-errors", "organiser", "lms_events.manage_networks", manage_networks_errors
    ),
    PageSpec("manage-network", "organiser", "lms_events.manage_network", manage_network_page),
    PageSpec(
        "manage-network-preview", "organiser", "lms_events.manage_network", manage_network_preview
    ),
    PageSpec(
        "skip-meeting",
        "organiser",
        "lms_events.manage_network_skip_confirm",
        manage_network_skip_confirm,
    ),
    PageSpec(
        "remove-member",
        "organiser",
        "lms_events.manage_network_remove_confirm",
        manage_network_remove_confirm,
    ),
    PageSpec("edit-cancelled", "organiser", "lms_events.manage_edit", manage_offering_cancelled),
    PageSpec(
        "cancel-offering", "organiser", "lms_events.manage_cancel_confirm", manage_cancel_confirm
    ),
    PageSpec("delete-draft", "organiser", "lms_events.manage_delete", manage_delete_confirm),
    *_for(NON_ADMINS, "leave-network", "lms_events.network_leave_confirm", network_leave_confirm),
    # The conference's calendars page (public, from its release).
    *_for(EVERYONE, "conference-calendars", "lms_conference.calendars", conference_calendars),
    # Learning: participants' pages.
    *_for(EVERYONE, "learning", "lms_learning.modules", learning_modules),
    PageSpec("learning-none", ANONYMOUS, "lms_learning.modules", "/learning?theme=anti_corruption"),
    *_for(
        (ANONYMOUS, "participant"), "learning-module", "lms_learning.module", learning_module_page
    ),
    *_for((ANONYMOUS, "participant"), "learning-lesson", "lms_learning.lesson", learning_lesson),
    PageSpec("learning-quiz", "participant", "lms_learning.quiz", learning_quiz),
    PageSpec("learning-quiz-history", "participant", "lms_learning.quiz", learning_quiz_history),
    PageSpec("learning-attempt", "participant", "lms_learning.attempt", learning_attempt),
    PageSpec("learning-submit", "participant", "lms_learning.submit", learning_submit),
    PageSpec("learning-review", "participant", "lms_learning.review", learning_review),
    PageSpec("learning-review-later", "participant", "lms_learning.review", learning_review_later),
    # Learning: a module's GIFT import (its instructor, or an organiser).
    *_for(("instructor", "organiser"), "gift-import", "lms_learning.gift_import", gift_import_page),
    PageSpec(
        "gift-import-errors", "instructor", "lms_learning.gift_import", gift_import_with_errors
    ),
    # Learning results: organisers, and a module's own instructors.
    *_for(
        ("instructor", "organiser"), "quiz-results", "lms_learning.quiz_results", quiz_results_page
    ),
    PageSpec(
        "quiz-results-filtered", "organiser", "lms_learning.quiz_results", quiz_results_filtered
    ),
    *_for(
        ("instructor", "organiser"),
        "learner-results",
        "lms_learning.learner_results",
        learner_results_page,
    ),
    *_for(("instructor", "organiser"), "essays", "lms_learning.essay_queue", essay_queue_page),
    PageSpec("essays-errors", "instructor", "lms_learning.essay_queue", essay_queue_errors),
    *_for(
        ("instructor", "organiser"),
        "regrade",
        "lms_learning.regrade_question",
        regrade_confirm_page,
    ),
    # Administration.
    PageSpec("admin-users", "admin", "lms_admin.users", admin_users),
    PageSpec("admin-users-no-match", "admin", "lms_admin.users", "/admin/users?q=nobody-here"),
    PageSpec("admin-user-roles", "admin", "lms_admin.user_roles", admin_user_roles),
    PageSpec(
        "admin-user-roles-errors", "admin", "lms_admin.user_roles", admin_user_roles_with_errors
    ),
    PageSpec("admin-mail", "admin", "lms_admin.mail", admin_mail),
    PageSpec("admin-mail-filtered", "admin", "lms_admin.mail", admin_mail_filtered),
    PageSpec("admin-mail-message", "admin", "lms_admin.mail_message", admin_mail_message),
    PageSpec("admin-mail-missing", "admin", "lms_admin.mail_message", "/admin/mail/999999", 404),
    PageSpec("not-found", "admin", None, "/no-such-page", 404),
    # Authoring modules (tests/e2e/learning_authoring_pages.py).
    *[
        spec
        for n, roles, e, opener, status in AUTHORING_PAGES
        for spec in _for(roles, n, e, opener, status)
    ],
    # The conference's door (tests/e2e/conference_door_pages.py).
    *[
        spec
        for n, roles, e, opener, status in DOOR_PAGES
        for spec in _for(roles, n, e, opener, status)
    ],
    # The conference programme builder (tests/e2e/conference_build_pages.py).
    *[
        spec
        for n, roles, e, opener, status in CONFERENCE_BUILD_PAGES
        for spec in _for(roles, n, e, opener, status)
    ],
    # Teaching: a quiz's time page, the results overview (tests/e2e/learning_teaching_pages.py).
    *[
        spec
        for n, roles, e, opener, status in TEACHING_PAGES
        for spec in _for(roles, n, e, opener, status)
    ],
    # The public conference programme (tests/e2e/conference_public_pages.py).
    *[
        spec
        for n, roles, e, opener, status in CONFERENCE_PUBLIC_PAGES
        for spec in _for(roles, n, e, opener, status)
    ],
    # A participant's learning pages as staff see them (one staff role: the pages are the
    # same for each, and each role's header is walked on its own pages).
    PageSpec("learning-module", "instructor", "lms_learning.module", learning_module_page),
    PageSpec("learning-lesson", "instructor", "lms_learning.lesson", learning_lesson),
    PageSpec("learning-quiz", "instructor", "lms_learning.quiz", learning_quiz),
    PageSpec("certificate-revocable", "instructor", "lms_learning.verify_certificate",
             progress.verify_revocable),
    PageSpec("revoke", "instructor", "lms_learning.revoke_certificate", progress.revoke_taught),
]  # fmt: skip


def lms_page_endpoints(app: Flask) -> set[str]:
    """Every LMS endpoint a browser can GET, except those in NOT_PAGES."""
    blueprints = set(app.extensions["lms"].blueprints) - set(NOT_PAGE_BLUEPRINTS)
    endpoints = set()
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if blueprint not in blueprints or rule.endpoint.endswith(".static"):
            continue
        if "GET" in (rule.methods or ()) and rule.endpoint not in NOT_PAGES:
            endpoints.add(rule.endpoint)
    return endpoints


def endpoint_of(app: Flask, path: str) -> str | None:
    """The endpoint ``path`` routes to, or None when it matches no route."""
    try:
        endpoint, _args = app.url_map.bind("localhost").match(path, method="GET")
    except NotFound:
        return None
    return endpoint


def pages_for(role: str) -> list[PageSpec]:
    """The pages a visitor in ``role`` is checked on, in list order."""
    return [spec for spec in PAGES if spec.role == role]


VISITORS = [(role, lang) for role in EVERYONE for lang in LANGUAGES]
VISITOR_IDS = [f"{role}-{lang}" for role, lang in VISITORS]


def log_in_as(page, role: str, lang: str):
    """A fresh user holding ``role`` with ``lang`` as their language, logged in; or None
    for an anonymous visitor (whose language then comes from Accept-Language)."""
    if role == ANONYMOUS:
        return None
    user = make_user(role, lang)
    login(page, user.email)
    return user


def open_page(page, app: Flask, spec: PageSpec, lang: str, user) -> Visit:
    """Open ``spec``'s page and check it is the route and language the list says."""
    visit = Visit(page=page, app=app, lang=lang, user=user)
    if callable(spec.open):
        spec.open(visit)
    else:
        visit.goto(spec.open, spec.status)
    endpoints = {endpoint_of(app, path) for path in visit.visited}
    assert spec.endpoint in endpoints, (
        f"{spec.id} is listed for {spec.endpoint} but requested {visit.visited} ({endpoints})"
    )
    html_lang = page.get_attribute("html", "lang")
    assert html_lang == lang, f"{spec.id}: expected <html lang={lang!r}>, got {html_lang!r}"
    return visit
