"""Every page has an icon: pages link the SVG, and /favicon.ico (which browsers ask for
whatever a page links) leads to it instead of a 404."""

from __future__ import annotations


def test_favicon_ico_leads_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/lms-static/favicon.svg")
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert icon.get_data(as_text=True).startswith("<svg")


def test_pages_link_the_icon(client):
    html = client.get("/events").get_data(as_text=True)
    assert '<link rel="icon" href="/lms-static/favicon.svg" type="image/svg+xml">' in html
