"""The catalogue: upcoming published offerings, filters, search, paging, and a constant
number of SQL queries whatever the number of offerings."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from factories import make, oslo, year_like

from lms.events.models import OfferingSession
from lms.extensions import db
from lms.registrations import services as registrations
from lms.timeutil import utcnow

# Years ahead with the calendars the dates below were written for (factories.year_like).
Y2030 = year_like(2030)
Y2031 = year_like(2031)


def titles(response, status: int = 200) -> list[str]:
    assert response.status_code == status
    html = response.get_data(as_text=True)
    return re.findall(r'<h2 class="ds-heading" data-size="sm"><a [^>]*>([^<]+)</a>', html)


def test_lists_only_published_upcoming(client):
    make.offering("Kommer")
    make.offering("Utkast", status="draft")
    make.offering("Avlyst", status="cancelled")
    make.offering("Ferdig", starts=utcnow() - timedelta(days=3))
    assert titles(client.get("/events")) == ["Kommer"]


def test_soonest_first(client):
    make.offering("Senere", starts=utcnow() + timedelta(days=30))
    make.offering("Snart", starts=utcnow() + timedelta(days=2))
    assert titles(client.get("/events")) == ["Snart", "Senere"]


def test_filters_by_kind_theme_and_mode(client):
    make.offering("Seminar om klima", themes=["climate_environment"], online_url="https://m.no/1")
    make.offering("Kurs om korrupsjon", kind="course", themes=["anti_corruption", "human_rights"])
    assert titles(client.get("/events?kind=course")) == ["Kurs om korrupsjon"]
    assert titles(client.get("/events?theme=human_rights")) == ["Kurs om korrupsjon"]
    assert titles(client.get("/events?theme=climate_environment")) == ["Seminar om klima"]
    assert titles(client.get("/events?mode=online")) == ["Seminar om klima"]
    assert sorted(titles(client.get("/events?mode=in_person"))) == [
        "Kurs om korrupsjon",
        "Seminar om klima",
    ]
    # Unknown values filter nothing, and the page says so (test_catalogue_finding.py).
    response = client.get("/events?kind=bogus&theme=%27;drop&month=2027-13")
    assert response.status_code == 400
    assert len(titles(response, 400)) == 2


def test_month_is_an_oslo_month(client):
    # 00:30 on 1 March in Oslo is still February in UTC: it belongs to March.
    make.offering("Mars", starts=oslo(Y2030, 3, 1, 0, 30))
    make.offering("Februar", starts=oslo(Y2030, 2, 28, 22, 0))
    assert titles(client.get(f"/events?month={Y2030}-03")) == ["Mars"]
    assert titles(client.get(f"/events?month={Y2030}-02")) == ["Februar"]


def test_text_search_in_title_and_summary(client):
    make.offering("Antikorrupsjon for innkjøpere", summary="Om habilitet")
    make.offering("Lønns- og arbeidsvilkår", summary="Sosial dumping og 100%-kontroll")
    assert titles(client.get("/events?q=antikorrupsjon")) == ["Antikorrupsjon for innkjøpere"]
    assert titles(client.get("/events?q=HABILITET")) == ["Antikorrupsjon for innkjøpere"]
    assert titles(client.get("/events?q=100%25")) == ["Lønns- og arbeidsvilkår"]
    assert titles(client.get("/events?q=_")) == []  # a wildcard character is literal


def test_seats_left_filter_and_counts(client, factory):
    full = make.offering("Fullt", capacity=1)
    make.offering("Ledig", capacity=5)
    first, second = factory.user(), factory.user()
    registrations.register(first, full.id)
    registrations.register(second, full.id)
    db.session.commit()
    assert titles(client.get("/events?seats_left=1")) == ["Ledig"]
    html = client.get("/events").get_data(as_text=True)
    assert "0 / 1" in html  # seats left / seats
    assert "1 person" in html or "1 person" in html.replace("1 personer", "")


def test_dates_are_shown_in_oslo_time(client, factory):
    make.offering("Sommer", starts=oslo(Y2030, 6, 12, 9, 0))
    html = client.get("/events", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"12 June {Y2030}, 09:00" in html and "07:00" not in html


def test_paginates(client):
    for n in range(25):
        make.offering(f"Tilbud {n:02}", starts=utcnow() + timedelta(days=n + 1), commit=False)
    db.session.commit()
    assert len(titles(client.get("/events"))) == 20
    assert titles(client.get("/events?page=2")) == [f"Tilbud {n:02}" for n in range(20, 25)]
    assert titles(client.get("/events?page=99999999"), 404) == []


@pytest.mark.parametrize("path", ["/events", "/events?theme=human_rights&seats_left=1&q=a"])
def test_constant_number_of_queries(client, factory, count_queries, path):
    def queries_with(n: int) -> int:
        for i in range(n):
            make.offering(
                f"Menneskerettigheter {i}",
                themes=["human_rights"],
                commit=False,
                instructors=[instructor],
            )
        db.session.commit()
        registrations.register(participant, made_last().id)
        db.session.commit()
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    def made_last():
        from sqlalchemy import select

        from lms.events.models import Offering

        return db.session.scalars(select(Offering).order_by(Offering.id.desc())).first()

    instructor = factory.user(roles=("instructor",))
    participant = factory.user()
    five = queries_with(5)
    fifty = queries_with(45)  # 50 in all: more than a page
    assert fifty == five, (five, fifty)
    if path == "/events":  # the page, with its dates, seat counts and the number of matches
        assert five == 1, five


def test_network_meetings_only_when_asked_for(client):
    make.offering("Seminar")
    make.offering("Nettverksmøte", kind="network_meeting", members_only=True)
    assert titles(client.get("/events")) == ["Seminar"]
    assert titles(client.get("/events?kind=network_meeting")) == ["Nettverksmøte"]


def card_of(html: str, title: str) -> str:
    start = html.index(f">{title}</a>")
    return html[start : html.index("</li>", start)]


def test_cached_cards_never_show_stale_seats_dates_or_titles(app, client, factory):
    """Each card's text is rendered once per content and language (lms/events/cards.py);
    the seats are read on every request, and any edit shows at once."""
    shown = make.offering("Før", capacity=2, starts=oslo(Y2031, 5, 6, 9, 0))
    english = {"Accept-Language": "en"}
    first = card_of(client.get("/events", headers=english).get_data(as_text=True), "Før")
    assert "2 / 2" in first and f"Tuesday 6 May {Y2031}, 09:00" in first
    assert len(app.extensions["lms_fragments"]["catalogue_card"]) == 1, "the cache is in use"

    registrations.register(factory.user(), shown.id)
    db.session.commit()
    html = client.get("/events", headers=english).get_data(as_text=True)
    assert "1 / 2" in card_of(html, "Før")

    for _ in range(2):
        registrations.register(factory.user(), shown.id)
    db.session.commit()
    card = card_of(client.get("/events", headers=english).get_data(as_text=True), "Før")
    assert "0 / 2" in card and "1 person" in card

    shown.title = "Etter"
    shown.sessions[0].starts_at = oslo(Y2031, 5, 7, 10, 30)
    shown.sessions[0].ends_at = oslo(Y2031, 5, 7, 12, 0)
    shown.sessions.append(
        OfferingSession(starts_at=oslo(Y2031, 5, 14, 10, 30), ends_at=oslo(Y2031, 5, 14, 12, 0))
    )
    db.session.commit()
    html = client.get("/events", headers=english).get_data(as_text=True)
    assert "Før" not in html
    card = card_of(html, "Etter")
    assert f"Wednesday 7 May {Y2031}, 10:30" in card and "2 sessions" in card
    norwegian = client.get("/events", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert f"onsdag 7. mai {Y2031} kl. 10:30" in card_of(norwegian, "Etter")


def test_the_filter_form_keeps_what_was_asked(client):
    make.offering("Kurs", kind="course", themes=["anti_corruption"])
    html = client.get("/events?kind=course&q=%3Cb%3E&seats_left=1").get_data(as_text=True)
    assert '<option value="course" selected>' in html
    assert 'value="&lt;b&gt;"' in html, "the search text is escaped"
    assert 'name="seats_left" value="1" checked' in html
    plain = client.get("/events").get_data(as_text=True)
    kinds = plain.split('id="kind"')[1].split("</select>")[0]
    assert "selected" not in kinds, "another visitor's choice is not kept"
