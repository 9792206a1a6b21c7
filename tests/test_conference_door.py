"""The day itself and the speakers: check-in by code (first and second scan, unknown
code), the badges PDF, speaker invitations (single use, another's refused) and photos."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, time, timedelta

import conference_door_support as door
import pytest
from conftest import post_form
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from lms.conference import attendees, badges, speakers
from lms.conference.models import Speaker
from lms.conference.registration import register_attendee
from lms.conference.release_models import Attendee
from lms.conference.services import ConferenceError
from lms.extensions import db
from lms.learning.attachments import AttachmentError
from lms.mail.models import OutboxMessage
from lms.registrations.models import Registration, SessionAttendance
from lms.timeutil import utcnow


@pytest.fixture
def organiser(factory):
    return factory.user(roles=("organiser",))


def _today_conference(organiser):
    return door.conference(organiser, days_ahead=0)


def _attendee(factory, conference, **fields):
    person = factory.user(**fields)
    registered = register_attendee(
        person,
        conference,
        days=[conference.days[0].day.isoformat()],
        dietary="Glutenfri",
        now=utcnow() - timedelta(days=2),
    )
    db.session.commit()
    return person, db.session.scalar(
        select(Attendee).where(Attendee.registration_id == registered.id)
    )


def test_first_scan_checks_in_second_says_when(factory, organiser):
    conference = _today_conference(organiser)
    person, attendee = _attendee(factory, conference)
    first = attendees.check_in(organiser, conference, f" {attendee.code.lower()} ")
    db.session.commit()
    assert first.outcome == "checked_in"
    assert first.registration.user_id == person.id
    assert first.days == (conference.days[0].day,)
    registration = db.session.get(Registration, attendee.registration_id)
    assert registration.status == "attended"
    assert db.session.scalar(select(SessionAttendance.registration_id)) == registration.id
    second = attendees.check_in(organiser, conference, attendee.code)
    assert second.outcome == "already" and second.at is not None
    assert attendees.check_in(organiser, conference, "NOPE1234").outcome == "unknown"


def test_check_in_before_the_first_day_is_refused(factory, organiser):
    conference = door.conference(organiser, days_ahead=10)
    _person, attendee = _attendee(factory, conference)
    with pytest.raises(ConferenceError) as error:
        attendees.check_in(organiser, conference, attendee.code)
    assert error.value.code == "not_started"


def test_check_in_page_answers_at_once(client, login, factory, organiser):
    conference = _today_conference(organiser)
    _person, attendee = _attendee(factory, conference, name="Ola Deltaker")
    login(organiser)
    path = f"/manage/conferences/{conference.slug}/check-in"
    first = post_form(client, path, {"code": attendee.code})
    assert first.status_code == 200
    body = first.get_data(as_text=True)
    assert "Ola Deltaker" in body and "Glutenfri" in body and 'data-outcome="checked_in"' in body
    again = post_form(client, path, {"code": attendee.code}).get_data(as_text=True)
    assert 'data-outcome="already"' in again
    unknown = post_form(client, path, {"code": "XXXX"})
    assert unknown.status_code == 404 and 'data-outcome="unknown"' in unknown.get_data(True)


def test_a_check_in_on_a_day_the_person_did_not_register_for_is_a_warning(
    client, login, factory, organiser
):
    conference = _today_conference(organiser)
    person = factory.user(name="Ola Andredag")
    registered = register_attendee(
        person,
        conference,
        days=[conference.days[1].day.isoformat()],
        now=utcnow() - timedelta(days=2),
    )
    db.session.commit()
    code = db.session.scalar(select(Attendee.code).where(Attendee.registration_id == registered.id))
    login(organiser)
    path = f"/manage/conferences/{conference.slug}/check-in"
    body = post_form(client, path, {"code": code}).get_data(as_text=True)
    assert 'data-color="warning" data-outcome="checked_in"' in body
    _other, theirs = _attendee(factory, conference)
    body = post_form(client, path, {"code": theirs.code}).get_data(as_text=True)
    assert 'data-color="success" data-outcome="checked_in"' in body


def test_door_day_says_whether_today_is_one_of_the_conferences_days(organiser):
    on_the_day = attendees.door_day(_today_conference(organiser))
    assert on_the_day.is_a_conference_day
    ahead = attendees.door_day(door.conference(organiser, days_ahead=10))
    assert not ahead.is_a_conference_day and ahead.before_the_first_day
    over = door.conference(organiser, days_ahead=-5)
    after = attendees.door_day(over)
    assert not after.is_a_conference_day and not after.before_the_first_day
    assert after.counts_for == over.days[0].day


def test_the_door_counts_who_is_in_of_those_expected_today(client, login, factory, organiser):
    conference = _today_conference(organiser)
    _person, first = _attendee(factory, conference)
    _attendee(factory, conference)
    later = factory.user()
    register_attendee(
        later, conference, days=[conference.days[1].day.isoformat()],
        now=utcnow() - timedelta(days=2),
    )  # fmt: skip
    db.session.commit()
    figures = attendees.door_day(conference)
    assert (figures.checked_in, figures.expected) == (0, 2)
    attendees.check_in(organiser, conference, first.code)
    db.session.commit()
    figures = attendees.door_day(conference)
    assert (figures.counts_for, figures.checked_in, figures.expected) == (
        conference.days[0].day, 1, 2,
    )  # fmt: skip
    login(organiser)
    page = client.get(f"/manage/conferences/{conference.slug}/check-in").get_data(as_text=True)
    assert re.search(r'id="door-count">[^<]*: 1 [^<]* 2 ', page)


def test_check_in_page_says_plainly_when_today_is_not_a_conference_day(
    client, login, factory, organiser
):
    login(factory.user(roles=("organiser",), language="en"))
    today = client.get(f"/manage/conferences/{_today_conference(organiser).slug}/check-in")
    assert 'id="not-today"' not in today.get_data(as_text=True)

    ahead = door.conference(organiser, days_ahead=10)
    page = client.get(f"/manage/conferences/{ahead.slug}/check-in").get_data(as_text=True)
    assert 'id="not-today"' in page and "is not one of the conference's days" in page
    assert "codes can be checked in from then" in page

    over = door.conference(organiser, days_ahead=-5)
    _person, attendee = _attendee_before(factory, over)
    path = f"/manage/conferences/{over.slug}/check-in"
    answer = post_form(client, path, {"code": attendee.code}).get_data(as_text=True)
    assert 'id="not-today"' in answer and "A check-in now counts for" in answer
    assert 'data-outcome="checked_in"' in answer, "the check-in still works"


def _attendee_before(factory, conference):
    """An attendee who registered before ``conference`` began (its days may be past)."""
    person = factory.user()
    registered = register_attendee(
        person,
        conference,
        days=[conference.days[0].day.isoformat()],
        now=datetime.combine(conference.days[0].day, time(0), UTC) - timedelta(days=7),
    )
    db.session.commit()
    return person, db.session.scalar(
        select(Attendee).where(Attendee.registration_id == registered.id)
    )


def test_badges_pdf_has_every_name(client, login, factory, organiser):
    conference = door.conference(organiser)
    names = [f"Navn Nummer{n}" for n in range(7)]
    for name in names:
        _attendee(factory, conference, name=name)
    login(organiser)
    response = client.get(f"/manage/conferences/{conference.slug}/badges.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(response.data)).pages
    text = " ".join(page.extract_text() for page in pages)
    assert all(name in text for name in names)
    assert len(pages) == 2  # six badges a page


LONG = "Leverandørkjedeansvarlighetsvurderingsseminar"


def test_badge_size_class_shrinks_long_names_step_by_step():
    assert badges.size_class("Åse Li", badges.NAME_STEPS) == ""
    assert badges.size_class("Hans-Christian Ødegård Wilhelmsen", badges.NAME_STEPS) == "long"
    assert badges.size_class(f"Kari {LONG}", badges.NAME_STEPS) == "longer"
    assert badges.size_class(f"Kari-Anne {LONG}sen-Bjørnstad", badges.NAME_STEPS) == "longest"
    assert badges.size_class("", badges.ORGANISATION_STEPS) == ""


def _boxes(box):
    """``box`` and everything in it, absolutely placed boxes too (WeasyPrint's own
    ``descendants()`` stops at their placeholders)."""
    yield box
    inner = getattr(box, "_box", None)  # an AbsolutePlaceholder's box
    for child in [inner] if inner is not None else getattr(box, "children", ()):
        yield from _boxes(child)


def _outside_their_badge(html: str) -> list[str]:
    """The words WeasyPrint lays out past the edge of the badge they belong to, or under
    its QR code."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import ReplacedBox, TextBox

    problems = []
    for page in HTML(string=html).render().pages:
        for box in _boxes(page._page_box):
            if box.element_tag != "div" or "badge" not in (box.element.get("class") or ""):
                continue
            left, top = box.border_box_x(), box.border_box_y()
            right, bottom = left + box.border_width(), top + box.border_height()
            [qr] = [image for image in _boxes(box) if isinstance(image, ReplacedBox)]
            for text in _boxes(box):
                if not isinstance(text, TextBox):
                    continue
                across = left <= text.position_x and text.position_x + text.width <= right + 0.5
                down = top <= text.position_y and text.position_y + text.height <= bottom + 0.5
                under_qr = (
                    "code" not in (text.element.get("class") or "")  # the code printed under it
                    and text.position_x < qr.position_x + qr.width
                    and qr.position_x < text.position_x + text.width
                    and text.position_y < qr.position_y + qr.height
                    and qr.position_y < text.position_y + text.height
                )
                if not (across and down) or under_qr:
                    problems.append(text.text)
    return problems


