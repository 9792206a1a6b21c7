"""Demo content for ``flask lms load-demo``: idempotent, safe to run on every start.

Besides a login per role it adds a year of offerings on the four themes (seminars and
courses, some full with a waiting list, some past with attendance recorded), three
networks with monthly meetings, and the self-paced modules of ``courses/`` (imported as
``flask lms import-courses`` does, taught by the demo instructor; the demo participant
has begun one). Everything is keyed on a unique name (an e-mail, a title, a
network's name, a module's slug), so a second run adds nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from lms.accounts import services
from lms.accounts.models import User
from lms.demo.conference import load_conference_demo
from lms.extensions import db
from lms.learning.course_import import import_courses
from lms.learning.lessons import record_lesson_view
from lms.learning.models import Module
from lms.paths import COURSES_DIR
from lms.timeutil import utcnow

DEMO_LEARNER_MODULE = "menneskerettigheter-i-leverandorkjeden"
DEMO_PASSWORD = "demo-password"  # noqa: S105  (published demo login, not a secret)
DEMO_USERS = (
    ("participant@demo.lms", "participant", "Pia Deltaker"),
    ("instructor@demo.lms", "instructor", "Ivar Instruktør"),
    ("organiser@demo.lms", "organiser", "Olga Arrangør"),
    ("admin@demo.lms", "admin", "Ada Administrator"),
)
DEMO_PARTICIPANTS = (
    ("Kari Nordmann", "Bergen kommune"),
    ("Ola Hansen", "Vestland fylkeskommune"),
    ("Ingrid Johansen", "Statens vegvesen"),
    ("Lars Olsen", "Trondheim kommune"),
    ("Sigrid Larsen", "Helse Sør-Øst"),
    ("Ahmed Ali", "Oslo kommune"),
    ("Marte Berg", "Innlandet fylkeskommune"),
    ("Jonas Dahl", "Forsvarsmateriell"),
    ("Nora Haugen", "Bodø kommune"),
    ("Emil Solberg", "Statsbygg"),
    ("Sofie Bakken", "Tromsø kommune"),
    ("Henrik Moe", "Nye Veier"),
    ("Aisha Khan", "Stavanger kommune"),
    ("Thomas Lie", "Universitetet i Oslo"),
)

SEMINAR_INTRO = (
    "Seminaret gir innkjøpere verktøy for å stille og følge opp krav om samfunnsansvar.\n\n"
    "## Program\n\n- Innledning og rammeverk\n- Erfaringer fra oppdragsgivere\n"
    "- Gruppearbeid og oppsummering\n\n"
    "Les mer hos [Anskaffelser.no](https://anskaffelser.no)."
)

# title, kind, themes, principles, summary, days from today, sessions, capacity, place, online
OFFERINGS = (
    ("Menneskerettigheter i leverandørkjeden", "seminar", ["human_rights"], [1, 2, 4, 5],
     "Aktsomhetsvurderinger og risikobasert oppfølging av leverandører.", -75, 1, 40,
     "Anskaffelseshuset, Oslo", ""),
    ("Lønns- og arbeidsvilkår i offentlige kontrakter", "seminar", ["working_conditions"],
     [3, 4, 5, 6], "Forskrift om lønns- og arbeidsvilkår: krav, kontroll og sanksjoner.",
     -40, 1, 30, "Bergen kulturhus", ""),
    ("Antikorrupsjon for innkjøpere", "course", ["anti_corruption"], [10],
     "Habilitet, korrupsjonsrisiko og varsling i anskaffelsesprosessen.", -20, 3, 20,
     "Anskaffelseshuset, Oslo", ""),
    ("Klima og miljø i anskaffelser", "course", ["climate_environment"], [7, 8, 9],
     "Klimakrav, miljøkriterier og livssykluskostnader.", 12, 3, 25,
     "Anskaffelseshuset, Oslo", "https://meet.example.no/klima"),
    ("Aktsomhetsvurderinger etter åpenhetsloven", "seminar", ["human_rights"], [1, 2],
     "Hva åpenhetsloven betyr for offentlige oppdragsgivere og leverandører.", 20, 1, 8,
     "Trondheim Spektrum", ""),
    ("ILO-kjernekonvensjonene for innkjøpere", "seminar", ["human_rights", "working_conditions"],
     [3, 4, 5, 6], "Barnearbeid, tvangsarbeid, diskriminering og organisasjonsfrihet.", 33,
     1, 10, "", "https://meet.example.no/ilo"),
    ("Sosial dumping i bygg og anlegg", "seminar", ["working_conditions"], [4, 6],
     "Kontraktskrav og kontroller på byggeplassen.", 47, 1, 60, "Stavanger forum", ""),
    ("Sirkulære anskaffelser i praksis", "course", ["climate_environment"], [8, 9],
     "Ombruk, reparasjon og materialgjenvinning i kontraktene.", 68, 4, 24,
     "Anskaffelseshuset, Oslo", ""),
    ("Habilitet og integritet i innkjøp", "seminar", ["anti_corruption"], [10],
     "Gaver, bindinger og interessekonflikter: slik håndterer du dem.", 90, 1, 50, "",
     "https://meet.example.no/habilitet"),
    ("Risikobasert oppfølging av leverandører", "course", ["human_rights", "working_conditions"],
     [1, 2, 3, 4, 5, 6], "Fra risikovurdering til revisjon: en praktisk kursrekke.", 120, 3,
     20, "Tromsø kulturhus", "https://meet.example.no/oppfolging"),
    ("Klimakrav i transportanskaffelser", "seminar", ["climate_environment"], [7, 8, 9],
     "Nullutslippskjøretøy og krav i transporttjenester.", 160, 1, 80, "Bodø rådhus", ""),
    ("Miljømerker og dokumentasjon", "seminar", ["climate_environment"], [8],
     "Når kan du kreve miljømerker, og hva godtar du som likeverdig?", 200, 1, 100, "",
     "https://meet.example.no/miljomerker"),
    ("Kontraktsoppfølging av samfunnsansvar", "course",
     ["human_rights", "working_conditions", "climate_environment", "anti_corruption"],
     list(range(1, 11)), "Alle fire temaene i en sammenhengende kursrekke.", 240, 4, 30,
     "Anskaffelseshuset, Oslo", ""),
    ("Innføring i bærekraftige anskaffelser", "seminar",
     ["human_rights", "working_conditions", "climate_environment", "anti_corruption"],
     list(range(1, 11)), "For nye innkjøpere: samfunnsansvar fra behov til kontrakt.", 300, 1,
     150, "", "https://meet.example.no/innforing"),
)  # fmt: skip
FULL = {"Aktsomhetsvurderinger etter åpenhetsloven", "ILO-kjernekonvensjonene for innkjøpere"}

NETWORKS = (
    ("Nettverk for samfunnsansvar i offentlige anskaffelser", "open", "FREQ=MONTHLY;BYDAY=2TU",
     time(9, 0), 120),
    ("Nettverk for klima- og miljøkoordinatorer", "approval", "FREQ=MONTHLY;BYDAY=1TH",
     time(13, 0), 90),
    ("Nettverk for kontraktsoppfølging i bygg og anlegg", "open", "FREQ=MONTHLY;BYDAY=-1WE",
     time(10, 0), 120),
)  # fmt: skip


def load_demo_data() -> int:
    """Create the demo users and content that do not exist yet; return how many users
    were created."""
    created = 0
    for email, role, name in DEMO_USERS:
        if services.find_user_by_email(email) is not None:
            continue
        services.create_user(
            email,
            DEMO_PASSWORD,
            name,
            organisation="Demokommunen",
            job_title="Innkjøper",
            roles=() if role == "participant" else (role,),
            verified=True,
        )
        created += 1
    created += _load_participants()
    _load_offerings()
    _load_networks()
    load_courses(COURSES_DIR)
    _load_learning_progress()
    created += load_conference_demo(
        date.today(), _user("organiser@demo.lms"), _user("participant@demo.lms").password_hash
    )
    return created


def load_courses(folder: Path) -> int:
    """Import the course tree at ``folder`` (nothing while it holds no module yet) and
    make the demo instructor an instructor of each module; the number of modules."""
    if not any((child / "module.yaml").is_file() for child in _folders(folder)):
        return 0
    report = import_courses(folder)
    instructor = _user("instructor@demo.lms")
    slugs = [module.slug for module in report.modules]
    for module in db.session.scalars(select(Module).where(Module.slug.in_(slugs))):
        if instructor is not None and instructor not in module.instructors:
            module.instructors.append(instructor)
    db.session.flush()
    return len(slugs)


def _load_learning_progress() -> None:
    """The demo participant has read the first lessons of one module, so their learning
    page has a module to continue. (Only views: starting an attempt commits, and the
    demo is loaded in one transaction.)"""
    person = _user("participant@demo.lms")
    module = db.session.scalar(select(Module).where(Module.slug == DEMO_LEARNER_MODULE))
    if person is None or module is None:
        return
    for lesson in module.lessons[:2]:
        record_lesson_view(person, lesson.id)
    db.session.flush()


def _folders(folder: Path) -> list[Path]:
    return [child for child in folder.iterdir() if child.is_dir()] if folder.is_dir() else []


def _user(email: str) -> User:
    return services.find_user_by_email(email)


def _load_participants() -> int:
    """Participants who fill the demo's seats; they share one password hash (fast)."""
    shared_hash = _user("participant@demo.lms").password_hash
    created = 0
    for n, (name, organisation) in enumerate(DEMO_PARTICIPANTS, start=1):
        email = f"deltaker{n:02}@demo.lms"
        if services.find_user_by_email(email) is not None:
            continue
        db.session.add(
            User(
                email=email,
                password_hash=shared_hash,
                name=name,
                organisation=organisation,
                job_title="Innkjøpsrådgiver",
                language="nb",
                email_verified_at=utcnow(),
            )
        )
        created += 1
    db.session.flush()
    return created


