"""The organisers' offering list: upcoming first then past, search in any word order, each
filter, network meetings folded into their network, and one page in a fixed number of
queries (lms/events/offering_list.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from factories import at_ten_in_oslo, make
from werkzeug.datastructures import MultiDict

from lms.events.models import Network
from lms.events.offering_list import ListFilters, NetworkRow, offering_list
from lms.events.services import PermissionDenied
from lms.extensions import db


@pytest.fixture
def organiser(factory):
    return factory.user(roles=("organiser",))


def _titles(actor, **filters):
    page = offering_list(actor, ListFilters(**filters), page=1, per_page=50)
    return [
        f"network:{item.network.name}" if item.is_network else item.offering.title
        for item in page.items
    ]


def _network(name="Nettverk for innkjøpere", days=(-20, 10, 40)):
    network = Network(name=name)
    db.session.add(network)
    db.session.commit()
    for n in days:
        make.offering(
            f"{name}: møte {n}",
            starts=at_ten_in_oslo(n),
            kind="network_meeting",
            network_id=network.id,
        )
    return network


def test_upcoming_soonest_first_then_past_latest_first(organiser):
    make.offering("Forbi for lenge siden", starts=at_ten_in_oslo(-30))
    make.offering("Om tjue dager", starts=at_ten_in_oslo(20))
    make.offering("Nylig forbi", starts=at_ten_in_oslo(-10))
    make.offering("Om fem dager", starts=at_ten_in_oslo(5))
    # Begun yesterday, a second session next week: still upcoming, by its first start.
    make.offering("Kurs i gang", starts=[at_ten_in_oslo(-1), at_ten_in_oslo(6)], kind="course")
    make.offering("Utkast uten økter", starts=[], status="draft")
    assert _titles(organiser) == [
        "Utkast uten økter",
        "Kurs i gang",
        "Om fem dager",
        "Om tjue dager",
        "Nylig forbi",
        "Forbi for lenge siden",
    ]


def test_search_matches_every_word_in_any_order(organiser):
    make.offering("Klima og miljø i anskaffelser")
    make.offering("Klimakrav i kontrakter")
    make.offering("Antikorrupsjon 100% (del_1)")
    assert _titles(organiser, q="miljø klima") == ["Klima og miljø i anskaffelser"]
    assert sorted(_titles(organiser, q="KLIMA")) == [
        "Klima og miljø i anskaffelser",
        "Klimakrav i kontrakter",
    ]
    # LIKE's wildcards are searched for as themselves.
    assert _titles(organiser, q="100%") == ["Antikorrupsjon 100% (del_1)"]
    assert _titles(organiser, q="del_") == ["Antikorrupsjon 100% (del_1)"]
    make.offering("Del 21")
    assert _titles(organiser, q="l_2") == []  # an unescaped _ would match "l 2"


def test_search_folds_every_letter_on_both_databases(organiser):
    """SQLite's own lower() leaves Æ, Ø and Å as they are; the search folds them too."""
    make.offering("MILJØMERKING I ÅRSAVTALER")
    assert _titles(organiser, q="miljømerking årsavtaler") == ["MILJØMERKING I ÅRSAVTALER"]


def test_each_filter(organiser):
    make.offering("Seminar om klima", themes=["climate_environment"])
    make.offering("Kurs om korrupsjon", kind="course", themes=["anti_corruption"])
    make.offering("Utkast", status="draft", themes=["human_rights"])
    make.offering("Avlyst", status="cancelled", starts=at_ten_in_oslo(3))
    make.offering("Forbi", starts=at_ten_in_oslo(-5))
    assert _titles(organiser, kind="course") == ["Kurs om korrupsjon"]
    assert _titles(organiser, status="draft") == ["Utkast"]
    assert _titles(organiser, status="cancelled") == ["Avlyst"]
    assert _titles(organiser, theme="anti_corruption") == ["Kurs om korrupsjon"]
    assert _titles(organiser, when="past") == ["Forbi"]
    assert "Forbi" not in _titles(organiser, when="upcoming")
    assert len(_titles(organiser, when="upcoming")) == 4


