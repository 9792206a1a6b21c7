"""The outgoing-mail viewer searched by recipient and filtered by kind and status, the
filters kept in the pager's links (lms/admin/mail_list.py, /admin/mail)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from lms.admin import views
from lms.extensions import db
from lms.mail.models import OutboxMessage


@pytest.fixture
def admin(factory, login):
    person = factory.user("ada@example.no", roles=("admin",), language="en", name="Ada Admin")
    login(person)
    return person


def _fail(message):
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message.id).values(status="failed")
    )
    db.session.commit()


def _listed(client, query: str) -> set[str]:
    html = client.get("/admin/mail" + query).get_data(as_text=True)
    return set(re.findall(r"<td data-label=\"To\">([^<]*)</td>", html))


def test_search_by_recipient_any_case(client, admin, factory):
    factory.mail(factory.user("Kari.Nordmann@Kommune.example.no"))
    factory.mail(factory.user("ola@example.no"))
    assert _listed(client, "?to=NORDMANN") == {"kari.nordmann@kommune.example.no"}
    assert _listed(client, "?to=example.no") == {
        "kari.nordmann@kommune.example.no",
        "ola@example.no",
    }
    assert _listed(client, "?to=%25") == set()  # a wildcard is searched for as itself


def test_filter_by_kind_and_status(client, admin, factory):
    kari = factory.user("kari@example.no")
    ola = factory.user("ola@example.no")
    factory.mail(kari, "password_changed")
    _fail(factory.mail(ola, "password_changed"))
    factory.mail(ola, "verify_email", link="https://example.no/verify/x")
    assert _listed(client, "?status=failed") == {"ola@example.no"}
    assert _listed(client, "?kind=verify_email") == {"ola@example.no"}
    assert _listed(client, "?kind=password_changed") == {"kari@example.no", "ola@example.no"}
    assert _listed(client, "?kind=password_changed&status=pending") == {"kari@example.no"}
    html = client.get("/admin/mail?status=failed").get_data(as_text=True)
    assert '<option value="failed" selected' in html
    assert "Password changed" in html  # the kind's label, in its column and the filter


def test_unknown_filters_are_ignored(client, admin, factory):
    factory.mail(factory.user("kari@example.no"))
    for query in ("?kind=nonsense", "?status=lost", "?to=" + "x" * 2000 + "&page=abc"):
        response = client.get("/admin/mail" + query)
        assert response.status_code == 200
    assert _listed(client, "?kind=nonsense&status=lost") == {"kari@example.no"}


def test_the_pager_keeps_the_filters(client, admin, factory, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(3):
        _fail(factory.mail(factory.user(f"person{n}@example.no")))
    factory.mail(factory.user("other@example.no"))
    html = client.get("/admin/mail?status=failed&to=person").get_data(as_text=True)
    [next_link] = re.findall(r'href="([^"]*page=2[^"]*)"', html)
    assert "status=failed" in next_link and "to=person" in next_link
    assert "3 mails" in html


def test_a_page_past_the_last_says_so(client, admin, factory):
    factory.mail(factory.user("kari@example.no"))
    html = client.get("/admin/mail?page=3&status=pending").get_data(as_text=True)
    assert "The list has only 1 page." in html
    assert "No mail yet." not in html and "No mail matches" not in html
    assert 'href="/admin/mail?status=pending"' in html