def test_very_long_names_and_organisations_stay_on_their_badges(app, factory, organiser):
    conference = door.conference(organiser, title=f"Anskaffelseskonferansen: {LONG}")
    people = [
        (f"Kari-Anne Margrethe {LONG}sen-Bjørnstad", f"Direktoratet for {LONG} og økonomistyring, "
         "avdeling for offentlige anskaffelser i kommunal og statlig sektor"),
        (LONG, LONG * 2),
        ("Maria Fernanda de los Santos Gutiérrez y Montenegro-Olsen", "KS Innkjøpsforum Nord"),
    ]  # fmt: skip
    for name, organisation in people:
        _attendee(factory, conference, name=name, organisation=organisation)
    with app.test_request_context():
        html = badges.badges_html(conference)
    assert all(name in html for name, _ in people)
    assert _outside_their_badge(html) == []


def test_invitation_is_single_use_and_links_the_speaker(factory, organiser):
    conference = door.conference(organiser)
    speaker = door.speaker(conference)
    token = speakers.invite(organiser, speaker, "nb")
    db.session.commit()
    assert speaker.invite_token_hash and token not in speaker.invite_token_hash
    assert db.session.scalar(
        select(OutboxMessage.kind).where(OutboxMessage.to_address == speaker.email)
    )
    person = factory.user()
    linked = speakers.confirm(person, token)
    db.session.commit()
    assert (linked.user_id, linked.invite_token_hash) == (person.id, None)
    with pytest.raises(ConferenceError):
        speakers.confirm(factory.user(), token)


