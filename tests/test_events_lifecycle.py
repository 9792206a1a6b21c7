"""A cancelled or archived offering is read only; confirmation pages before cancelling an
offering and leaving a network; a duplicate's title says it is a copy; deleting drafts."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from conftest import post_form
from factories import at_ten_in_oslo
from sqlalchemy import func, select

from lms.core.dates import to_local
from lms.events import lifecycle, manage, services
from lms.events.manage import SessionData
from lms.events.models import Network, NetworkMembership, Offering, OfferingSession
from lms.extensions import db
from lms.registrations import services as registrations
from lms.registrations.models import Registration
from lms.timeutil import utcnow


@pytest.fixture
def organiser(factory):
    return factory.user("org@example.no", roles=("organiser",), language="en")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def sessions_of(offering_id: int) -> list[OfferingSession]:
    db.session.expire_all()
    return list(db.get_or_404(Offering, offering_id).sessions)


# --- bug: editing a cancelled offering half-saved and added a live session ---------------


@pytest.mark.parametrize("status", ["cancelled", "archived"])
def test_a_closed_offering_is_read_only_on_its_page(client, login, organiser, factory, status):
    made = factory.offering("Avlyst seminar")
    if status == "cancelled":
        manage.cancel_offering(organiser, made)
    else:
        made.status = "archived"
    db.session.commit()
    login(organiser)
    page = f"/manage/offerings/{made.id}"
    shown = text(client.get(page))
    assert 'name="sessions-0-day"' not in shown  # no session rows, empty or not
    assert ">Save<" not in shown
    assert "Copy as a new draft" in shown
    row = to_local(at_ten_in_oslo(30))
    data = {"title": "Endret", "capacity": "20", "offer_hours": "48", "kind": "seminar"}
    data |= {"language": "nb", "waitlist_mode": "auto"}
    data |= {"sessions-0-day": row.date().isoformat()}
    data |= {"sessions-0-start": "10:00", "sessions-0-end": "12:00"}
    response = post_form(client, page, data)
    assert response.status_code == 409
    assert "cannot be changed" in text(response)
    assert db.session.get(Offering, made.id).title == "Avlyst seminar"
    assert all(s.status == "cancelled" for s in sessions_of(made.id)) or status == "archived"
    assert len(sessions_of(made.id)) == 1  # nothing added


def test_the_service_refuses_to_change_a_cancelled_offering(organiser, factory):
    made = factory.offering()
    manage.cancel_offering(organiser, made)
    db.session.commit()
    starts = at_ten_in_oslo(40)
    new = SessionData(starts_at=starts, ends_at=starts + timedelta(hours=2))
    with pytest.raises(services.EventError) as refused:
        manage.update_offering(organiser, made, {"title": "Ny"}, [new])
    assert refused.value.code == "read_only"
    with pytest.raises(services.EventError):
        manage.set_instructors(organiser, made, [])


def test_a_cancelled_offering_never_shows_a_live_session(client, factory, organiser):
    """Even a session row left live under it (made before the guard) is shown cancelled."""
    made = factory.offering("Avlyst seminar")
    manage.cancel_offering(organiser, made)
    factory.session(made, at_ten_in_oslo(50))  # the half-save the bug made
    db.session.commit()
    page = text(client.get(f"/events/{made.id}"))
    assert page.count("<del>") == 2


def test_a_cancelled_offering_offers_no_places_and_no_calendar(client, factory, organiser):
    """Its public page counts no places and offers no calendar to subscribe to: it says
    that it is cancelled (those who had it in their calendar get the cancellation)."""
    made = factory.offering("Avlyst seminar", capacity=30)
    manage.cancel_offering(organiser, made)
    db.session.commit()
    page = client.get(f"/events/{made.id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "This offering is cancelled." in page
    assert "Places left" not in page and "<dd>30</dd>" not in page
    assert "Subscribe in your calendar app" not in page


# --- confirmation before cancelling: how many people are mailed ---------------------------


def test_cancelling_asks_first_and_says_how_many_are_mailed(client, login, organiser, factory):
    made = factory.offering(capacity=1)
    registrations.register(factory.user("a@example.no"), made.id)
    registrations.register(factory.user("b@example.no"), made.id)  # on the waiting list
    db.session.commit()
    login(organiser)
    confirm = f"/manage/offerings/{made.id}/cancel"
    page = text(client.get(confirm))
    assert "2 people are told by e-mail." in page
    assert db.session.get(Offering, made.id).status == "published"  # asking changes nothing
    edit = text(client.get(f"/manage/offerings/{made.id}"))
    assert f'href="{confirm}"' in edit and f'action="{confirm}"' not in edit
    assert post_form(client, confirm, {"reason": "Sykdom"}, form_page=confirm).status_code == 302
    db.session.expire_all()
    assert db.session.get(Offering, made.id).status == "cancelled"


def test_the_cancel_page_says_when_nobody_is_mailed(client, login, organiser, factory):
    made = factory.offering()
    login(organiser)
    assert "nobody is mailed" in text(client.get(f"/manage/offerings/{made.id}/cancel"))


def test_cancelling_says_nobody_was_told_when_nobody_was_registered(
    client, login, organiser, factory
):
    """After the page said nobody is mailed, the message said everyone had been told."""
    made = factory.offering()
    login(organiser)
    confirm = f"/manage/offerings/{made.id}/cancel"
    done = text(post_form(client, confirm, {}, follow_redirects=True))
    assert "The offering is cancelled." in done and "everyone registered is told" not in done
    taken = factory.offering()
    registrations.register(factory.user("a@example.no"), taken.id)
    db.session.commit()
    confirm = f"/manage/offerings/{taken.id}/cancel"
    done = text(post_form(client, confirm, {}, follow_redirects=True))
    assert "The offering is cancelled and everyone registered is told." in done


# --- confirmation before leaving a network: which places are cancelled -------------------


def test_leaving_asks_first_and_names_the_places(client, login, factory):
    net = Network(name="Nettverk for samfunnsansvar", recurrence_rule="FREQ=MONTHLY;BYDAY=2TU")
    db.session.add(net)
    db.session.commit()
    member = factory.user("medlem@example.no", language="en")
    db.session.add(NetworkMembership(network_id=net.id, user_id=member.id))
    coming = factory.offering(
        "Møte i juni", kind="network_meeting", members_only=True, network_id=net.id
    )
    public = factory.offering("Åpent møte", kind="network_meeting", network_id=net.id)
    db.session.commit()
    registrations.register(member, coming.id)
    registrations.register(member, public.id)
    db.session.commit()
    login(member)
    assert [o.id for o in lifecycle.places_lost_by_leaving(member, net)] == [coming.id]
    confirm = f"/networks/{net.id}/leave"
    page = text(client.get(confirm))
    assert "Your place at this coming members-only meeting is cancelled" in page
    assert "Møte i juni" in page and "Åpent møte" not in page
    assert f'href="{confirm}"' in text(client.get(f"/networks/{net.id}"))
    response = post_form(client, confirm, {}, form_page=confirm)
    assert response.status_code == 302
    flashes = text(client.get(response.headers["Location"]))
    assert "Your place at 1 coming meeting is cancelled." in flashes


def test_the_leave_page_is_for_members_only(client, login, factory):
    net = Network(name="N", recurrence_rule="FREQ=MONTHLY")
    db.session.add(net)
    db.session.commit()
    login(factory.user())
    assert client.get(f"/networks/{net.id}/leave").status_code == 404


# --- duplicates say they are copies -------------------------------------------------------


@pytest.mark.parametrize(("language", "title"), [("nb", "Kopi av Kurs"), ("en", "Copy of Kurs")])
def test_a_copy_says_it_is_one_in_the_offerings_language(organiser, factory, language, title):
    made = factory.offering("Kurs", language=language)
    assert manage.duplicate(organiser, made).title == title


def test_a_copy_of_a_cancelled_offering_keeps_its_sessions(organiser, factory):
    made = factory.offering(sessions=2)
    manage.cancel_offering(organiser, made)
    copy = manage.duplicate(organiser, made, weeks=0)
    assert [s.status for s in copy.sessions] == ["scheduled", "scheduled"]
    assert [s.starts_at for s in copy.sessions] == [s.starts_at for s in made.sessions]


# --- deleting drafts ----------------------------------------------------------------------


def _offerings() -> int:
    return db.session.scalar(select(func.count()).select_from(Offering))


def test_a_draft_is_deleted_after_a_confirmation(client, login, organiser, factory):
    draft = factory.offering("Utkastet", status="draft")
    login(organiser)
    page = f"/manage/offerings/{draft.id}/delete"
    assert f'href="{page}"' in text(client.get(f"/manage/offerings/{draft.id}"))
    assert "Delete the draft Utkastet?" in text(client.get(page))
    assert _offerings() == 1
    response = post_form(client, page, {})
    assert response.status_code == 302 and response.headers["Location"] == "/manage/offerings"
    assert _offerings() == 0


def test_only_drafts_nobody_registered_for_are_deleted(client, login, organiser, factory):
    published = factory.offering()
    draft = factory.offering(status="draft")
    person = factory.user()
    db.session.add(Registration(offering_id=draft.id, user_id=person.id, status="confirmed"))
    db.session.commit()
    for made in (published, draft):
        with pytest.raises(services.EventError) as refused:
            lifecycle.delete_draft(organiser, made)
        assert refused.value.code == "not_deletable"
        db.session.rollback()
    login(organiser)
    for made in (published, draft):
        page = f"/manage/offerings/{made.id}/delete"
        assert post_form(client, page, {}, form_page="/").status_code == 302
    assert _offerings() == 2


def test_deleting_is_for_organisers_in_the_service(factory):
    teacher = factory.user(roles=("instructor",))
    draft = factory.offering(status="draft", instructors=[teacher])
    with pytest.raises(services.PermissionDenied):
        lifecycle.delete_draft(teacher, draft)
    assert draft.can_edit(teacher) and utcnow()


def test_skipping_a_meeting_asks_first(client, login, organiser, factory):
    net = Network(name="Nettverket", recurrence_rule="FREQ=MONTHLY;BYDAY=2TU")
    db.session.add(net)
    db.session.commit()
    meeting = factory.offering("Møtet", kind="network_meeting", network_id=net.id)
    registrations.register(factory.user("a@example.no"), meeting.id)
    db.session.commit()
    login(organiser)
    confirm = f"/manage/networks/{net.id}/meetings/{meeting.id}/skip"
    assert f'href="{confirm}"' in text(client.get(f"/manage/networks/{net.id}"))
    assert "1 person is told by e-mail." in text(client.get(confirm))
    assert db.session.get(Offering, meeting.id).status == "published"
    assert post_form(client, confirm, {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Offering, meeting.id).status == "cancelled"


# --- the edit form: sections that fold, the save bar with the main actions ---------------


def test_the_edit_form_keeps_save_and_publish_together(client, login, organiser, factory):
    draft = factory.offering(status="draft")
    login(organiser)
    page = text(client.get(f"/manage/offerings/{draft.id}"))
    bar = page[page.index('class="lms-edit-bar"') :]
    bar = bar[: bar.index("</div>")]
    assert ">Save<" in bar and 'name="publish"' in bar
    assert 'id="publish-form"' in page
    assert page.count('class="ds-details lms-form-section"') == 4
    assert '<details class="ds-details lms-form-section" id="section-basics" open>' in page
    assert 'id="section-registration">' in page  # folded until needed


def _edited(made, **changes) -> dict:
    """The edit form of ``made`` as sent back, with ``changes``."""
    start = to_local(made.sessions[0].starts_at)
    end = to_local(made.sessions[0].ends_at)
    data = {
        "title": made.title,
        "kind": made.kind,
        "language": made.language,
        "capacity": str(made.capacity),
        "waitlist_mode": made.waitlist_mode,
        "offer_hours": str(made.offer_hours),
        "sessions-0-id": str(made.sessions[0].id),
        "sessions-0-day": start.date().isoformat(),
        "sessions-0-start": start.strftime("%H:%M"),
        "sessions-0-end": end.strftime("%H:%M"),
    }
    return data | changes


def test_publish_in_the_save_bar_keeps_what_was_typed(client, login, organiser, factory):
    """The bar's Publish sits beside Save: pressing it saves the form, then publishes,
    instead of publishing the draft as it was and dropping what was typed."""
    draft = factory.offering(status="draft")
    login(organiser)
    page = f"/manage/offerings/{draft.id}"
    response = post_form(client, page, _edited(draft, summary="Nytt sammendrag", publish="1"))
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Offering, draft.id)
    assert (saved.summary, saved.status) == ("Nytt sammendrag", "published")
    assert "The offering is published." in text(client.get(page))


def test_a_field_with_an_error_is_never_folded_away(client, login, organiser, factory):
    made = factory.offering()
    login(organiser)
    response = post_form(client, f"/manage/offerings/{made.id}", {"title": "X", "capacity": ""})
    assert response.status_code == 400
    assert 'id="section-registration" open>' in text(response)


def test_taking_a_member_off_asks_first_and_names_the_places(client, login, organiser, factory):
    net = Network(name="Nettverket", recurrence_rule="FREQ=MONTHLY;BYDAY=2TU")
    db.session.add(net)
    db.session.commit()
    member = factory.user("medlem@example.no")
    db.session.add(NetworkMembership(network_id=net.id, user_id=member.id))
    meeting = factory.offering(
        "Møtet i mai", kind="network_meeting", members_only=True, network_id=net.id
    )
    db.session.commit()
    registrations.register(member, meeting.id)
    db.session.commit()
    login(organiser)
    confirm = f"/manage/networks/{net.id}/members/{member.id}/remove"
    assert f'href="{confirm}"' in text(client.get(f"/manage/networks/{net.id}"))
    page = text(client.get(confirm))
    assert "Their place at this coming members-only meeting is cancelled" in page
    assert "Møtet i mai" in page
    assert db.session.get(NetworkMembership, (net.id, member.id)) is not None
    assert post_form(client, confirm, {}).status_code == 302
    assert db.session.get(NetworkMembership, (net.id, member.id)) is None
