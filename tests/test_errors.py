"""Error pages come in the LMS frame (HTML) or as JSON bodies (API), never as stack traces."""

import pytest
from flask import abort

# Error pages reach no database: the SQLite pass runs them alone.
pytestmark = pytest.mark.pure

FRAME = '<main id="main"'


@pytest.fixture
def failing_app(app):
    """The test app plus routes that fail, registered before its first request."""

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("secret internal detail")

    @app.get("/forbidden")
    def forbidden():
        abort(403)

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.mark.parametrize(
    ("path", "status"),
    [("/no-such-page", 404), ("/forbidden", 403), ("/boom", 500)],
)
def test_html_errors_use_the_frame(failing_app, path, status):
    response = failing_app.test_client().get(path)
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert FRAME in body and f"{status}" in body
    assert "Traceback" not in body and "secret internal detail" not in body


def test_method_not_allowed_uses_the_frame(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert FRAME in response.get_data(as_text=True)


def test_oversized_body_is_413_in_the_frame(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "x" * 4096})
    assert response.status_code == 413
    assert FRAME in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [("/api/v1/no-such-endpoint", 404, "not_found"), ("/api/v1/boom", 500, "internal_error")],
)
def test_api_errors_are_json(failing_app, path, status, code):
    response = failing_app.test_client().get(path)
    assert response.status_code == status
    assert response.is_json
    assert response.json["error"]["code"] == code
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_error_page_follows_the_language(client):
    english = client.get("/missing", headers={"Accept-Language": "en"}).get_data(as_text=True)
    norwegian = client.get("/missing", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert "Page not found" in english
    assert "Fant ikke siden" in norwegian
