"""Recurrence rules: checked part by part when saved (with a message saying what is
wrong), never a 500 when planned (fuzzed), the picker in words, the preview of the
dates before they are made, and planning dates that are past."""

from __future__ import annotations

import html
from datetime import date, time, timedelta

import pytest
from conftest import post_form
from factories import today_in_oslo, year_like
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from lms.core.dates import to_local
from lms.events import networks, recurrence
from lms.events.models import Network, Offering
from lms.extensions import db

Y2030 = year_like(2030)
ENGLISH = {"Accept-Language": "en"}

FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def organiser(factory):
    return factory.user(roles=("organiser",), language="en")


def network(rule="FREQ=MONTHLY;BYDAY=2TU", **fields) -> Network:
    made = Network(name="Nettverk for klimakrav", recurrence_rule=rule, **fields)
    db.session.add(made)
    db.session.commit()
    return made


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- bug: BYDAY=9TU was accepted, and planning it was a 500 ------------------------------


def test_byday_9tu_is_refused_when_saved_with_what_is_wrong(client, login, organiser):
    login(organiser)
    data = {"name": "Nettverket", "membership": "open", "recurrence_rule": "FREQ=MONTHLY;BYDAY=9TU"}
    response = post_form(client, "/manage/networks", data)
    assert response.status_code == 400
    assert "the number before a weekday goes from 1 to 5" in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(Network)) == 0


def test_planning_a_stored_rule_that_cannot_be_read_is_no_500(client, login, organiser):
    """A rule saved before the checks existed: planning says so instead of failing."""
    login(organiser)
    net = network("FREQ=MONTHLY;BYDAY=9TU", meeting_start=time(9))
    path = f"/manage/networks/{net.id}/meetings"
    data = {
        "after": f"{Y2030}-01-01",
        "start": "09:00",
        "minutes": "60",
        "count": "3",
        "capacity": "40",
    }
    for extra in ({}, {"preview": "1"}):
        response = post_form(client, path, data | extra, form_page=f"/manage/networks/{net.id}")
        assert response.status_code == 302
        assert "number before a weekday" in page_text(client.get(response.headers["Location"]))
    assert client.get(f"/manage/networks/{net.id}").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Offering)) == 0


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=MONTHLY;BYDAY=0TU", "from 1 to 5"),
        ("FREQ=WEEKLY;BYDAY=2TU", "works only with FREQ=MONTHLY or YEARLY"),
        ("FREQ=MONTHLY;BYMONTHDAY=40", "BYMONTHDAY takes numbers from 1 to 31"),
        ("FREQ=MONTHLY;INTERVAL=0", "INTERVAL must be a whole number"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no date in the next ten years"),
        ("FREQ=MONTHLY;COUNT=3", "Leave out COUNT"),
        ("FREQ=MONTHLY;BYHOUR=9", "Leave out BYHOUR"),
        ("FREQ=MONTHLY;BYDAY=TU;BYDAY=WE", "BYDAY is given twice"),
        ("FREQ=SOMETIMES", "must start with FREQ="),
        ("FREQ=MONTHLY;FOO=1", "FOO is not a part"),
        ("FREQ=MONTHLY;BYDAY", "NAME=VALUE"),
    ],
)
def test_each_fault_is_named(app, rule, words):
    with pytest.raises(recurrence.RuleError) as refused:
        recurrence.check_rule(rule)
    with app.test_request_context(headers=ENGLISH):
        assert words in str(refused.value.message)


def test_a_good_rule_is_kept_in_upper_case(app):
    assert recurrence.check_rule(" freq=monthly;byday=-1fr ") == "FREQ=MONTHLY;BYDAY=-1FR"


# --- the fuzz: any rule either gets a form error or plans without error ------------------

PARTS = {
    "FREQ": st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "", "X"]),
    "INTERVAL": st.one_of(st.integers(-5, 200).map(str), st.just("a")),
    "BYDAY": st.lists(
        st.tuples(
            st.sampled_from(["", "+", "-"]),
            st.one_of(st.just(""), st.integers(-60, 60).map(str)),
            st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU", "XX", ""]),
        ).map("".join),
        min_size=1,
        max_size=3,
    ).map(",".join),
    "BYMONTHDAY": st.lists(st.integers(-40, 40).map(str), min_size=1, max_size=3).map(",".join),
    "BYMONTH": st.lists(st.integers(-2, 14).map(str), min_size=1, max_size=3).map(",".join),
    "BYSETPOS": st.lists(st.integers(-400, 400).map(str), min_size=1, max_size=2).map(",".join),
    "BYWEEKNO": st.integers(-60, 60).map(str),
    "BYYEARDAY": st.integers(-400, 400).map(str),
    "WKST": st.sampled_from(["MO", "SU", "ZZ"]),
    "COUNT": st.integers(0, 5).map(str),
    "BYHOUR": st.integers(0, 30).map(str),
}


