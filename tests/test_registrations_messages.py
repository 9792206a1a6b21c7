"""A message to participants goes out only from its preview: the mail as they will read
it, a test copy to oneself, then send. Messages sent are kept and listed."""

from __future__ import annotations

import pytest
from conftest import csrf_token
from factories import make
from registrations_support import mails
from sqlalchemy import func, select

from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.registrations import services
from lms.registrations.models import Registration, SentMessage


@pytest.fixture
def organiser(factory, login):
    user = factory.user("org@example.no", name="Olga Organisator", roles=("organiser",))
    user.language = "en"
    db.session.commit()
    login(user)
    return user


@pytest.fixture
def offering(factory):
    offering = make.offering(capacity=2)
    for i in range(3):  # two places, one in line
        services.register(factory.user(f"p{i}@example.no", language="en"), offering.id)
    db.session.commit()
    return offering


def post(client, offering, **data):
    path = f"/manage/offerings/{offering.id}/message"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


MESSAGE = {"subject": "Nytt rom", "text": "Vi er i rom Ås.\r\n\r\nVelkommen!", "audience": "places"}


def outbox_count() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.kind == "registration_message")
    )


def test_preview_shows_the_mail_and_sends_nothing(client, organiser, offering):
    response = post(client, offering, **MESSAGE, action="preview")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"Nytt rom – {offering.title}" in page  # the subject as the mail has it
    assert "Vi er i rom Ås." in page and "Hello Olga Organisator," in page
    assert "Send to 2 people" in page and "Send a test to myself" in page
    assert outbox_count() == 0
    assert db.session.scalar(select(func.count()).select_from(SentMessage)) == 0


def test_a_test_goes_to_the_sender_alone(client, organiser, offering):
    response = post(client, offering, **MESSAGE, action="test")
    assert response.status_code == 200
    assert "A test copy is on its way to org@example.no." in response.get_data(as_text=True)
    [mail] = mails("org@example.no", "registration_message")
    assert "Vi er i rom Ås.\n\nVelkommen!" in mail.body_text  # line ends made plain
    assert outbox_count() == 1
    assert db.session.scalar(select(func.count()).select_from(SentMessage)) == 0


def test_send_queues_keeps_and_lists_the_message(client, organiser, offering):
    response = post(client, offering, **MESSAGE, action="send")
    assert response.status_code == 302
    assert outbox_count() == 2
    [kept] = db.session.scalars(select(SentMessage)).all()
    assert (kept.sender_id, kept.subject, kept.recipients) == (organiser.id, "Nytt rom", 2)
    assert kept.audience == "places" and kept.offering_id == offering.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The message is on its way to 2 people." in page
    sent = page.split('id="sent"', 1)[1]
    assert "Olga Organisator" in sent and "Nytt rom" in sent and ">2</td>" in sent
    listing = client.get(f"/manage/offerings/{offering.id}/participants").get_data(as_text=True)
    assert "1 message sent to participants" in listing


def test_edit_returns_to_the_form_with_the_text(client, organiser, offering):
    response = post(client, offering, **MESSAGE, action="edit")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="Nytt rom"' in page and "Vi er i rom Ås." in page
    assert post(client, offering, **MESSAGE, action="shout").status_code == 400


def test_to_the_chosen_only_and_never_to_nobody(client, organiser, offering):
    waiting = db.session.scalar(select(Registration).where(Registration.status == "waitlisted"))
    chosen = {**MESSAGE, "audience": "selected", "selected": str(waiting.id)}
    assert post(client, offering, **chosen, action="send").status_code == 302
    assert len(mails("p2@example.no", "registration_message")) == 1
    assert outbox_count() == 1
    # "selected" without anyone chosen is a form error; a choice that reaches nobody has
    # no send button, and sending it anyway is refused.
    assert post(client, offering, **{**chosen, "selected": ""}, action="send").status_code == 400
    assert post(client, offering, **{**chosen, "selected": "1;2"}, action="send").status_code == 400
    page = client.get(f"/manage/offerings/{offering.id}/message?selected=x,99999999999,-3")
    assert page.status_code == 200
    other = make.offering(capacity=2)
    nobody = {**MESSAGE, "audience": "places"}
    preview = post(client, other, **nobody, action="preview").get_data(as_text=True)
    assert "Nobody would get this message" in preview and 'value="send"' not in preview
    assert post(client, other, **nobody, action="send").status_code == 422
    assert outbox_count() == 1
