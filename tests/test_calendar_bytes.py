"""Every calendar file the app hands out, byte for byte, against committed golden files.

The files are built through the interfaces the rest of the app uses (the download and
feed routes, the mail attachment builders), from rows with fixed ids, UIDs, dates and
modification times, so their bytes depend on nothing but the code. A change to how a
file is built must leave these bytes alone; when a change to the bytes is meant, write
the golden files again with ``LMS_CALENDAR_GOLDEN=write`` and read the diff before
committing it. Each file is also read back with ical.js and checked for the wire format.
"""

from __future__ import annotations

import difflib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from calendar_support import check_wire_format, parse_ics
from factories import oslo
from flask import current_app
from sqlalchemy import update

from lms import create_app
from lms.calendar import feeds
from lms.events.models import Network, NetworkMembership, Offering, OfferingSession
from lms.extensions import db
from lms.registrations.models import Registration
from tests.conftest import IsolatedClient
from tests.conftest import test_config as lms_test_config

GOLDEN = Path(__file__).resolve().parent / "calendar_golden"
WRITE = os.environ.get("LMS_CALENDAR_GOLDEN") == "write"

# The modification times every row gets (DTSTAMP and LAST-MODIFIED come from them).
OFFERING_STAMP = datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
SESSION_STAMP = datetime(2026, 9, 2, 10, 15, tzinfo=UTC)
REGISTRATION_STAMP = datetime(2026, 10, 5, 14, 45, tzinfo=UTC)  # later: wins in the feed
EARLY_REGISTRATION_STAMP = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # earlier: loses

NETWORK_ID = 990201


def _offering(offering_id, title, sessions, **fields):
    fields.setdefault("kind", "seminar")
    fields.setdefault("status", "published")
    offering = Offering(id=offering_id, title=title, **fields)
    for index, (start, hours, extra) in enumerate(sessions):
        offering.sessions.append(
            OfferingSession(
                id=offering_id * 10 + index,
                uid=f"{offering_id}{index:02d}a1b2c3d4e5f6a7b8c9d0e1f2",
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                **extra,
            )
        )
    db.session.add(offering)
    return offering


def _build_world(factory) -> dict:
    """The fixed rows; returns the people, by role in the test."""
    me = factory.user("me@example.no", language="nb")
    you = factory.user("you@example.no", language="en")
    nobody = factory.user("nobody@example.no", language="nb")
    db.session.add(
        Network(
            id=NETWORK_ID,
            name="Nettverk for CSR-koordinatorer",
            recurrence_rule="FREQ=MONTHLY;BYDAY=2TU",
        )
    )
    db.session.flush()
    db.session.add(NetworkMembership(network_id=NETWORK_ID, user_id=me.id))

    _offering(
        990101,
        "Klima og miljø i anskaffelser",
        [
            (oslo(2027, 1, 14, 9), 3, {}),
            (oslo(2027, 1, 21, 9), 3, {"status": "cancelled", "sequence": 1}),
            (oslo(2027, 7, 15, 9), 3, {"title": "Dag 2", "room": "Sal 5", "sequence": 2}),
            (oslo(2027, 7, 16, 9), 2, {"title": "Klima og miljø i anskaffelser"}),
            (oslo(2027, 7, 16, 13), 2, {"venue": "Rådhuset", "title": "  "}),
        ],
        summary="  Hvordan stille krav om klima, miljø og lønns- og arbeidsvilkår.  ",
        online_url="https://meet.example.no/klima",
        venue="Anskaffelseshuset",
        room="Sal 2",
        address="Postboks 1, 0150 Oslo",
    )
    _offering(
        990102,
        "Ærlige, økologiske og åpne anskaffelser " * 4,
        [(oslo(2027, 3, 28, 3, 30), 1, {}), (oslo(2030, 6, 3, 9), 1, {})],
        summary="Menneskerettigheter og ILOs kjernekonvensjoner i leverandørkjeder. " * 7,
        kind="course",
    )
    _offering(
        990103,
        "Avlyst seminar",
        [(oslo(2027, 5, 3, 9), 2, {"sequence": 2})],
        status="cancelled",
        venue="Anskaffelseshuset",
    )
    _offering(
        990104,
        "Arkivert kurs",
        [(oslo(2026, 11, 3, 12), 4, {})],
        status="archived",
        address=" Storgata 1 ",
    )
    _offering(990105, "Utkast", [(oslo(2027, 8, 1, 9), 1, {})], status="draft")
    meetings = [
        (990111, oslo(2027, 1, 12, 13), {}, {"members_only": True}),
        (990112, oslo(2027, 2, 16, 13), {"sequence": 1}, {}),
        (990113, oslo(2027, 3, 9, 13), {}, {"status": "cancelled"}),
        (990114, oslo(2027, 4, 13, 13), {}, {"status": "draft"}),
    ]
    for offering_id, start, session_fields, fields in meetings:
        _offering(
            offering_id,
            "Nettverksmøte",
            [(start, 2, session_fields)],
            kind="network_meeting",
            network_id=NETWORK_ID,
            online_url="https://meet.example.no/csr",
            venue="Digitalt",
            **fields,
        )
    db.session.flush()

    registrations = [
        (me, 990101, "confirmed"),
        (me, 990102, "offered"),
        (me, 990103, "confirmed"),  # the offering is cancelled
        (me, 990104, "attended"),
        (me, 990105, "confirmed"),  # a draft: never in a feed
        (me, 990111, "no_show"),
        (me, 990112, "cancelled"),
        (me, 990113, "expired"),
        (you, 990101, "declined"),
        (you, 990102, "pending"),
        (you, 990104, "waitlisted"),
        (you, 990112, "confirmed"),
        (you, 990103, "cancelled"),
    ]
    for index, (user, offering_id, status) in enumerate(registrations):
        db.session.add(
            Registration(id=990301 + index, offering_id=offering_id, user_id=user.id, status=status)
        )
    db.session.commit()

    # Fixed modification times, written last so no later change moves them.
    db.session.execute(update(Offering).values(updated_at=OFFERING_STAMP))
    db.session.execute(update(OfferingSession).values(updated_at=SESSION_STAMP))
    db.session.execute(update(Registration).values(updated_at=REGISTRATION_STAMP))
    db.session.execute(
        update(Registration)
        .where(Registration.offering_id == 990104)
        .values(updated_at=EARLY_REGISTRATION_STAMP)
    )
    db.session.commit()
    db.session.expire_all()
    return {"me": me, "you": you, "nobody": nobody}


