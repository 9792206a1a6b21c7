"""Managing offerings: who may do what (in the services and through the pages),
create, edit with sessions, publish, duplicate, cancel."""

from __future__ import annotations

import inspect
import re
from datetime import date, timedelta

import pytest
from conftest import post_form
from factories import make, oslo, outbox, year_like
from sqlalchemy import select

from lms.core.dates import to_local
from lms.events import forms, manage, services
from lms.events.models import Network, Offering, OfferingSession
from lms.extensions import db
from lms.registrations import services as registrations
from lms.registrations.models import Registration

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2030 = year_like(2030)


@pytest.fixture
def people(factory):
    return {
        "organiser": factory.user(roles=("organiser",)),
        "assigned": factory.user(roles=("instructor",), name="Anne Tildelt"),
        "other": factory.user(roles=("instructor",), name="Ola Annen"),
        "participant": factory.user(),
    }


def mails(kind):
    return outbox(kind=kind)


def _session_rows(made):
    return [
        manage.SessionData(id=s.id, starts_at=s.starts_at, ends_at=s.ends_at) for s in made.sessions
    ]


def _kept_session_fields(made) -> dict[str, str]:
    """Form rows that keep the first session (3 hours, same day) and leave the spare row empty."""
    start = to_local(made.sessions[0].starts_at)
    return {
        "sessions-0-id": str(made.sessions[0].id),
        "sessions-0-day": start.date().isoformat(),
        "sessions-0-start": start.strftime("%H:%M"),
        "sessions-0-end": (start + timedelta(hours=3)).strftime("%H:%M"),
        "sessions-1-day": "",
        "sessions-1-start": "",
        "sessions-1-end": "",
    }


# --- permissions in the services -------------------------------------------------------------


def test_edit_permissions_in_services(people):
    made = make.offering(instructors=[people["assigned"]])
    rows = _session_rows(made)
    for who in ("organiser", "assigned"):
        manage.update_offering(people[who], made, {"summary": who}, rows)
    for who in ("other", "participant"):
        with pytest.raises(services.PermissionDenied):
            manage.update_offering(people[who], made, {"summary": who}, rows)
    assert made.summary == "assigned"


@pytest.mark.parametrize("who", ["assigned", "other", "participant"])
def test_only_organisers_create_publish_duplicate_cancel(people, who):
    made = make.offering(status="draft", instructors=[people["assigned"]])
    actor = people[who]
    start = made.sessions[0].starts_at
    row = manage.SessionData(starts_at=start, ends_at=start + timedelta(hours=1))
    for attempt in (
        lambda: manage.create_offering(actor, {"title": "X"}, [row]),
        lambda: manage.publish(actor, made),
        lambda: manage.duplicate(actor, made),
        lambda: manage.cancel_offering(actor, made),
        lambda: manage.set_instructors(actor, made, [actor.id]),
    ):
        with pytest.raises(services.PermissionDenied):
            attempt()
    assert made.status == "draft"


def test_managed_list_per_role(people):
    mine = make.offering("Mitt kurs", status="draft", instructors=[people["assigned"]])
    make.offering("Andres kurs")
    listed = lambda who: [  # noqa: E731
        o.title for o in db.session.scalars(manage.managed_offerings_statement(people[who]))
    ]
    assert listed("assigned") == [mine.title]
    assert sorted(listed("organiser")) == ["Andres kurs", "Mitt kurs"]
    assert listed("other") == []
    with pytest.raises(services.PermissionDenied):
        manage.managed_offerings_statement(people["participant"])


# --- the pages ---------------------------------------------------------------------------------


def _form(**overrides):
    data = {
        "title": "Antikorrupsjon for innkjøpere",
        "kind": "course",
        "summary": "Habilitet og korrupsjonsrisiko",
        "description_md": "**Velkommen**",
        "themes": ["anti_corruption"],
        "principles": ["10"],
        "language": "nb",
        "venue": "Anskaffelseshuset",
        "capacity": "25",
        "waitlist_mode": "auto",
        "offer_hours": "48",
        "sessions-0-day": f"{Y2030}-10-24",
        "sessions-0-start": "09:00",
        "sessions-0-end": "12:00",
        "sessions-1-day": f"{Y2030}-10-31",
        "sessions-1-start": "09:00",
        "sessions-1-end": "12:00",
        "registration_closes_at": f"{Y2030}-10-20T12:00",
    }
    data.update(overrides)
    return data