def rule_strategy():
    part = st.sampled_from(sorted(PARTS)).flatmap(
        lambda name: PARTS[name].map(lambda value: f"{name}={value}")
    )
    built = st.tuples(PARTS["FREQ"], st.lists(part, max_size=4)).map(
        lambda t: ";".join([f"FREQ={t[0]}", *t[1]])
    )
    noise = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
    return st.one_of(built, built.map(str.lower), noise)


@pytest.mark.slow
@pytest.mark.pure
def test_fuzz_every_rule_is_refused_or_plans(app):
    @FUZZ
    @given(rule_strategy(), st.integers(0, 3650), st.integers(1, 24))
    @example("FREQ=MONTHLY;BYDAY=9TU", 0, 3)
    @example("FREQ=MONTHLY;BYSETPOS=366;BYDAY=TU", 0, 3)
    @example("FREQ=YEARLY;BYWEEKNO=53;BYDAY=53MO", 0, 24)
    @example("FREQ=MONTHLY;BYDAY=5SU", 100, 24)
    def check(rule, days, count):
        try:
            stored = networks.validate_rule(rule)
        except recurrence.RuleError as error:
            with app.test_request_context(headers=ENGLISH):
                assert str(error.message)  # a form error that says something
            return
        after = date(2026, 1, 1) + timedelta(days=days)
        starts = networks.meeting_dates(stored, after, time(9), count)
        # A rule that was accepted plans at least one date and at most the count, in order,
        # none before the first day asked for, each at 09:00 on the Oslo clock.
        assert 1 <= len(starts) <= count
        local = [to_local(start) for start in starts]
        assert local == sorted(set(local))
        assert all(moment.date() >= after and moment.time() == time(9) for moment in local)

    check()


@pytest.mark.slow
def test_fuzz_saving_and_planning_through_the_pages_never_5xx(client, login, organiser):
    login(organiser)
    net = network(meeting_start=time(9))
    manage = f"/manage/networks/{net.id}"
    plan = {
        "after": f"{Y2030}-01-01",
        "start": "09:00",
        "minutes": "60",
        "count": "2",
        "capacity": "40",
    }

    @settings(FUZZ, max_examples=40)
    @given(rule_strategy())
    @example("FREQ=MONTHLY;BYDAY=9TU")
    def check(rule):
        data = {"network-name": "N", "network-membership": "open"}
        data |= {"network-repeat": "custom", "network-recurrence_rule": rule}
        response = client.post(f"{manage}/settings", data={"network-csrf_token": token(), **data})
        assert response.status_code in (302, 400), rule
        response = client.post(
            f"{manage}/meetings", data={"csrf_token": token(), "preview": "1", **plan}
        )
        assert response.status_code in (200, 302), rule
        db.session.rollback()

    def token():
        from conftest import csrf_token

        return csrf_token(client, manage)

    check()


# --- the picker in words -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "rule", "words"),
    [
        (
            recurrence.Pattern("monthly", "TU", 1, 2),
            "FREQ=MONTHLY;BYDAY=2TU",
            "the second Tuesday of every month",
        ),
        (
            recurrence.Pattern("monthly", "FR", 1, -1),
            "FREQ=MONTHLY;BYDAY=-1FR",
            "the last Friday of every month",
        ),
        (
            recurrence.Pattern("weekly", "TH", 2),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
            "every other Thursday",
        ),
        (
            recurrence.Pattern("monthly", "MO", 3, 1),
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO",
            "the first Monday every 3 months",
        ),
    ],
)
def test_the_picker_builds_and_reads_the_rule(app, pattern, rule, words):
    assert pattern.rule() == rule
    assert recurrence.pattern_of(rule) == pattern
    with app.test_request_context(headers=ENGLISH):
        assert recurrence.describe(rule) == words


def test_the_rule_in_norwegian(app):
    with app.test_request_context(headers={"Accept-Language": "nb"}):
        assert recurrence.describe("FREQ=MONTHLY;BYDAY=2TU") == "andre tirsdag i hver måned"
        assert recurrence.describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH") == "annenhver torsdag"


def test_the_picker_saves_a_rule_without_typing_one(client, login, organiser):
    login(organiser)
    data = {"name": "Nettverket", "membership": "open", "repeat": "weekly"}
    data |= {"weekday": "TH", "interval": "2", "ordinal": "1", "recurrence_rule": "ignored"}
    assert post_form(client, "/manage/networks", data).status_code == 302
    saved = db.session.scalar(select(Network))
    assert saved.recurrence_rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    assert "every other Thursday" in page_text(client.get(f"/manage/networks/{saved.id}"))


# --- the preview: the dates shown before they are made, one moved, one left out ----------