def _participants() -> list[User]:
    emails = [f"deltaker{n:02}@demo.lms" for n in range(1, len(DEMO_PARTICIPANTS) + 1)]
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    return [users[e] for e in emails]


def _oslo(day: date, clock: time) -> datetime:
    zone = ZoneInfo(current_app.config.get("LMS_TIMEZONE", "Europe/Oslo"))
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _load_offerings() -> None:
    from lms.events.models import Offering, OfferingSession
    from lms.registrations import services as registrations
    from lms.registrations.manage import record_attendance
    from lms.registrations.models import Registration, RegistrationLog

    existing = set(db.session.scalars(select(Offering.title)))
    organiser, instructor = _user("organiser@demo.lms"), _user("instructor@demo.lms")
    people = _participants()
    today = date.today()
    for index, row in enumerate(OFFERINGS):
        title, kind, themes, principles, summary, days, sessions, capacity, place, online = row
        if title in existing:
            continue
        first_day = today + timedelta(days=days)
        first_day += timedelta(days=(1 - first_day.weekday()) % 7)  # a Tuesday
        offering = Offering(
            kind=kind,
            status="published",
            title=title,
            summary=summary,
            description_md=SEMINAR_INTRO,
            themes=themes,
            principles=principles,
            audience="Innkjøpere og kontraktsforvaltere i offentlig sektor",
            language="nb",
            venue=place,
            address="Postboks 7154 St. Olavs plass, Oslo" if "Oslo" in place else "",
            online_url=online,
            capacity=capacity,
            questions=["dietary", "organisation_type"] if place else ["organisation_type"],
            created_by_id=organiser.id,
            waitlist_mode="offer" if index % 2 else "auto",
        )
        for n in range(sessions):
            day = first_day + timedelta(weeks=n)
            offering.sessions.append(
                OfferingSession(starts_at=_oslo(day, time(9, 0)), ends_at=_oslo(day, time(12, 0)))
            )
        if index % 3 == 0:
            offering.instructors.append(instructor)
        db.session.add(offering)
        db.session.flush()
        past = days < 0
        if past:
            # Registration is closed for a past event: put people in seats directly
            # (logged), then record attendance through the service.
            for n, person in enumerate(people[: 8 + index]):
                registration = Registration(
                    offering_id=offering.id, user_id=person.id, status="confirmed"
                )
                registration.log.append(
                    RegistrationLog(actor_id=person.id, from_status=None, to_status="confirmed")
                )
                db.session.add(registration)
                db.session.flush()
                record_attendance(organiser, registration.id, attended=n % 5 != 4)
        else:
            count = capacity + 4 if title in FULL else min(capacity // 5, 8)
            everyone = [_user("participant@demo.lms"), *people] if title in FULL else people
            for person in everyone[:count]:
                registrations.register(
                    person, offering.id, answers={"organisation_type": "municipality"}
                )
    db.session.flush()


def _load_networks() -> None:
    from lms.events import networks
    from lms.events.models import Network, NetworkMembership

    organiser = _user("organiser@demo.lms")
    people = _participants()
    existing = set(db.session.scalars(select(Network.name)))
    for index, (name, membership, rule, start, minutes) in enumerate(NETWORKS):
        if name in existing:
            continue
        network = networks.create_network(
            organiser,
            name=name,
            description_md=(
                f"{name} samler innkjøpere som jobber med samfunnsansvar. "
                "Vi møtes jevnlig for å dele erfaringer og eksempler."
            ),
            membership=membership,
            rule=rule,
            meeting_start=start,
            meeting_minutes=minutes,
            venue="Anskaffelseshuset, Oslo",
            room="Møterom Fjorden",
            address="Postboks 7154 St. Olavs plass, Oslo",
            online_url="https://meet.example.no/nettverk",
        )
        members = people[index * 4 : index * 4 + 6]
        if index == 0:
            members.append(_user("participant@demo.lms"))
        for person in members:
            db.session.add(
                NetworkMembership(network_id=network.id, user_id=person.id, status="approved")
            )
        if membership == "approval":
            db.session.add(
                NetworkMembership(network_id=network.id, user_id=people[-1].id, status="pending")
            )
        db.session.flush()
        meetings = networks.generate_meetings(
            organiser,
            network,
            after=date.today(),
            count=12,  # a year; start, length and place: the network's meeting defaults
        )
        for person in members[:3]:
            registrations_register(person, meetings[0].id)


def registrations_register(person, offering_id: int) -> None:
    from lms.registrations import services as registrations

    registrations.register(person, offering_id)