def test_profile_of_another_speaker_is_refused(client, login, factory, organiser):
    conference = door.conference(organiser)
    mine, theirs = door.speaker(conference), door.speaker(conference, email="b@example.no")
    person, other = factory.user(), factory.user()
    mine.user_id, theirs.user_id = person.id, other.id
    db.session.commit()
    login(person)
    assert client.get(f"/me/conference-speaker/{mine.id}").status_code == 200
    assert client.get(f"/me/conference-speaker/{theirs.id}").status_code == 404


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_photo_is_reencoded_without_exif_and_svg_refused(client, login, factory, organiser):
    conference = door.conference(organiser)
    speaker = door.speaker(conference)
    person = factory.user()
    speaker.user_id = person.id
    db.session.commit()
    original = _jpeg_with_exif()
    assert b"SecretCamera" in original
    with pytest.raises(AttachmentError):
        speakers.clean_photo("photo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    login(person)
    path = f"/me/conference-speaker/{speaker.id}"
    data = {"name": "Kari Taler", "organisation": "DFØ", "job_title": "Rådgiver", "bio": "Hei"}
    refused = post_form(
        client,
        path,
        {**data, "photo": (io.BytesIO(b"<svg/>"), "x.svg")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    saved = post_form(
        client,
        path,
        {**data, "photo": (io.BytesIO(original), "me.jpg")},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Speaker, speaker.id)
    assert stored.photo_type == "image/jpeg" and b"SecretCamera" not in stored.photo
    assert not Image.open(io.BytesIO(stored.photo)).getexif()
    served = client.get(f"/conferences/{conference.slug}/speakers/{speaker.id}/photo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert stored.organisation == "DFØ"
