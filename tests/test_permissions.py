"""The authorization matrix: every route × anonymous / participant / instructor /
organiser / admin, and the status each must get.

Every route the app has must appear here (``test_matrix_covers_every_route``), so
a new page cannot ship without someone deciding who may use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from accounts_support import csrf_token

from lms.accounts import services
from lms.extensions import db

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


def admins_only(status):
    return (LOGIN, 403, 403, 403, status)


MATRIX = [
    Route("GET", "lms_core.home", "/", everyone(200)),
    Route("GET", "lms_core.healthz", "/healthz", everyone(200)),
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
        (200, 302, 302, 302, 302),
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
]


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
    return {"user": other.id, "token": token.id, "mail": mail.id}


CASES = [
    pytest.param(route, index, id=f"{route.method} {route.path} as {role}")
    for route in MATRIX
    for index, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("route", "index"), CASES)
def test_authorization_matrix(route, index, client, factory, login, someone_else):
    role = ROLES[index]
    if role != "anonymous":
        roles = () if role == "participant" else (role,)
        login(factory.user(f"{role}@example.no", roles=roles))
    path = route.path.format(**someone_else)
    token = csrf_token(client, "/")
    if route.method == "GET":
        response = client.get(path)
    elif route.endpoint.startswith("lms_api."):
        response = client.open(path, method=route.method, headers={"X-CSRFToken": token})
    else:
        response = client.open(path, method=route.method, data={"csrf_token": token, **route.data})

    expected = route.expect[index]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next="), "sent to log in"
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:500]
