"""A real CalDAV server (Radicale, run as its own process on a free port) takes the
programme through the ``caldav`` client, one resource per event, and a time-range
query returns exactly the items in that range: the server reads our VTIMEZONEs as a
calendar app's server would, across a summer-time change too. Pure: no database."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import UTC, datetime

import caldav
import pytest
from conference_export_support import dst_days, local, plain_programme, release_snapshot
from icalendar import Calendar

from lms.conference import ical_entries

pytestmark = pytest.mark.pure

LINKS = ical_entries.Links(
    uid_host="kurs.example.no",
    item_url=lambda item_id: f"https://kurs.example.no/conferences/k/items/{item_id}",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    """The URL of a Radicale server of its own (no authentication), stopped at the end."""
    folder = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    config = folder / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        "[auth]\ntype = none\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
        "[rights]\ntype = owner_only\n"
        "[logging]\nlevel = warning\n",
        encoding="utf-8",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "Radicale did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)


def one_per_event(data: bytes) -> list[bytes]:
    """The file as one calendar per event (with its VTIMEZONE): a CalDAV resource holds
    one UID."""
    parsed = Calendar.from_ical(data)
    timezones = parsed.walk("VTIMEZONE")
    pieces = []
    for event in parsed.walk("VEVENT"):
        piece = Calendar()
        for name in ("PRODID", "VERSION"):
            piece.add(name, parsed[name])
        for timezone in timezones:
            piece.add_component(timezone)
        piece.add_component(event)
        pieces.append(piece.to_ical())
    return pieces


def upload(url: str, name: str, data: bytes):
    client = caldav.DAVClient(url=url, username="programme", password="unused")
    calendar = client.principal().make_calendar(name=name, cal_id=name)
    for piece in one_per_event(data):
        calendar.save_event(piece.decode())
    return calendar


def titles_between(calendar, start: datetime, end: datetime) -> set[str]:
    found = calendar.search(event=True, start=start, end=end, expand=False)
    return {str(result.icalendar_component["SUMMARY"]) for result in found}


def test_radicale_takes_the_programme_and_answers_a_time_range_query(radicale):
    programme = plain_programme()
    snapshot = release_snapshot(programme)
    data = ical_entries.calendar_bytes(snapshot, "Programme", LINKS)
    calendar = upload(radicale, "programme", data)
    stored = {str(event.icalendar_component["UID"]) for event in calendar.events()}
    assert stored == {f"conference-item-{item.guid}@kurs.example.no" for item in programme.items}
    first_day = programme.conference.days[0].day
    between = titles_between(calendar, local(first_day, "10:00"), local(first_day, "11:00"))
    assert between == {"Klima i kontraktene", "Rundebord om antikorrupsjon"}
    whole_day = titles_between(calendar, local(first_day, "00:00"), local(first_day, "23:59"))
    assert len(whole_day) == 4


@pytest.mark.parametrize("month", [3, 10])
def test_radicale_reads_the_instants_across_a_summer_time_change(radicale, month):
    saturday, sunday = dst_days(month)
    items = (
        ("Lørdag kl. 9", 0, "09:00", 60, 0, None, (), "talk"),
        ("Søndag kl. 9", 1, "09:00", 60, 0, None, (), "talk"),
    )
    snapshot = release_snapshot(plain_programme(days=(saturday, sunday), items=items))
    data = ical_entries.calendar_bytes(snapshot, "DST", LINKS)
    calendar = upload(radicale, f"dst-{month}", data)
    # 09:00 on Sunday is 07:00 UTC in summer time (March), 08:00 UTC in winter (October).
    hour = 7 if month == 3 else 8
    on_time = datetime(sunday.year, sunday.month, sunday.day, hour, 15, tzinfo=UTC)
    wrong = datetime(sunday.year, sunday.month, sunday.day, 15 - hour, 15, tzinfo=UTC)
    assert titles_between(calendar, on_time, on_time.replace(minute=30)) == {"Søndag kl. 9"}
    assert titles_between(calendar, wrong, wrong.replace(minute=30)) == set()
