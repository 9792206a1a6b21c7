"""The API: bearer tokens, session use with CSRF, and JSON error bodies."""

from __future__ import annotations

import pytest
from accounts_support import csrf_token
from api_support import assert_error, bearer
from factories import make

from lms.accounts import services
from lms.accounts.models import ApiToken
from lms.extensions import db


@pytest.fixture
def token(factory):
    """``(user, raw)``: an instructor and a fresh token of theirs."""
    user = factory.user("ivar@example.no", roles=("instructor",), name="Ivar")
    _token, raw = services.create_api_token(user, "test")
    db.session.commit()
    return user, raw


def test_bearer_token_authenticates(client, token):
    user, raw = token
    response = client.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 200
    assert response.json == {
        "id": user.id,
        "email": "ivar@example.no",
        "name": "Ivar",
        "organisation": "Testkommune",
        "job_title": "",
        "language": "nb",
        "roles": ["instructor", "participant"],
    }


def test_bearer_use_is_recorded(client, token):
    _user, raw = token
    client.get("/api/v1/me", headers=bearer(raw))
    db.session.expire_all()
    assert db.session.scalar(db.select(ApiToken)).last_used_at is not None


def test_bearer_use_is_recorded_by_a_request_that_writes_or_is_refused(client, token):
    """The last use goes with the request's own commit, and survives a refusal (rollback)."""

    _user, raw = token
    offering = make.offering(capacity=2)
    url = f"/api/v1/events/{offering.id}/registrations"

    def last_used():
        db.session.expire_all()
        return db.session.scalar(db.select(ApiToken)).last_used_at

    assert client.post(url, headers=bearer(raw)).status_code == 201
    first = last_used()
    assert first is not None
    db.session.execute(db.update(ApiToken).values(last_used_at=None))
    db.session.commit()
    assert client.post(url, headers=bearer(raw)).status_code == 409  # rolled back
    assert last_used() is not None


def test_a_token_does_not_leave_a_session_behind(client, token):
    _user, raw = token
    client.get("/api/v1/me", headers=bearer(raw))
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/profile").status_code == 302


def test_a_token_does_not_open_html_pages(client, token):
    _user, raw = token
    assert client.get("/profile", headers=bearer(raw)).status_code == 302


def test_no_credentials_is_401_json(client):
    response = client.get("/api/v1/me")
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer lms_not-a-real-token",
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "lms_token-without-scheme",
        "Bearer " + "x" * 5000,
    ],
)
def test_bad_credentials_are_401_json(client, token, header):
    assert_error(client.get("/api/v1/me", headers={"Authorization": header}), 401, "unauthorized")


def test_revoked_token_is_refused(client, token):
    user, raw = token
    api_token = db.session.scalar(db.select(ApiToken))
    assert services.revoke_api_token(user, api_token.id)
    db.session.commit()
    assert_error(client.get("/api/v1/me", headers=bearer(raw)), 401, "unauthorized")


def test_deactivated_users_token_is_refused(client, token):
    user, raw = token
    user.active = False
    db.session.commit()
    assert_error(client.get("/api/v1/me", headers=bearer(raw)), 401, "unauthorized")


def test_token_is_stored_only_as_its_sha256(token):
    import hashlib

    _user, raw = token
    stored = db.session.scalar(db.select(ApiToken))
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in (stored.token_hash, stored.prefix)


def test_session_user_can_read_the_api(client, factory, login):
    user = factory.user()
    login(user)
    assert client.get("/api/v1/me").json["email"] == user.email


def test_token_list_shows_no_secrets(client, token):
    _user, raw = token
    body = client.get("/api/v1/tokens", headers=bearer(raw)).json
    assert [t["name"] for t in body["tokens"]] == ["test"]
    assert raw not in str(body)


def test_revoke_own_token_with_bearer_needs_no_csrf(client, token):
    _user, raw = token
    api_token = db.session.scalar(db.select(ApiToken))
    response = client.delete(f"/api/v1/tokens/{api_token.id}", headers=bearer(raw))
    assert response.status_code == 204
    assert_error(client.get("/api/v1/me", headers=bearer(raw)), 401, "unauthorized")


def test_another_users_token_cannot_be_revoked_through_the_api(client, token, factory):
    _user, raw = token
    other = factory.user("other@example.no")
    theirs, _ = services.create_api_token(other, "theirs")
    db.session.commit()
    response = client.delete(f"/api/v1/tokens/{theirs.id}", headers=bearer(raw))
    assert_error(response, 404, "not_found")
    db.session.expire_all()
    assert db.session.get(ApiToken, theirs.id).revoked_at is None


def test_session_authenticated_unsafe_call_needs_csrf(client, factory, login):
    user = factory.user()
    login(user)
    api_token, _raw = services.create_api_token(user, "mine")
    db.session.commit()

    refused = client.delete(f"/api/v1/tokens/{api_token.id}")
    assert_error(refused, 400, "csrf_failed")
    db.session.expire_all()
    assert db.session.get(ApiToken, api_token.id).revoked_at is None

    token_value = csrf_token(client, "/profile")
    allowed = client.delete(f"/api/v1/tokens/{api_token.id}", headers={"X-CSRFToken": token_value})
    assert allowed.status_code == 204


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/", "/api/v1/me/extra", "/api/v2/me"]
)
def test_unknown_api_paths_are_404_json(client, path, token):
    _user, raw = token
    assert_error(client.get(path), 404, "not_found")
    assert_error(client.get(path, headers=bearer(raw)), 404, "not_found")


def test_wrong_method_is_405_json(client, token):
    _user, raw = token
    assert_error(client.post("/api/v1/me", headers=bearer(raw)), 405, "method_not_allowed")


def test_oversized_api_body_is_413_json(client, token, app):
    _user, raw = token
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.delete("/api/v1/tokens/1", headers={**bearer(raw)}, data={"x": "y" * 4096})
    assert_error(response, 413, "payload_too_large")


def test_api_errors_never_render_html(client, token):
    _user, raw = token
    response = client.get("/api/v1/tokens/abc", headers=bearer(raw))
    assert_error(response, 404, "not_found")
    assert b"<html" not in response.data


def test_a_bearer_request_loads_token_user_and_roles_in_one_query(
    app, client, factory, count_queries
):
    """Token, user and roles arrive in one query on every API call (after the first use)."""
    from lms.accounts import services
    from lms.extensions import db

    user = factory.user(roles=("organiser",))
    _token, raw = services.create_api_token(user, "bench")
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # records last use
    with count_queries() as statements:
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert len(statements) == 1, statements
