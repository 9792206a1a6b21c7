"""The Norwegian interface shows no English: every page an organiser and admin can open,
walked in nb with a registration log, a waiting list, a network and mail behind it, holds
none of the English texts of our own catalogue (stored English, an untranslated label, a
log note) in its text or its labels."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import post_form
from factories import make, outbox

from lms.events.models import Network, NetworkMembership
from lms.extensions import db
from lms.registrations import log_notes, manage, services
from lms.registrations.models import Registration

CATALOGUE = Path(__file__).resolve().parents[1] / "lms/translations/nb/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")
# Text people read: between tags, and in the attributes a screen reader or a browser shows.
SHOWN_ATTRIBUTES = re.compile(r'\s(?:aria-label|title|placeholder|alt)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")
SKIPPED = re.compile(r"<(script|style)\b.*?</\1>", re.S)


def english_phrases() -> set[str]:
    """Every English text of ours whose Norwegian differs: its longest literal piece (the
    words between placeholders), when that is a phrase of two words or more."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="nb")
    phrases = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings:
                continue
            piece = max(PLACEHOLDER.split(english), key=len).strip(" .,:;–-")
            if len(piece) >= 10 and " " in piece and piece not in " ".join(strings):
                phrases.add(piece)
    phrases.update(log_notes.LEGACY)  # what the log stored before its codes
    return phrases


def shown_text(page: str) -> str:
    page = SKIPPED.sub(" ", page)
    attributes = " ".join(SHOWN_ATTRIBUTES.findall(page))
    return " ".join(html_lib.unescape(TAG.sub(" ", page) + " " + attributes).split())


@pytest.fixture
def world(factory):
    """An offering whose log holds every kind of automatic note, a network, mail."""
    admin = factory.user(roles=("admin", "organiser"), language="nb")
    people = [factory.user(language="nb") for _ in range(4)]
    offering = make.offering("Innkjøp av ikt", capacity=1, questions=["dietary"])
    for person in people[:3]:
        services.register(person, offering.id)
    db.session.commit()
    first, _second, third = (
        db.session.scalar(
            db.select(Registration).where(
                Registration.user_id == person.id, Registration.offering_id == offering.id
            )
        )
        for person in people[:3]
    )
    manage.move_in_waitlist(admin, third.id, 1)
    services.cancel(admin, first.id, note=log_notes.CANCELLED_BY_ORGANISER)  # promotes one
    db.session.commit()
    net = Network(name="Nettverk for innkjøpere", recurrence_rule="FREQ=MONTHLY;BYDAY=2TU")
    db.session.add(net)
    db.session.commit()
    db.session.add(NetworkMembership(network_id=net.id, user_id=people[3].id, status="pending"))
    meeting = make.offering(
        "Nettverksmøte", kind="network_meeting", network_id=net.id, members_only=True
    )
    db.session.commit()
    return {"admin": admin, "offering": offering, "network": net, "meeting": meeting}


def pages(world) -> list[str]:
    offering, net = world["offering"].id, world["network"].id
    manage_offering = f"/manage/offerings/{offering}"
    return [
        "/",
        "/events",
        f"/events/{offering}",
        f"/events/{world['meeting'].id}",
        f"/events/{offering}/register",
        "/networks",
        f"/networks/{net}",
        "/me/registrations",
        "/me/calendar",
        "/profile",
        "/manage/offerings",
        "/manage/offerings/new",
        manage_offering,
        f"{manage_offering}/participants",
        f"{manage_offering}/log",
        f"{manage_offering}/import",
        f"{manage_offering}/message",
        f"{manage_offering}/check-in",
        f"{manage_offering}/attendance-list",
        "/manage/networks",
        f"/manage/networks/{net}",
        "/admin/users",
        f"/admin/users/{world['admin'].id}",
        "/admin/mail",
    ]


def test_no_english_on_the_norwegian_pages(client, login, world):
    english = english_phrases()
    assert "promoted from the waiting list" in english
    login(world["admin"])
    found = {}
    for path in pages(world):
        response = client.get(path)
        assert response.status_code == 200, path
        text = shown_text(response.get_data(as_text=True))
        hits = sorted(phrase for phrase in english if phrase in text)
        if hits:
            found[path] = hits
    mail = outbox()[-1]
    text = shown_text(client.get(f"/admin/mail/{mail.id}").get_data(as_text=True))
    if hits := sorted(phrase for phrase in english if phrase in text):
        found["/admin/mail/<id>"] = hits
    assert not found


def test_the_log_shows_its_notes_in_the_readers_language(client, login, world):
    login(world["admin"])
    page = client.get(f"/manage/offerings/{world['offering'].id}/log").get_data(as_text=True)
    assert "rykket opp fra ventelisten" in page
    assert "avbestilt av en arrangør" in page
    assert "flyttet til nummer 1 i køen" in page


def test_an_old_stored_note_and_an_organisers_words(app):
    with app.test_request_context(headers={"Accept-Language": "nb"}):
        assert log_notes.note_text("promoted from the waiting list") == (
            "rykket opp fra ventelisten"
        )
        assert log_notes.note_text("moved to position 3") == "flyttet til nummer 3 i køen"
        assert log_notes.note_text("Foredragsholderen er syk.") == "Foredragsholderen er syk."
    assert log_notes.is_code(log_notes.LEFT_NETWORK)
    assert not log_notes.is_code("Foredragsholderen er syk.")


def test_leaving_a_network_sends_no_code_as_the_organisers_message(client, login, factory):
    """A code is never mailed as "Message from the organisers"."""
    net = Network(name="Nettverk", recurrence_rule="FREQ=MONTHLY;BYDAY=2TU")
    db.session.add(net)
    db.session.commit()
    member = factory.user(language="nb")
    db.session.add(NetworkMembership(network_id=net.id, user_id=member.id))
    meeting = make.offering("Møte", kind="network_meeting", members_only=True, network_id=net.id)
    services.register(member, meeting.id)
    db.session.commit()
    login(member)
    post_form(client, f"/networks/{net.id}/leave", {}, form_page=f"/networks/{net.id}")
    [mail] = outbox(kind="registration_cancelled")
    assert "left_network" not in mail.body_text and "left the network" not in mail.body_text
    assert "Melding fra arrangørene" not in mail.body_text