def test_preview_then_make_with_one_date_moved_and_one_left_out(client, login, organiser):
    login(organiser)
    net = network("FREQ=MONTHLY;BYDAY=2TU", meeting_start=time(9))
    manage = f"/manage/networks/{net.id}"
    plan = {
        "after": f"{Y2030}-01-01",
        "start": "09:00",
        "minutes": "60",
        "count": "3",
        "capacity": "40",
    }
    response = post_form(client, f"{manage}/meetings", plan | {"preview": "1"}, form_page=manage)
    assert response.status_code == 200
    text = page_text(response)
    assert "Make these meetings" in text
    assert db.session.scalar(select(func.count()).select_from(Offering)) == 0  # nothing yet
    days = networks.meeting_dates(net.recurrence_rule, date(Y2030, 1, 1), time(9), 3)
    rows = {}
    for i, starts in enumerate(days):
        local = to_local(starts)
        rows |= {
            f"rows-{i}-occurrence": local.date().isoformat(),
            f"rows-{i}-day": local.date().isoformat(),
            f"rows-{i}-start": "09:00",
        }
        if i != 1:
            rows[f"rows-{i}-include"] = "y"
    moved_to = to_local(days[2]).date() + timedelta(days=1)
    rows["rows-2-day"] = moved_to.isoformat()
    rows["rows-2-start"] = "13:00"
    response = post_form(
        client, f"{manage}/meetings", plan | rows | {"make": "1"}, form_page=manage
    )
    assert response.status_code == 302
    made = sorted(db.session.scalars(select(Offering)), key=lambda o: o.starts_at)
    assert [to_local(o.starts_at).date() for o in made] == [to_local(days[0]).date(), moved_to]
    assert to_local(made[1].starts_at).time() == time(13)
    assert made[1].occurrence_date == to_local(days[2]).date()  # planning again skips it
    text = page_text(client.get(manage))
    assert "2 meetings added." in text and "1 date was left out, as you chose." in text


def test_the_preview_does_not_say_a_moved_date_still_has_its_meeting(client, login, organiser):
    """A rule date whose meeting was moved (or skipped) is left alone, but the network no
    longer meets that day: the preview said it did."""
    login(organiser)
    net = network("FREQ=MONTHLY;BYDAY=2TU", meeting_start=time(9))
    [meeting] = networks.generate_meetings(organiser, net, after=date(Y2030, 1, 1), count=1)
    networks.move_meeting(organiser, net, meeting.id, date(Y2030, 1, 10), time(9))
    db.session.commit()
    manage = f"/manage/networks/{net.id}"
    plan = {"after": f"{Y2030}-01-01", "start": "09:00", "minutes": "60", "count": "1"}
    plan |= {"capacity": "40", "preview": "1"}
    text = page_text(post_form(client, f"{manage}/meetings", plan, form_page=manage))
    assert "already meets that day" not in text
    assert "a meeting was already planned for this date (it may have been moved or skipped)" in text


# --- bug: meetings planned in the past were reported added and then shown nowhere ---------


def test_dates_in_the_past_are_not_made_and_the_organiser_is_told(client, login, organiser):
    login(organiser)
    net = network("FREQ=DAILY", meeting_start=time(9))
    manage = f"/manage/networks/{net.id}"
    after = today_in_oslo() - timedelta(days=10)
    plan = {
        "after": after.isoformat(),
        "start": "09:00",
        "minutes": "60",
        "count": "5",
        "capacity": "40",
    }
    response = post_form(client, f"{manage}/meetings", plan, form_page=manage)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Offering)) == 0
    text = page_text(client.get(manage))
    assert "No meetings were added." in text
    assert "5 dates were in the past and were not planned" in text
    assert "meetings added" not in text


def test_a_moved_date_in_the_past_is_refused(client, login, organiser):
    login(organiser)
    net = network("FREQ=MONTHLY;BYDAY=2TU", meeting_start=time(9))
    past = today_in_oslo() - timedelta(days=3)
    with pytest.raises(networks.EventError) as refused:
        networks.make_meetings(organiser, net, [(past, networks.to_utc(past, time(9)))])
    assert refused.value.code == "in_the_past"


def test_a_meeting_is_not_moved_into_the_past(client, login, organiser):
    """The same fault as planning past dates: moved there, it would be shown nowhere."""
    login(organiser)
    net = network("FREQ=MONTHLY;BYDAY=2TU", meeting_start=time(9))
    [meeting] = networks.generate_meetings(organiser, net, after=date(Y2030, 1, 1), count=1)
    db.session.commit()
    starts = meeting.sessions[0].starts_at
    manage = f"/manage/networks/{net.id}"
    past = today_in_oslo() - timedelta(days=2)
    data = {"day": past.isoformat(), "start": "09:00"}
    response = post_form(client, f"{manage}/meetings/{meeting.id}/move", data, form_page=manage)
    assert response.status_code == 302
    assert "cannot be planned in the past" in page_text(client.get(manage))
    db.session.expire_all()
    assert db.session.get(Offering, meeting.id).sessions[0].starts_at == starts
