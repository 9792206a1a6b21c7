"""CSRF: every state-changing form refuses a POST without a valid token, and changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from accounts_support import (
    TEST_PASSWORD,
    is_logged_in,
    link_path,
    mails,
    post_form,
    reload_user,
    snapshot,
)
from calendar_csrf import CALENDAR_CSRF_ATTACKS
from conference_build_csrf import CONFERENCE_BUILD_CSRF_ATTACKS
from conference_door_csrf import CONFERENCE_DOOR_CSRF_ATTACKS
from conference_public_csrf import CONFERENCE_PUBLIC_CSRF_ATTACKS
from events_csrf import EVENTS_CSRF_ATTACKS
from learning_authoring_csrf import LEARNING_AUTHORING_CSRF_ATTACKS
from learning_gift_csrf import LEARNING_GIFT_CSRF_ATTACKS
from learning_pages_csrf import LEARNER_CSRF_ATTACKS
from learning_results_csrf import LEARNING_RESULTS_CSRF_ATTACKS
from progress_csrf import PROGRESS_CSRF_ATTACKS
from registrations_csrf import REGISTRATIONS_CSRF_ATTACKS
from sqlalchemy import select

from lms.accounts import services
from lms.accounts.models import ApiToken, UserToken
from lms.accounts.passwords import verify_password
from lms.extensions import db

# --- CSRF ----------------------------------------------------------------------------


@dataclass
class Attack:
    """A state-changing POST as a forged cross-site form would send it (no token)."""

    path: str
    data: dict
    unchanged: Callable[[], None]


def _logged_in(factory, login, roles=()):
    user = factory.user("victim@example.no", roles=roles)
    login(user)
    return user


def csrf_login(factory, login, client):
    user = factory.user("victim@example.no")
    return Attack(
        "/login",
        {"email": user.email, "password": TEST_PASSWORD},
        lambda: not_logged_in(client),
    )


def csrf_signup(factory, login, client):
    before = snapshot()
    data = {"email": "new@example.no", "name": "New", "language": "nb"}
    data |= {"password": "long enough password", "confirm": "long enough password"}
    return Attack("/signup", data, lambda: same(snapshot(), before))


def csrf_forgot(factory, login, client):
    user = factory.user("victim@example.no")
    return Attack("/forgot-password", {"email": user.email}, lambda: same(mails(), []))


def csrf_reset(factory, login, client):
    user = factory.user("victim@example.no")
    post_form(client, "/forgot-password", {"email": user.email})
    path = link_path(mails(kind="reset_password")[0])
    new = "attacker's own password"

    def unchanged():
        assert verify_password(reload_user(user).password_hash, TEST_PASSWORD)
        assert db.session.scalar(select(UserToken)).used_at is None

    return Attack(path, {"password": new, "confirm": new}, unchanged)


def csrf_logout(factory, login, client):
    _logged_in(factory, login)
    return Attack("/logout", {}, lambda: logged_in(client))


def csrf_language(factory, login, client):
    user = _logged_in(factory, login)
    return Attack("/language", {"language": "en"}, lambda: same(reload_user(user).language, "nb"))


def csrf_profile(factory, login, client):
    user = _logged_in(factory, login)
    name = user.name
    return Attack(
        "/profile", {"name": "Hacked", "language": "nb"}, lambda: same(reload_user(user).name, name)
    )


def csrf_password(factory, login, client):
    user = _logged_in(factory, login)
    new = "attacker's own password"
    data = {"current_password": TEST_PASSWORD, "password": new, "confirm": new}
    return Attack(
        "/profile/password",
        data,
        lambda: same(verify_password(reload_user(user).password_hash, TEST_PASSWORD), True),
    )


def csrf_email(factory, login, client):
    _logged_in(factory, login)
    data = {"new_email": "attacker@example.no", "email_password": TEST_PASSWORD}
    return Attack("/profile/email", data, lambda: same(mails(), []))


def csrf_token_create(factory, login, client):
    _logged_in(factory, login)
    return Attack(
        "/profile/tokens",
        {"token_name": "attacker"},
        lambda: same(db.session.scalar(select(ApiToken)), None),
    )


def csrf_token_revoke(factory, login, client):
    user = _logged_in(factory, login)
    token, _raw = services.create_api_token(user, "mine")
    db.session.commit()
    token_id = token.id
    return Attack(
        f"/profile/tokens/{token_id}/revoke",
        {},
        lambda: same(db.session.get(ApiToken, token_id).revoked_at, None),
    )


def csrf_roles(factory, login, client):
    _logged_in(factory, login, roles=("admin",))
    target = factory.user("someone@example.no")
    return Attack(
        f"/admin/users/{target.id}",
        {"roles": ["admin"]},
        lambda: same(reload_user(target).role_names, {"participant"}),
    )


CSRF_ATTACKS = {
    "lms_accounts.login": csrf_login,
    "lms_accounts.signup": csrf_signup,
    "lms_accounts.forgot_password": csrf_forgot,
    "lms_accounts.reset_password": csrf_reset,
    "lms_accounts.logout": csrf_logout,
    "lms_core.set_language": csrf_language,
    "lms_accounts.profile": csrf_profile,
    "lms_accounts.change_password": csrf_password,
    "lms_accounts.change_email": csrf_email,
    "lms_accounts.create_token": csrf_token_create,
    "lms_accounts.revoke_token": csrf_token_revoke,
    "lms_admin.user_roles": csrf_roles,
}
CSRF_ATTACKS.update(EVENTS_CSRF_ATTACKS)  # the events area's forms (tests/events_csrf.py)
CSRF_ATTACKS.update(REGISTRATIONS_CSRF_ATTACKS)  # registration forms (tests/registrations_csrf.py)
CSRF_ATTACKS.update(CALENDAR_CSRF_ATTACKS)  # the calendar forms (tests/calendar_csrf.py)
CSRF_ATTACKS.update(LEARNER_CSRF_ATTACKS)  # quiz forms (tests/learning_pages_csrf.py)
CSRF_ATTACKS.update(LEARNING_AUTHORING_CSRF_ATTACKS)  # tests/learning_authoring_csrf.py
CSRF_ATTACKS.update(LEARNING_GIFT_CSRF_ATTACKS)  # GIFT import (tests/learning_gift_csrf.py)
CSRF_ATTACKS.update(PROGRESS_CSRF_ATTACKS)  # progress and certificates (tests/progress_csrf.py)
CSRF_ATTACKS.update(LEARNING_RESULTS_CSRF_ATTACKS)  # essays, regrades (learning_results_csrf.py)
CSRF_ATTACKS.update(CONFERENCE_DOOR_CSRF_ATTACKS)  # the conference's door (conference_door_csrf.py)
CSRF_ATTACKS.update(CONFERENCE_BUILD_CSRF_ATTACKS)  # tests/conference_build_csrf.py
CSRF_ATTACKS.update(CONFERENCE_PUBLIC_CSRF_ATTACKS)  # stars (tests/conference_public_csrf.py)


def same(actual, expected):
    db.session.expire_all()
    assert actual == expected


def logged_in(client):
    assert is_logged_in(client)


def not_logged_in(client):
    assert not is_logged_in(client)


def test_every_html_form_endpoint_has_a_csrf_case(app):
    """A new state-changing page must be added to CSRF_ATTACKS (the API is tested apart)."""
    posting = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        and not rule.endpoint.startswith("lms_api.")
    }
    assert posting == set(CSRF_ATTACKS)


@pytest.mark.parametrize("endpoint", sorted(CSRF_ATTACKS))
def test_post_without_csrf_token_is_refused_and_changes_nothing(endpoint, client, factory, login):
    attack = CSRF_ATTACKS[endpoint](factory, login, client)
    response = client.post(attack.path, data=attack.data)
    assert response.status_code == 400
    assert '<main id="main"' in response.get_data(as_text=True), "400 page in the LMS frame"
    attack.unchanged()


@pytest.mark.parametrize("endpoint", ["lms_accounts.login", "lms_accounts.profile"])
def test_post_with_a_token_from_another_session_is_refused(endpoint, client, factory, login, app):
    attack = CSRF_ATTACKS[endpoint](factory, login, client)
    stolen = re.search(
        # Another visitor's token, from a form page (anonymous page frames carry none).
        r'name="csrf_token" value="([^"]+)"',
        app.test_client().get("/login").get_data(as_text=True),
    ).group(1)
    response = client.post(attack.path, data={**attack.data, "csrf_token": stolen})
    assert response.status_code == 400
    attack.unchanged()
