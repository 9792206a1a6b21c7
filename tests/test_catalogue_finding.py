"""Finding offerings in the catalogue and the API without contradictions: a page past
the last is a 404 that says where the last page is (never "11 found" above "nothing
matches"); the default list is named for what it holds (seminars and courses) and
``kind=all`` adds the network meetings; a month that is no month is said to be wrong (a
400 on the page and in the API); a search matches words in any order in the texts, the
place and the speakers, in any case, æøå too (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from factories import make

from lms.extensions import db
from lms.registrations.catalogue import CatalogueFilters

ENGLISH = {"Accept-Language": "en"}


def titles(response, status: int = 200) -> list[str]:
    assert response.status_code == status, response.status_code
    html = response.get_data(as_text=True)
    return re.findall(r'<h2 class="ds-heading" data-size="sm"><a [^>]*>([^<]+)</a>', html)


def api_titles(client, query: str, status: int = 200) -> list[str]:
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == status, response.get_json()
    return [e["title"] for e in response.get_json()["events"]]


# --- paging ------------------------------------------------------------------------------


def test_a_page_past_the_last_is_a_404_that_links_to_the_last(client):
    for n in range(11):
        make.offering(f"Tilbud {n:02}", starts_in=timedelta(days=n + 1), commit=False)
    db.session.commit()
    response = client.get("/events?page=2", headers=ENGLISH)
    assert titles(response, 404) == []
    html = response.get_data(as_text=True)
    assert "11 offerings found" in html
    assert "There is no page 2: what was found fits on 1 page." in html
    assert 'href="/events?page=1"' in html
    assert "Try fewer filters" not in html and "No seminars or courses" not in html
    api = client.get("/api/v1/events?page=2&per_page=20")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "page_out_of_range"
    assert len(api_titles(client, "page=1&per_page=20")) == 11


def test_the_filters_are_kept_in_the_link_to_the_last_page(client):
    for n in range(3):
        make.offering(f"Kurs {n}", kind="course", starts_in=timedelta(days=n + 1))
    html = client.get("/events?kind=course&page=4", headers=ENGLISH).get_data(as_text=True)
    assert 'href="/events?page=1&amp;kind=course"' in html


def test_nothing_found_says_why(client):
    empty = client.get("/events", headers=ENGLISH)
    assert empty.status_code == 200, "page 1 always exists"
    html = empty.get_data(as_text=True)
    assert "No seminars or courses are planned right now." in html
    assert "Try fewer filters" not in html
    make.offering("Seminar om klima")
    filtered = client.get("/events?q=korrupsjon", headers=ENGLISH).get_data(as_text=True)
    assert "No offerings match. Try fewer filters." in filtered


# --- kinds -------------------------------------------------------------------------------


def test_the_default_list_is_seminars_and_courses_and_all_kinds_adds_meetings(client):
    make.offering("Seminar", starts_in=timedelta(days=1))
    make.offering("Kurs", kind="course", starts_in=timedelta(days=2))
    make.offering("Nettverksmøte", kind="network_meeting", starts_in=timedelta(days=3))
    assert titles(client.get("/events")) == ["Seminar", "Kurs"]
    assert titles(client.get("/events?kind=network_meeting")) == ["Nettverksmøte"]
    assert titles(client.get("/events?kind=all")) == ["Seminar", "Kurs", "Nettverksmøte"]
    assert api_titles(client, "") == ["Seminar", "Kurs"]
    assert api_titles(client, "kind=all") == ["Seminar", "Kurs", "Nettverksmøte"]
    form = client.get("/events", headers=ENGLISH).get_data(as_text=True)
    kinds = form.split('id="kind"')[1].split("</select>")[0]
    assert '<option value="">Seminars and courses</option>' in kinds
    assert '<option value="all">All kinds, network meetings too</option>' in kinds
    assert "All kinds<" not in kinds, "no option promises what it does not show"
    assert "Network meetings are listed when you choose them" in form


# --- a month that is no month --------------------------------------------------------------


@pytest.mark.parametrize("month", ["2027-13", "mars", "2027-3", "20271-01"])
def test_a_month_that_is_no_month_is_said_to_be_wrong(client, month):
    make.offering("Seminar")
    response = client.get(f"/events?month={month}", headers=ENGLISH)
    assert titles(response, 400) == ["Seminar"], "the list is not filtered by it"
    html = response.get_data(as_text=True)
    assert f"“{month}” is not a month" in html and 'role="alert"' in html
    assert 'aria-invalid="true"' in html and 'id="month-error"' in html
    api = client.get(f"/api/v1/events?month={month}")
    assert api.status_code == 400
    assert api.get_json()["error"]["code"] == "invalid_parameter"
    assert "month" in api.get_json()["error"]["message"]


def test_a_month_filters_the_api_as_the_page(client):
    soon = make.offering("Snart", starts_in=timedelta(days=1))
    make.offering("Senere", starts_in=timedelta(days=70))
    month = soon.starts_at.astimezone(ZoneInfo("Europe/Oslo")).strftime("%Y-%m")
    assert titles(client.get(f"/events?month={month}")) == ["Snart"]
    assert api_titles(client, f"month={month}") == ["Snart"]


def test_unknown_kind_theme_or_mode_are_said_to_be_wrong_too(client):
    make.offering("Seminar")
    response = client.get("/events?kind=bogus&theme=nope&mode=moon", headers=ENGLISH)
    assert titles(response, 400) == ["Seminar"]
    html = response.get_data(as_text=True)
    assert "There is no kind of offering called “bogus”" in html
    assert "There is no theme called “nope”" in html
    assert "“moon” is neither in person nor online" in html
    escaped = client.get("/events?month=%3Cscript%3E").get_data(as_text=True)
    assert "<script>" not in escaped and "&lt;script&gt;" in escaped


def test_the_filters_read_what_they_can_and_name_the_rest():
    filters = CatalogueFilters.from_args({"kind": "all", "month": "2027-13", "theme": ""})
    assert (filters.kind, filters.month, filters.invalid) == ("all", "", (("month", "2027-13"),))
    assert filters.rejected("month") == "2027-13" and filters.rejected("kind") == ""
    assert not filters.narrowed, "every kind and an ignored month narrow nothing"
    assert CatalogueFilters.from_args({"q": "  klima  "}).narrowed


# --- search ------------------------------------------------------------------------------


@pytest.fixture
def offerings(factory):
    teacher = factory.user(name="Åse Øvrebø")
    return {
        "climate": make.offering(
            "Klimakrav i anskaffelser",
            summary="Hvordan stille krav til miljø",
            venue="Rådhuset",
            room="Sal Ærlighet",
            address="Storgata 1, Tromsø",
        ),
        "speakers": make.offering(
            "Sosial dumping",
            guest_speakers="Kari Nordmann (ILO)\nPer Ås",
            description_md="Om **lønns- og arbeidsvilkår** i kontrakter.",
            instructors=[teacher],
        ),
        "other": make.offering("Antikorrupsjon", summary="Om habilitet"),
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("klima miljø", ["climate"]),  # words in any order, from title and summary
        ("miljø klima", ["climate"]),
        ("MILJØ KLIMAKRAV", ["climate"]),  # any case, æøå too
        ("tromsø", ["climate"]),  # the address
        ("ÆRLIGHET", ["climate"]),  # the room
        ("rådhuset klima", ["climate"]),  # the venue with the title
        ("ilo", ["speakers"]),  # a guest speaker
        ("øvrebø", ["speakers"]),  # an instructor's name
        ("ÅSE dumping", ["speakers"]),
        ("arbeidsvilkår", ["speakers"]),  # the description
        ("klima habilitet", []),  # each word must match in the same offering
        ("100%", []),  # a wildcard is literal
        ("_", []),
        ("om", ["climate", "speakers", "other"]),
    ],
)
def test_search_matches_every_word_anywhere_in_any_case(client, offerings, query, found):
    expected = sorted(offerings[name].title for name in found)
    assert sorted(titles(client.get("/events", query_string={"q": query}))) == expected
    api = client.get("/api/v1/events", query_string={"q": query}).get_json()
    assert sorted(e["title"] for e in api["events"]) == expected


def test_a_search_word_is_not_found_across_two_fields(client):
    make.offering("Klima", summary="miljø")
    assert titles(client.get("/events?q=klimamiljø")) == []
    assert titles(client.get("/events?q=klima%20miljø")) == ["Klima"]