def _attachment(name: str, offering_id: int) -> bytes:
    """What the mail worker attaches: the builder the calendar area declared, for a
    reader with a place (``online_link``, as the confirmation's context says)."""
    builder = current_app.extensions["lms"].mail_attachments[name]
    offering = db.session.get(Offering, offering_id)
    filename, content_type, content = builder({"offering": offering, "online_link": True})
    assert (filename, content_type) == ("invitation.ics", "text/calendar")
    return content


def _get(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.data


def _outputs(client, people, prefix: str = "") -> dict[str, bytes]:
    me, you, nobody = people["me"], people["you"], people["nobody"]
    out = {}
    for offering_id in (990101, 990102, 990103, 990104, 990111):
        out[f"download-{offering_id}"] = _get(client, f"{prefix}/events/{offering_id}/calendar.ics")
    for name, user in (("me", me), ("you", you), ("nobody", nobody)):
        out[f"feed-{name}"] = _get(client, f"{prefix}/calendar/{feeds.feed_token(user)}.ics")
    out["network-feed"] = _get(
        client, f"{prefix}/calendar/{feeds.feed_token(me)}/networks/{NETWORK_ID}.ics"
    )
    for offering_id in (990101, 990111, 990112):
        out[f"mail-confirmed-{offering_id}"] = _attachment("calendar", offering_id)
    for offering_id in (990101, 990103, 990112):
        out[f"mail-cancelled-{offering_id}"] = _attachment("calendar_cancelled", offering_id)
    return out


def _check(outputs: dict[str, bytes], variant: str) -> None:
    parsed = parse_ics(*outputs.values())
    for (name, data), calendar in zip(outputs.items(), parsed, strict=True):
        check_wire_format(data)
        assert calendar["version"] == "2.0", name
    mismatches = []
    for name, data in outputs.items():
        path = GOLDEN / variant / f"{name}.ics"
        if WRITE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            continue
        assert path.exists(), f"no golden {path.name}: write them with LMS_CALENDAR_GOLDEN=write"
        expected = path.read_bytes()
        if data != expected:
            diff = difflib.unified_diff(
                expected.decode().splitlines(),
                data.decode().splitlines(),
                f"golden/{variant}/{name}.ics",
                "built",
                lineterm="",
            )
            mismatches.append("\n".join(diff))
    assert not mismatches, "\n\n".join(mismatches)
    if not WRITE:
        stored = {p.stem for p in (GOLDEN / variant).glob("*.ics")}
        assert stored == set(outputs), "a golden file no output is compared with"


@pytest.fixture
def people(app, factory):
    return _build_world(factory)


def test_every_calendar_file_keeps_its_bytes(app, client, people):
    outputs = _outputs(client, people)
    # The files say what they should, so the golden bytes are worth keeping.
    parsed = dict(zip(outputs, parse_ics(*outputs.values()), strict=True))
    assert [e["status"] for e in parsed["feed-me"]["events"]].count("CANCELLED") >= 4
    assert "TENTATIVE" in [e["status"] for e in parsed["feed-me"]["events"]]
    assert parsed["feed-nobody"]["events"] == []
    assert len(parsed["network-feed"]["events"]) == 3
    meet = "https://meet.example.no/csr"
    assert meet not in parsed["download-990111"]["events"][0]["description"]
    assert meet in parsed["mail-confirmed-990111"]["events"][0]["description"]
    _check(outputs, "default")


def test_every_calendar_file_keeps_its_bytes_in_another_zone(app, client, people):
    app.config["LMS_TIMEZONE"] = "America/New_York"
    _check(_outputs(client, people), "new-york")


def test_every_calendar_file_keeps_its_bytes_under_a_url_prefix(app, people):
    """Mounted under a prefix on another host: URLs and UID hosts follow LMS_BASE_URL."""
    mounted = create_app(
        lms_test_config(LMS_URL_PREFIX="/learning", LMS_BASE_URL="https://kurs.example.no")
    )
    mounted.test_client_class = IsolatedClient
    try:
        with mounted.app_context():
            _check(_outputs(mounted.test_client(), people, "/learning"), "prefixed")
            db.session.remove()
    finally:
        with mounted.app_context():
            db.engine.dispose()
