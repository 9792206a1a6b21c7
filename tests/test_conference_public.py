"""The public programme: a day as a list and a grid, filters (a filter that means
nothing is a 400), item and speaker pages, and a conference with no release (404).
Every page reads the newest release, never the draft rows."""

from __future__ import annotations

import re

import pytest
from conference_public_support import item_named, make_conference, publish

from lms.extensions import db


@pytest.fixture
def conference(app):
    made = make_conference()
    publish(made)
    return made


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_no_release_no_programme(app, client):
    make_conference(slug="uten-program")
    db.session.commit()
    for path in ("", "/speakers", "/changes", "/changes.atom", "/items/1", "/speakers/1"):
        assert client.get(f"/conferences/uten-program{path}").status_code == 404
    assert client.get("/conferences/finnes-ikke").status_code == 404


def test_first_day_by_default_as_a_list_in_time_order(client, conference):
    page = text(client.get("/conferences/anskaffelseskonferansen"))
    assert page.index("Åpning") < page.index("Klimakrav") < page.index("Rundbord")
    assert ">Menneskerettigheter</a>" not in page  # the second day
    assert "Ikke plassert" not in page  # never published
    assert "09:00" in page and "Sal A" in page and "Klima og miljø" in page
    assert "Ada Ås" in page


def test_another_day(client, conference):
    second = conference.days[1].day.isoformat()
    page = text(client.get(f"/conferences/anskaffelseskonferansen?day={second}"))
    assert ">Menneskerettigheter</a>" in page and ">Åpning</a>" not in page


def test_times_in_the_conference_zone_whatever_the_lms_zone(app, client, conference):
    app.config["LMS_TIMEZONE"] = "America/New_York"
    page = text(client.get("/conferences/anskaffelseskonferansen"))
    assert ">09:00<" in page.replace(" ", "")


def test_the_draft_is_not_shown_until_published(client, conference):
    item_named(conference, "Klimakrav").title = "Endret i utkastet"
    db.session.commit()
    page = text(client.get("/conferences/anskaffelseskonferansen"))
    assert "Klimakrav" in page and "Endret i utkastet" not in page
    publish(conference)
    page = text(client.get("/conferences/anskaffelseskonferansen"))
    assert "Endret i utkastet" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("track=antikorrupsjon", ["Rundbord"], ["Åpning", "Klimakrav"]),
        ("theme=climate_environment", ["Åpning", "Klimakrav"], ["Rundbord"]),
        ("principle=7", ["Åpning"], ["Klimakrav", "Rundbord"]),
        ("type=talk", ["Klimakrav"], ["Åpning", "Rundbord"]),
        ("language=en", ["Rundbord"], ["Åpning", "Klimakrav"]),
        ("track=klima&type=keynote", ["Åpning"], ["Klimakrav", "Rundbord"]),
    ],
)
def test_filters(client, conference, query, shown, hidden):
    response = client.get(f"/conferences/anskaffelseskonferansen?{query}")
    assert response.status_code == 200
    page = text(response)
    for title in shown:
        assert f">{title}</a>" in page
    for title in hidden:
        assert f">{title}</a>" not in page
    # The form says what it filters by: each chosen value is the selected option.
    for pair in query.split("&"):
        name, value = pair.split("=")
        chosen = re.search(rf'<select[^>]*name="{name}".*?</select>', page).group(0)
        assert re.findall(r'<option value="([^"]*)" selected', chosen) == [value]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("track=nope", "There is no track called “nope”"),
        ("theme=nope", "There is no theme called “nope”"),
        ("principle=11", "“11” is not one of the ten principles"),
        ("type=concert", "There is no type of item called “concert”"),
        ("language=de", "“de” is not a language of the programme"),
        ("day=2001-01-01", "“2001-01-01” is not a day of the conference"),
        ("day=tomorrow", "“tomorrow” is not a day of the conference"),
    ],
)
def test_a_filter_that_means_nothing_is_a_400_that_says_so(client, conference, query, message):
    response = client.get(
        f"/conferences/anskaffelseskonferansen?{query}", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert message in text(response)


def test_the_grid_has_rooms_across_and_times_down(client, conference):
    page = text(client.get("/conferences/anskaffelseskonferansen?view=grid"))
    assert '<table class="ds-table lms-grid">' in page
    assert '<th scope="col">Sal A</th><th scope="col">Sal B</th>' in page
    rows = re.findall(r'<th scope="row"><time[^>]*>(\d\d:\d\d)</time></th>', page)
    assert rows == ["09:00", "10:15", "10:30"]
    # Each track's colour comes with its name (never colour alone).
    assert re.search(r'fill="#7a2e0e"/></svg>Antikorrupsjon', page)


def test_item_page(client, conference):
    item = item_named(conference, "Åpning")
    page = text(client.get(f"/conferences/anskaffelseskonferansen/items/{item.id}"))
    assert "<em>konferansen</em>" in page  # the abstract's Markdown
    assert "Trinnfri inngang, teleslynge" in page  # the room's accessibility notes
    for speaker in item.speakers:
        assert f'/conferences/anskaffelseskonferansen/speakers/{speaker.id}">{speaker.name}' in page
    assert "Klima og miljø" in page


def test_item_page_says_cancelled(client, conference):
    item = item_named(conference, "Klimakrav")
    item.status = "cancelled"
    publish(conference)
    page = text(client.get(f"/conferences/anskaffelseskonferansen/items/{item.id}"))
    assert "Dette programpunktet er avlyst." in page or "This item is cancelled." in page


def test_unknown_item_and_speaker_are_404(client, conference):
    unplaced = item_named(conference, "Ikke plassert")
    base = "/conferences/anskaffelseskonferansen"
    assert client.get(f"{base}/items/{unplaced.id}").status_code == 404
    assert client.get(f"{base}/items/999999").status_code == 404
    assert client.get(f"{base}/speakers/999999").status_code == 404


def test_speakers_and_a_speaker(client, conference):
    page = text(client.get("/conferences/anskaffelseskonferansen/speakers"))
    assert page.index("Ada Ås") < page.index("Bo Berg") < page.index("Cy Chen")
    ada = item_named(conference, "Åpning").speakers[0]
    page = text(client.get(f"/conferences/anskaffelseskonferansen/speakers/{ada.id}"))
    assert "<strong>anskaffelser</strong>" in page
    assert ">Åpning</a>" in page and ">Menneskerettigheter</a>" in page
    assert ">Rundbord</a>" not in page
