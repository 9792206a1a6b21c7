"""The pages every visitor sees render, and the database answers."""


def test_home_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'<main id="main"' in response.data


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
