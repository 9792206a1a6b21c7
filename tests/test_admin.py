"""Administration: roles assigned in the browser, the last-admin rule, the mail viewer."""

from __future__ import annotations

import re

import pytest
from accounts_support import mails, post_form, reload_user

from lms.accounts import services
from lms.extensions import db


@pytest.fixture
def admin(factory, login):
    """A logged-in administrator whose pages are in English."""
    person = factory.user("ada@example.no", roles=("admin",), language="en", name="Ada Admin")
    login(person)
    return person


def set_roles(client, user, roles):
    return post_form(client, f"/admin/users/{user.id}", {"roles": roles})


def test_users_page_lists_people_with_their_roles(client, admin, factory):
    factory.user("pia@example.no", name="Pia Deltaker")
    factory.user("ivar@example.no", name="Ivar Instruktør", roles=("instructor",))
    html = client.get("/admin/users").get_data(as_text=True)
    assert "Pia Deltaker" in html and "Ivar Instruktør" in html
    assert "Participant" in html and "Instructor" in html


def test_users_page_searches_by_name_or_email(client, admin, factory):
    factory.user("pia@example.no", name="Pia Deltaker")
    factory.user("ivar@example.no", name="Ivar Instruktør")
    by_name = client.get("/admin/users?q=DELTAKER").get_data(as_text=True)
    assert "Pia Deltaker" in by_name and "Ivar" not in by_name
    by_email = client.get("/admin/users?q=ivar@").get_data(as_text=True)
    assert "Ivar Instruktør" in by_email and "Pia" not in by_email


def test_role_form_shows_the_current_roles_checked(client, admin, factory):
    user = factory.user(roles=("organiser",))
    html = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    checked = set(re.findall(r'<input checked [^>]*value="(\w+)"', html))
    offered = set(re.findall(r'<input [^>]*name="roles" type="checkbox" value="(\w+)"', html))
    assert checked == {"organiser"}
    assert offered == {"instructor", "organiser", "admin"}


def test_admin_grants_and_removes_roles_in_the_browser(client, admin, factory):
    user = factory.user()
    response = set_roles(client, user, ["instructor", "organiser"])
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    assert reload_user(user).role_names == {"participant", "instructor", "organiser"}
    assert "are saved" in client.get("/admin/users").get_data(as_text=True)

    set_roles(client, user, [])
    assert reload_user(user).role_names == {"participant"}, "participant is implicit"


def test_an_unknown_role_is_a_field_error_and_saves_nothing(client, admin, factory):
    user = factory.user(roles=("instructor",))
    response = set_roles(client, user, ["instructor", "superuser"])
    assert response.status_code == 400
    assert "not a valid choice" in response.get_data(as_text=True)
    assert reload_user(user).role_names == {"participant", "instructor"}


def test_the_last_admin_cannot_stop_being_admin(client, admin):
    response = set_roles(client, admin, ["instructor"])
    assert response.status_code == 400
    assert "at least one administrator" in response.get_data(as_text=True)
    assert reload_user(admin).role_names == {"participant", "admin"}


def test_an_admin_may_step_down_when_another_admin_remains(client, admin, factory):
    factory.user("other.admin@example.no", roles=("admin",))
    assert set_roles(client, admin, []).status_code == 302
    assert not reload_user(admin).is_admin
    assert client.get("/admin/users").status_code == 403


def test_the_last_admin_rule_holds_in_the_service(admin, factory):
    other = factory.user(roles=("admin",))
    services.set_roles(reload_user(admin), reload_user(other), set())
    db.session.commit()
    with pytest.raises(services.AccountError):
        services.set_roles(reload_user(admin), reload_user(admin), set())


def test_only_admins_may_set_roles_in_the_service(factory):
    organiser = factory.user(roles=("organiser",))
    target = factory.user()
    with pytest.raises(services.PermissionDenied):
        services.set_roles(organiser, target, {"admin"})


def test_admin_holds_every_role(factory):
    admin = factory.user(roles=("admin",))
    for role in ("participant", "instructor", "organiser", "admin"):
        assert admin.has_role(role)
    organiser = factory.user(roles=("organiser",))
    assert organiser.has_role("organiser") and organiser.has_role("participant")
    assert not organiser.has_role("instructor") and not organiser.has_role("admin")
    assert factory.user().role_names == {"participant"}


# --- Mail viewer ---------------------------------------------------------------------


def test_mail_viewer_lists_outgoing_mail_newest_first(client, admin, factory):
    for email in ("first@example.no", "second@example.no"):
        post_form(client, "/forgot-password", {"email": factory.user(email).email})
    html = client.get("/admin/mail").get_data(as_text=True)
    assert html.index("second@example.no") < html.index("first@example.no")
    assert "No SMTP server is configured" in html


def test_mail_viewer_shows_a_message_with_its_link(client, admin, factory):
    user = factory.user("pia@example.no")
    post_form(client, "/forgot-password", {"email": user.email})
    [message] = mails(to=user.email)
    html = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert message.subject in html
    assert "http://lms.test/reset-password/" in html
    assert message.message_id.replace("<", "&lt;").replace(">", "&gt;") in html


def test_mail_viewer_escapes_message_html(client, admin, factory):
    user = factory.user("pia@example.no", name='<script>alert("x")</script>')
    post_form(client, "/forgot-password", {"email": user.email})
    [message] = mails(to=user.email)
    html = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert "<script>alert" not in html


def test_mail_viewer_says_nothing_about_smtp_when_it_is_set(client, admin, app):
    app.config["LMS_SMTP_HOST"] = "127.0.0.1"
    assert "No SMTP server" not in client.get("/admin/mail").get_data(as_text=True)


def test_unknown_mail_message_is_a_404(client, admin):
    assert client.get("/admin/mail/424242").status_code == 404