def test_organiser_creates_a_draft_with_sessions_in_oslo_time(client, people, login):
    login(people["organiser"])
    response = post_form(
        client,
        "/manage/offerings/new",
        _form(instructors=[str(people["assigned"].id)]),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    made = db.session.scalar(select(Offering))
    assert made.status == "draft" and made.kind == "course"
    assert made.themes == ["anti_corruption"] and made.principles == [10]
    # 09:00 in Oslo on both sides of the October DST change.
    assert [s.starts_at for s in made.sessions] == [oslo(Y2030, 10, 24, 9), oslo(Y2030, 10, 31, 9)]
    assert made.registration_closes_at == oslo(Y2030, 10, 20, 12)
    assert [i.id for i in made.instructors] == [people["assigned"].id]
    # The edit page shows the times back in Oslo time.
    html = client.get(f"/manage/offerings/{made.id}").get_data(as_text=True)
    assert 'value="09:00"' in html and f'value="{Y2030}-10-31"' in html


def test_guest_speakers_are_shown_without_getting_an_account(client, people, login):
    """A guest from outside is a line of text: shown with the instructors, and nobody
    gets the right to edit the offering by being one."""
    login(people["organiser"])
    guests = "  Kari Nordmann, ILO \r\n\r\nOla Leverandør, Leverandør AS\r\n"
    response = post_form(
        client,
        "/manage/offerings/new",
        _form(instructors=[str(people["assigned"].id)], guest_speakers=guests),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    made = db.session.scalar(select(Offering))
    assert made.guest_speakers == "Kari Nordmann, ILO\nOla Leverandør, Leverandør AS"
    manage.publish(people["organiser"], made)
    db.session.commit()
    html = client.get(f"/events/{made.id}").get_data(as_text=True)
    speakers = html[html.index(people["assigned"].name) :]
    speakers = speakers[: speakers.index("</dd>")]
    assert "<br>Kari Nordmann, ILO<br>Ola Leverandør, Leverandør AS" in speakers
    edit = client.get(f"/manage/offerings/{made.id}").get_data(as_text=True)
    assert "Kari Nordmann, ILO" in edit, "the edit form shows them back"


def test_bad_sessions_are_form_errors_and_nothing_is_saved(client, people, login):
    login(people["organiser"])
    bad = _form(**{"sessions-0-end": "08:00"})
    response = post_form(client, "/manage/offerings/new", bad)
    assert response.status_code == 400
    assert 'href="#sessions-0-end"' in response.get_data(as_text=True)  # in the summary
    none = _form(**{f"sessions-{n}-{f}": "" for n in (0, 1) for f in ("day", "start", "end")})
    assert post_form(client, "/manage/offerings/new", none).status_code == 400
    assert post_form(client, "/manage/offerings/new", _form(capacity="-1")).status_code == 400
    assert db.session.scalar(select(Offering)) is None


def test_a_session_the_offering_does_not_have_is_refused_in_its_own_words(client, factory, login):
    """A row naming another offering's session (or one removed meanwhile) is refused as
    that, not as a session that ends before it starts; nothing is saved."""
    mine, theirs = make.offering("Mitt"), make.offering("Deres")
    login(factory.user(roles=("organiser",), language="en"))
    page = f"/manage/offerings/{mine.id}"
    fields = {**_kept_session_fields(mine), "sessions-0-id": str(theirs.sessions[0].id)}
    response = post_form(client, page, _form(kind="seminar", title="Endret", **fields))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "A session in the form is no longer part of this offering" in html
    assert "each must end after it starts" not in html
    db.session.expire_all()
    assert db.session.get(Offering, mine.id).title == "Mitt"


def test_each_refusal_of_the_offering_form_has_its_own_message(app):
    """Every code the offering form's services raise has a message of its own, shown at
    its field or above the form; a new code without one fails here."""
    from flask_babel import force_locale

    from lms.events.manage_views import FORM_ERRORS, show_form_error

    services_of_the_form = (
        manage.create_offering,
        manage.update_offering,
        manage._apply_sessions,
        manage.set_instructors,
    )
    raised = {
        code
        for function in services_of_the_form
        for code in re.findall(r'EventError\("(\w+)"\)', inspect.getsource(function))
    }
    assert raised >= {"ends_before_start", "no_sessions", "unknown_session"}
    assert raised <= set(FORM_ERRORS), raised - set(FORM_ERRORS)
    with app.test_request_context("/", method="POST"), force_locale("en"):
        shown = {}
        for code in FORM_ERRORS:
            form = forms.OfferingForm(meta={"csrf": False})
            form.validate()
            before = {name: list(field.errors) for name, field in form._fields.items()}
            general_before = len(form.general_errors)
            show_form_error(form, services.EventError(code))
            added = [
                (name, str(message))
                for name, field in form._fields.items()
                for message in field.errors[len(before[name]) :]
            ] + [("form", str(message)) for message in form.general_errors[general_before:]]
            assert len(added) == 1, (code, added)
            shown[code] = added[0]
    assert shown["not_an_instructor"][0] == "instructors"
    assert shown["no_sessions"][0] == "form"
    assert "at least one session" in shown["no_sessions"][1]
    messages = [message for _where, message in shown.values()]
    assert len(set(messages)) == len(messages), shown


def test_instructor_edits_own_offering_only(client, people, login):
    mine = make.offering("Mitt", instructors=[people["assigned"]])
    theirs = make.offering("Deres", instructors=[people["other"]])
    login(people["assigned"])
    assert client.get(f"/manage/offerings/{theirs.id}").status_code == 403
    page = f"/manage/offerings/{mine.id}"
    assert client.get(page).status_code == 200
    data = _form(
        title="Mitt endret",
        kind="seminar",
        **{
            **_kept_session_fields(mine),
            "venue": "Anskaffelseshuset",
            "instructors": [str(people["other"].id)],  # ignored: only organisers assign
        },
    )
    assert post_form(client, page, data).status_code == 302
    assert (
        post_form(client, f"/manage/offerings/{theirs.id}", data, form_page=page).status_code == 403
    )
    db.session.expire_all()
    assert db.session.get(Offering, mine.id).title == "Mitt endret"
    assert [i.id for i in db.session.get(Offering, mine.id).instructors] == [people["assigned"].id]
    assert db.session.get(Offering, theirs.id).title == "Deres"


def test_changing_time_bumps_sequence_and_mails_participants(people):
    made = make.offering(capacity=1)
    confirmed, waiting = people["participant"], people["other"]
    registrations.register(confirmed, made.id)
    registrations.register(waiting, made.id)
    db.session.commit()
    session = made.sessions[0]
    unchanged = _session_rows(made)
    assert manage.update_offering(people["organiser"], made, {"summary": "ny"}, unchanged) is False
    assert session.sequence == 0 and mails("offering_changed") == []

    later = [
        manage.SessionData(
            id=session.id,
            starts_at=session.starts_at + timedelta(hours=1),
            ends_at=session.ends_at + timedelta(hours=1),
        )
    ]
    assert manage.update_offering(people["organiser"], made, {}, later) is True
    db.session.commit()
    assert session.sequence == 1
    sent = mails("offering_changed")
    assert [m.to_address for m in sent] == [confirmed.email]  # not the waiting list

    manage.update_offering(people["organiser"], made, {"venue": "Nytt sted"}, _session_rows(made))
    db.session.commit()
    assert session.sequence == 2 and len(mails("offering_changed")) == 2


def test_sessions_added_and_removed(people):
    made = make.offering(sessions=2)
    first, second = made.sessions
    rows = [
        manage.SessionData(id=first.id, starts_at=first.starts_at, ends_at=first.ends_at),
        manage.SessionData(id=second.id, remove=True),
        manage.SessionData(
            starts_at=second.starts_at + timedelta(days=1),
            ends_at=second.ends_at + timedelta(days=1),
        ),
    ]
    manage.update_offering(people["organiser"], made, {}, rows)
    db.session.commit()
    rows_now = db.session.scalars(select(OfferingSession).order_by(OfferingSession.starts_at)).all()
    # Published: the removed session stays, cancelled, so calendars can drop it.
    assert [(s.starts_at, s.status, s.sequence) for s in rows_now] == [
        (first.starts_at, "scheduled", 0),
        (second.starts_at, "cancelled", 1),
        (second.starts_at + timedelta(days=1), "scheduled", 0),
    ]
    with pytest.raises(services.EventError):
        bad = [manage.SessionData(starts_at=first.starts_at, ends_at=first.starts_at)]
        manage.update_offering(people["organiser"], made, {}, bad)


def test_a_drafts_removed_session_is_deleted(people):
    """No calendar has seen a draft, so there is nothing to mark cancelled."""
    made = make.offering(status="draft", sessions=2)
    first, second = made.sessions
    rows = [
        manage.SessionData(id=first.id, starts_at=first.starts_at, ends_at=first.ends_at),
        manage.SessionData(id=second.id, remove=True),
    ]
    manage.update_offering(people["organiser"], made, {}, rows)
    db.session.commit()
    assert db.session.scalars(select(OfferingSession.id)).all() == [first.id]


def test_the_last_session_of_a_published_offering_cannot_be_removed(people):
    made = make.offering()
    (only,) = made.sessions
    with pytest.raises(services.EventError):
        manage.update_offering(
            people["organiser"], made, {}, [manage.SessionData(id=only.id, remove=True)]
        )


def test_publish(client, people, login):
    draft = make.offering(status="draft")
    login(people["organiser"])
    page = f"/manage/offerings/{draft.id}"
    assert post_form(client, f"{page}/publish", {}, form_page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(Offering, draft.id).status == "published"


def test_duplicate_for_next_year(client, people, login, factory):
    made = make.offering(
        "Klima og miljø i anskaffelser",
        starts=oslo(Y2030, 3, 20, 9),
        sessions=2,
        themes=["climate_environment"],
        instructors=[people["assigned"]],
        registration_closes_at=oslo(Y2030, 3, 15, 12),
    )
    registrations.register(factory.user(), made.id)
    db.session.commit()
    login(people["organiser"])
    page = f"/manage/offerings/{made.id}"
    response = post_form(client, f"{page}/duplicate", {"weeks": "52"}, form_page=page)
    assert response.status_code == 302
    copy = db.session.scalar(select(Offering).where(Offering.id != made.id))
    assert copy.status == "draft" and copy.title == f"Kopi av {made.title}"  # nb offering
    assert copy.themes == ["climate_environment"]
    assert [i.id for i in copy.instructors] == [people["assigned"].id]
    # 52 weeks on, still 09:00 Oslo time (the copy crosses no DST trap)
    assert [to_local(s.starts_at).hour for s in copy.sessions] == [9, 9]
    day = date(Y2030, 3, 20) + timedelta(weeks=52)
    assert copy.sessions[0].starts_at == oslo(day.year, day.month, day.day, 9)
    day = date(Y2030, 3, 15) + timedelta(weeks=52)
    assert copy.registration_closes_at == oslo(day.year, day.month, day.day, 12)
    assert {s.uid for s in copy.sessions}.isdisjoint({s.uid for s in made.sessions})
    assert (
        db.session.scalar(select(Registration).where(Registration.offering_id == copy.id)) is None
    )


def test_cancel_offering_cancels_everyone_and_mails_them(client, people, login, factory):
    made = make.offering(capacity=1)
    confirmed, waiting = factory.user(), factory.user()
    registrations.register(confirmed, made.id)
    registrations.register(waiting, made.id)
    db.session.commit()
    login(people["organiser"])
    page = f"/manage/offerings/{made.id}"
    assert post_form(client, f"{page}/cancel", {}, form_page=page).status_code == 302
    db.session.expire_all()
    made = db.session.get(Offering, made.id)
    assert made.status == "cancelled"
    assert [(s.status, s.sequence) for s in made.sessions] == [("cancelled", 1)]
    statuses = db.session.scalars(
        select(Registration.status).where(Registration.offering_id == made.id)
    ).all()
    assert statuses == ["cancelled", "cancelled"]  # nobody promoted into a cancelled offering
    assert sorted(m.to_address for m in mails("registration_cancelled")) == sorted(
        [confirmed.email, waiting.email]
    )
    # A second cancel is refused without harm.
    assert post_form(client, f"{page}/cancel", {}, form_page=page).status_code == 302
    assert len(mails("registration_cancelled")) == 2


def test_cancel_mail_reaches_smtp(client, people, login, factory, smtp_server):
    made = make.offering()
    person = factory.user()
    registrations.register(person, made.id)
    db.session.commit()
    login(people["organiser"])
    page = f"/manage/offerings/{made.id}"
    assert post_form(client, f"{page}/cancel", {}, form_page=page).status_code == 302
    subjects = [m["Subject"] for m in smtp_server.messages if m["To"] == person.email]
    assert any(made.title in s for s in subjects), subjects


def test_lowering_capacity_below_seats_held_warns_and_drops_nobody(client, people, login, factory):
    made = make.offering(capacity=3)
    holders = [factory.user() for _ in range(3)]
    for person in holders:
        registrations.register(person, made.id)
    db.session.commit()
    with pytest.raises(registrations.CapacityWarning):
        manage.update_offering(people["organiser"], made, {"capacity": 1}, _session_rows(made))
    db.session.rollback()

    login(people["organiser"])
    page = f"/manage/offerings/{made.id}"
    data = _form(
        capacity="1",
        kind="seminar",
        **{
            **_kept_session_fields(made),
        },
    )
    response = post_form(client, page, data)
    assert response.status_code == 400
    assert 'id="allow_below_held"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Offering, made.id).capacity == 3
    assert post_form(client, page, {**data, "allow_below_held": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Offering, made.id).capacity == 1
    statuses = db.session.scalars(select(Registration.status)).all()
    assert statuses == ["confirmed"] * 3


def test_archive(client, people, login):
    made = make.offering("Arkiveres")
    draft = make.offering("Utkast", status="draft")
    login(people["organiser"])
    page = f"/manage/offerings/{made.id}"
    assert post_form(client, f"{page}/archive", {}, form_page=page).status_code == 302
    page = f"/manage/offerings/{draft.id}"
    assert post_form(client, f"{page}/archive", {}, form_page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(Offering, made.id).status == "archived"
    assert db.session.get(Offering, draft.id).status == "draft"  # refused
    assert "Arkiveres" not in client.get("/events").get_data(as_text=True)
    with pytest.raises(services.PermissionDenied):
        manage.archive(people["assigned"], db.session.get(Offering, made.id))


def test_members_only_is_asked_for_a_networks_meeting_alone(client, people, login):
    """A seminar belongs to no network, so 'only for network members' means nothing there."""
    login(people["organiser"])
    network = Network(name="Nettverk for klima")
    db.session.add(network)
    db.session.commit()
    seminar = make.offering("Seminar uten nettverk")
    meeting = make.offering("Et møte", kind="network_meeting", network_id=network.id)
    asks = 'name="members_only"'
    assert asks not in client.get("/manage/offerings/new").get_data(as_text=True)
    assert asks not in client.get(f"/manage/offerings/{seminar.id}").get_data(as_text=True)
    assert asks in client.get(f"/manage/offerings/{meeting.id}").get_data(as_text=True)


def test_the_archive_button_is_where_archiving_can_be_done(client, people, login):
    """Published (its edit page) and cancelled (its read-only page): yes; a draft: no."""
    login(people["organiser"])
    published = make.offering("Publisert")
    cancelled = make.offering("Avlyst")
    manage.cancel_offering(people["organiser"], cancelled)
    draft = make.offering("Utkast", status="draft")
    db.session.commit()
    for offering, shown in ((published, True), (cancelled, True), (draft, False)):
        html = client.get(f"/manage/offerings/{offering.id}").get_data(as_text=True)
        assert (f'action="/manage/offerings/{offering.id}/archive"' in html) is shown
