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

from flask import Flask
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from lms.accounts import services
from lms.extensions import db
from lms.mail.models import OutboxMessage

ANONYMOUS = "anonymous"
ROLES = ("participant", "instructor", "organiser", "admin")
LANGUAGES = ("nb", "en")
PASSWORD = "a long browser test password"

# GET routes that are not pages a person reads, so need no entry in PAGES.
NOT_PAGES = {
    "lms_core.healthz": "JSON health check for load balancers",
}
NOT_PAGE_BLUEPRINTS = {"lms_api": "JSON API, no HTML"}

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
    user = services.create_user(
        email or unique_email(role),
        PASSWORD,
        name or f"{role.title()} Testperson",
        organisation="Testkommune",
        job_title="Innkjøper",
        language=lang,
        roles=() if role == "participant" else (role,),
        verified=verified,
    )
    db.session.commit()
    return user


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
    assert urlsplit(page.url).path == "/", f"login failed, still on {page.url}"


# --- openers: drive the browser to a page that needs data or a form submission -------------


def login_with_errors(v: Visit) -> None:
    v.goto("/login")
    v.submit("main form", {"email": "not-an-e-mail", "password": ""})


def signup_with_errors(v: Visit) -> None:
    v.goto("/signup")
    v.submit("main form", {"email": "nobody@", "name": "", "password": "short", "confirm": "x"})


def forgot_with_errors(v: Visit) -> None:
    v.goto("/forgot-password")
    v.submit("main form", {"email": ""})


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
    v.submit("main form", {"password": "short", "confirm": "different"})


def verify_valid(v: Visit) -> None:
    """The mailed verification link: lands on the login page with a success message."""
    email = unique_email("new")
    services.sign_up(email, PASSWORD, "Ny Person", "Testkommune", "", v.lang)
    db.session.commit()
    v.goto(mailed_link(email, "verify_email"))


def profile_with_errors(v: Visit) -> None:
    v.goto("/profile")
    v.submit("form[action$='/profile']", {"name": ""})


def password_with_errors(v: Visit) -> None:
    v.goto("/profile")
    fields = {"current_password": "wrong", "password": "short", "confirm": "different"}
    v.submit("form[action$='/profile/password']", fields, status=400)


def email_with_errors(v: Visit) -> None:
    v.goto("/profile")
    fields = {"new_email": "not-an-e-mail", "email_password": ""}
    v.submit("form[action$='/profile/email']", fields, status=400)


def new_token(v: Visit) -> None:
    """A token just made: its secret is shown once, and it is listed in the table."""
    v.goto("/profile")
    v.submit("form[action$='/profile/tokens']", {"token_name": "Laptop"}, status=201)


def confirm_email_change(v: Visit) -> None:
    email = unique_email("moved")
    services.request_email_change(v.user, PASSWORD, email)
    db.session.commit()
    v.goto(mailed_link(email, "confirm_email_change"))


def long_user(v: Visit, role: str = "instructor"):
    """A user whose name, address and organisation are long, so narrow screens are tested
    with the words that break layouts (and unique, so several may exist)."""
    serial = next(_serial)
    user = services.create_user(
        f"kari.nordmann-hansen.innkjopsradgiver{serial}@bjornafjorden-kommune.example.no",
        PASSWORD,
        "Kari Nordmann-Hansen Bjørnstad-Johannessen",
        organisation="Bjørnafjorden kommune, innkjøpsavdelingen for helse- og omsorgstjenester",
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
    # Administration.
    PageSpec("admin-users", "admin", "lms_admin.users", admin_users),
    PageSpec("admin-users-no-match", "admin", "lms_admin.users", "/admin/users?q=nobody-here"),
    PageSpec("admin-user-roles", "admin", "lms_admin.user_roles", admin_user_roles),
    PageSpec(
        "admin-user-roles-errors", "admin", "lms_admin.user_roles", admin_user_roles_with_errors
    ),
    PageSpec("admin-mail", "admin", "lms_admin.mail", admin_mail),
    PageSpec("admin-mail-message", "admin", "lms_admin.mail_message", admin_mail_message),
    PageSpec("admin-mail-missing", "admin", "lms_admin.mail_message", "/admin/mail/999999", 404),
    PageSpec("not-found", "admin", None, "/no-such-page", 404),
]


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
