"""Every count goes through ngettext, in both languages: the messages, pages and mail that
give a number say "1 meeting" and "2 meetings", "1 møte" and "2 møter"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import post_form
from factories import make, outbox, year_like

from lms.events.models import Network, NetworkMembership
from lms.extensions import db
from lms.registrations import services as registrations
from lms.timeutil import utcnow

LANGUAGES = ("nb", "en")


def page_after(response) -> str:
    """The page a POST redirected to, with its flashed message."""
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def members_network() -> Network:
    net = Network(name="Nettverk for innkjøpere", recurrence_rule="FREQ=MONTHLY;BYDAY=2TU")
    db.session.add(net)
    db.session.commit()
    return net


LEFT = {
    ("nb", 1): "Plassen din på 1 kommende møte er avbestilt.",
    ("nb", 2): "Plassene dine på 2 kommende møter er avbestilt.",
    ("en", 1): "Your place at 1 coming meeting is cancelled.",
    ("en", 2): "Your places at 2 coming meetings are cancelled.",
}


@pytest.mark.parametrize(("language", "count"), list(LEFT))
def test_leaving_a_network_counts_the_places_given_up(client, login, language, count):
    net = members_network()
    member = make.user(language=language)
    db.session.add(NetworkMembership(network_id=net.id, user_id=member.id))
    for n in range(count):
        meeting = make.offering(
            f"Møte {n}",
            kind="network_meeting",
            members_only=True,
            network_id=net.id,
            starts=utcnow() + timedelta(days=20 + 7 * n),
        )
        registrations.register(member, meeting.id)
    db.session.commit()
    login(member)
    page = f"/networks/{net.id}"
    html = page_after(post_form(client, f"{page}/leave", {}, form_page=page, follow_redirects=True))
    assert LEFT[language, count] in html


ADDED = {
    ("nb", 1): "1 møte lagt til.",
    ("nb", 2): "2 møter lagt til.",
    ("en", 1): "1 meeting added.",
    ("en", 2): "2 meetings added.",
}


@pytest.mark.parametrize(("language", "count"), list(ADDED))
def test_planning_meetings_counts_them(client, login, language, count):
    net = members_network()
    login(make.user(roles=("organiser",), language=language))
    manage = f"/manage/networks/{net.id}"
    data = {"after": f"{year_like(2030)}-09-01", "start": "09:00", "minutes": "120"}
    data |= {"count": str(count), "capacity": "30", "venue": "Digitalt", "online_url": ""}
    url = f"{manage}/meetings"
    response = post_form(client, url, data, form_page=manage, follow_redirects=True)
    assert ADDED[language, count] in page_after(response)


SENT = {
    ("nb", 1): "Meldingen er på vei til 1 person.",
    ("nb", 2): "Meldingen er på vei til 2 personer.",
    ("en", 1): "The message is on its way to 1 person.",
    ("en", 2): "The message is on its way to 2 people.",
}


@pytest.mark.parametrize(("language", "count"), list(SENT))
def test_a_message_counts_its_recipients(client, login, language, count):
    offering = make.offering(capacity=5)
    for _n in range(count):
        registrations.register(make.user(), offering.id)
    db.session.commit()
    login(make.user(roles=("organiser",), language=language))
    path = f"/manage/offerings/{offering.id}/message"
    data = {
        "subject": "Endret rom",
        "text": "Vi er flyttet.",
        "audience": "places",
        "action": "send",
    }
    response = post_form(client, path, data, follow_redirects=True)
    assert SENT[language, count] in page_after(response)


MINUTES = {
    ("nb", 1): "i 1 minutt:",
    ("nb", 2): "i 2 minutter:",
    ("en", 1): "for 1 minute:",
    ("en", 2): "for 2 minutes:",
}


@pytest.mark.parametrize(("language", "count"), list(MINUTES))
def test_the_reset_mail_counts_its_minutes(app, client, language, count):
    app.config["LMS_RESET_TOKEN_MAX_AGE"] = 60 * count
    user = make.user(language=language)
    post_form(client, "/forgot-password", {"email": user.email})
    [mail] = outbox(kind="reset_password")
    assert MINUTES[language, count] in mail.body_text
    assert MINUTES[language, count] in mail.body_html


HINT = {
    ("nb", 1): "Minst 1 tegn.",
    ("nb", 2): "Minst 2 tegn.",
    ("en", 1): "At least 1 character.",
    ("en", 2): "At least 2 characters.",
}


@pytest.mark.parametrize(("language", "count"), list(HINT))
def test_the_password_hint_counts_characters(app, client, language, count):
    app.config["LMS_PASSWORD_MIN_LENGTH"] = count
    html = client.get("/signup", headers={"Accept-Language": language}).get_data(as_text=True)
    assert HINT[language, count] in html


SCORE = {
    ("nb", 1): "1 av 1 poeng (100 %)",
    ("nb", 2): "2 av 2 poeng (100 %)",
    ("en", 1): "1 of 1 point (100 %)",
    ("en", 2): "2 of 2 points (100 %)",
}


@pytest.mark.parametrize(("language", "count"), list(SCORE))
def test_the_review_counts_points(client, login, language, count):
    from learning_support import SAMPLE_QUESTIONS, make_module

    from lms.learning.attempts import save_answers, start_attempt, submit_attempt
    from lms.learning.publishing import publish, set_question_content

    single = SAMPLE_QUESTIONS[0]
    module = make_module(questions=[single], published=False)
    set_question_content(module.questions[0], kind="single", text_md=single["text_md"],
                         spec=single["spec"], points=count)  # fmt: skip
    publish(None, module, check_permission=False)
    learner = make.user(language=language)
    attempt = start_attempt(learner, module.quizzes[0].id)
    save_answers(learner, attempt.id, {1: single["right"]}, revision=attempt.revision)
    submit_attempt(learner, attempt.id)
    db.session.commit()
    login(learner)
    html = client.get(f"/learning/attempts/{attempt.id}/review").get_data(as_text=True)
    assert SCORE[language, count] in html, "the attempt's score"
    assert SCORE[language, count].partition(" (")[0] + ")" in html, "the question's score"
