"""Helpers shared by the API tests."""

from __future__ import annotations


def bearer(raw: str) -> dict[str, str]:
    """The header that authenticates with a personal API token."""
    return {"Authorization": f"Bearer {raw}"}


def assert_error(response, status: int, code: str) -> None:
    """The API's only error shape: ``{"error": {"code": …, "message": …}}``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert set(response.json) == {"error"}
    assert set(response.json["error"]) == {"code", "message"}
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]