def test_network_meetings_are_folded_into_their_network(organiser):
    network = _network()
    make.offering("Seminar om klima", starts=at_ten_in_oslo(30))
    page = offering_list(organiser, ListFilters(), page=1, per_page=50)
    [folded] = [item for item in page.items if isinstance(item, NetworkRow)]
    assert folded.network.id == network.id
    assert folded.meetings == 3
    assert folded.upcoming
    assert folded.starts_at == at_ten_in_oslo(10)  # its next meeting, not the past one
    # Sorted by that next meeting, among the rest.
    assert _titles(organiser) == ["network:Nettverk for innkjøpere", "Seminar om klima"]

    # Over: the past meetings only, dated by the last of them.
    [past] = offering_list(organiser, ListFilters(when="past"), page=1, per_page=50).items
    assert (past.meetings, past.upcoming, past.starts_at) == (1, False, at_ten_in_oslo(-20))

    # Asked for by kind or by network, the meetings are listed one by one.
    by_kind = _titles(organiser, kind="network_meeting")
    assert by_kind == [f"Nettverk for innkjøpere: møte {n}" for n in (10, 40, -20)]
    assert _titles(organiser, network=network.id) == by_kind
    assert _titles(organiser, network=network.id, when="upcoming") == by_kind[:2]


def test_a_network_whose_meetings_do_not_match_is_not_listed(organiser):
    _network("Nettverk A")
    _network("Nettverk B")
    assert _titles(organiser, q="nettverk a") == ["network:Nettverk A"]
    assert _titles(organiser, status="draft") == []


def test_instructors_see_their_own_and_participants_none(factory, organiser):
    instructor = factory.user(roles=("instructor",))
    make.offering("Mitt kurs", instructors=[instructor])
    make.offering("Andres kurs")
    assert _titles(instructor) == ["Mitt kurs"]
    with pytest.raises(PermissionDenied):
        _titles(factory.user())


def test_filters_from_a_query_string_ignore_junk():
    args = MultiDict(
        {"q": "  klima   miljø ", "kind": "party", "status": "draft", "theme": "x", "when": "past"}
        | {"network": "-3"}
    )
    filters = ListFilters.from_args(args)
    assert filters == ListFilters(q="klima miljø", status="draft", when="past")
    assert ListFilters.from_args(MultiDict({"network": "abc"})).network is None
    assert ListFilters.from_args(MultiDict({"network": "99999999999"})).network is None


def test_the_page_keeps_its_filters_in_the_pager_links(client, login, organiser):
    for n in range(25):
        make.offering(f"Klima {n}", starts=at_ten_in_oslo(n + 1))
    make.offering("Noe annet")
    login(organiser)
    html = client.get("/manage/offerings?q=klima&when=upcoming").get_data(as_text=True)
    assert "25 results" in html or "25 treff" in html
    [next_link] = re.findall(r'href="([^"]*page=2[^"]*)"', html)
    assert "q=klima" in next_link and "when=upcoming" in next_link
    assert "Noe annet" not in html
    # The form shows what was asked.
    assert 'value="klima"' in html
    assert re.search(r'<option value="upcoming" selected', html)


def test_a_page_past_the_last_says_so(client, login, organiser):
    make.offering("Klima")
    login(organiser)
    html = client.get("/manage/offerings?page=5&q=klima").get_data(as_text=True)
    assert "1 result" in html or "1 treff" in html
    assert "Nothing matches" not in html and "No offerings yet" not in html
    assert 'href="/manage/offerings?q=klima"' in html  # back to the first page, same filters


def test_bad_filters_are_ignored_not_errors(client, login, organiser):
    login(organiser)
    for query in ("?kind=<script>", "?network=abc", "?page=-1&when=later", "?q=" + "x" * 5000):
        assert client.get("/manage/offerings" + query).status_code == 200
    assert client.get("/manage/offerings?network=999999").status_code == 404


def test_one_networks_meetings_under_its_name(client, login, organiser):
    network = _network()
    login(organiser)
    html = client.get(f"/manage/offerings?network={network.id}").get_data(as_text=True)
    assert "Nettverk for innkjøpere" in html
    assert html.count("Nettverk for innkjøpere: møte") == 3


def test_a_page_is_a_fixed_number_of_queries(client, login, organiser, count_queries):
    login(organiser)

    def queries() -> int:
        client.get("/manage/offerings")  # warm: the login's own queries are done
        with count_queries() as statements:
            assert client.get("/manage/offerings").status_code == 200
        return len(statements)

    make.offering("Ett seminar")
    _network("Nettverk 1", days=(5,))
    few = queries()
    for n in range(15):
        make.offering(f"Seminar {n}", starts=at_ten_in_oslo(n + 2) + timedelta(hours=0))
    for n in range(3):
        _network(f"Nettverk {n + 2}", days=(3, 33, -3))
    assert queries() == few
