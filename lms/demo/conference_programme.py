"""The demo Public Procurement Conference's programme, as plain data: two days, a
plenary room and four parallel tracks (one per theme), keynotes, talks, panels and a
round table per theme with limited seats, and about 60 speakers.

The people are invented; the organisations and the topics are the agency's own (its
report names an OECD keynote on best practice in procurement and a round table on
uncovering corruption led by Transparency International Norway). Pure: ``programme``
returns the rows the loader writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

SLUG = "anskaffelseskonferansen"
TITLE = "Anskaffelseskonferansen"

ROOMS = (
    ("Plenumssalen", 650, "Trinnfri inngang fra foajeen. Teleslynge. Tegnspråktolk ved plenum."),
    ("Sal 1", 180, "Trinnfri inngang. Teleslynge."),
    ("Sal 2", 150, "Trinnfri inngang. Teleslynge."),
    ("Sal 3", 120, "Trinnfri inngang via heis ved resepsjonen."),
    ("Møterom 4", 60, "Trinnfri inngang via heis ved resepsjonen. Høydejusterbart bord."),
)

# (slug, name, colour, theme, room index): each colour carries white text at 4.5:1 or more.
TRACKS = (
    ("menneskerettigheter", "Menneskerettigheter", "#6b2c7a", "human_rights", 1),
    ("lonn-og-arbeidsvilkar", "Lønns- og arbeidsvilkår", "#8a3b12", "working_conditions", 2),
    ("klima-og-miljo", "Klima og miljø", "#2b6130", "climate_environment", 3),
    ("antikorrupsjon", "Antikorrupsjon", "#1d4b7a", "anti_corruption", 4),
)

PRINCIPLES = {
    "human_rights": [1, 2],
    "working_conditions": [3, 4, 5, 6],
    "climate_environment": [7, 8, 9],
    "anti_corruption": [10],
}

FIRST_NAMES = (
    "Ingrid", "Ola", "Kari", "Lars", "Aisha", "Jonas", "Maja", "Emil", "Nora", "Henrik",
    "Sara", "Mohammed", "Ida", "Sindre", "Thea", "Kristoffer", "Åse", "Bjørn", "Linnea",
    "Tor", "Hanne", "Petter", "Amina", "Øystein", "Silje", "Magnus", "Ragnhild", "Even",
    "Marte", "Håkon",
)  # fmt: skip
LAST_NAMES = ("Berg", "Haugen", "Lie", "Solberg", "Nilsen", "Dahl", "Aas", "Moe", "Strand",
              "Bakken", "Hansen", "Eriksen")  # fmt: skip
ORGANISATIONS = (
    ("DFØ", "Seniorrådgiver"),
    ("KS", "Spesialrådgiver"),
    ("Etisk handel Norge", "Fagsjef"),
    ("Transparency International Norge", "Rådgiver"),
    ("OECD", "Policy analyst"),
    ("Oslo kommune", "Innkjøpssjef"),
    ("Bergen kommune", "Innkjøpsrådgiver"),
    ("Helse Sør-Øst", "Kategoriansvarlig"),
    ("Statens vegvesen", "Kontraktsansvarlig"),
    ("Arbeidstilsynet", "Seniorinspektør"),
    ("Miljødirektoratet", "Seniorrådgiver"),
    ("Trøndelag fylkeskommune", "Innkjøpssjef"),
)

KEYNOTES = (
    ("OECDs råd om god praksis i offentlige anskaffelser",
     "Hva kjennetegner innkjøpsorganisasjonene som lykkes med samfunnsansvar, og hva kan "
     "norske oppdragsgivere lære av dem?"),
    ("Samfunnsansvar fra behov til kontrakt",
     "Anskaffelsesloven § 5 i praksis: rutiner for menneskerettigheter, klima og miljø."),
    ("Åpenhetsloven to år etter",
     "Hva leverandørene nå rapporterer, og hvordan offentlige innkjøpere kan bruke det."),
    ("Innkjøp som virkemiddel for et bærekraftig samfunn",
     "Oppsummering og veien videre: fra enkeltkontrakter til kategoristrategier."),
)  # fmt: skip

TALKS = {
    "human_rights": (
        "Risikovurdering av leverandørkjeder for arbeidsklær",
        "Kontraktsvilkår om menneskerettigheter og ILO-kjernekonvensjonene",
        "Egenerklæringsskjemaet: hva svarene forteller",
        "Oppfølging av IKT-leverandører med høy risiko",
        "Medisinske forbruksvarer: hansker fra fabrikk til sykehus",
        "Korrigerende tiltak som faktisk virker",
    ),
    "working_conditions": (
        "Forskrift om lønns- og arbeidsvilkår i praksis",
        "Kontroll på byggeplassen: hvem er egentlig der?",
        "Allmenngjorte tariffavtaler i renholdskontrakter",
        "Sosial dumping og arbeidslivskriminalitet: røde flagg",
        "Underleverandørkjeder og påseplikt",
        "Sanksjoner når vilkårene brytes",
    ),
    "climate_environment": (
        "Klima- og miljøkrav etter anskaffelsesforskriften § 7-9",
        "Tretti prosent miljøvekt: når og hvordan",
        "Miljømerker som dokumentasjon",
        "Livssykluskostnader i praksis",
        "Sirkulære anskaffelser av møbler",
        "Utslippsfrie bygge- og anleggsplasser",
    ),
    "anti_corruption": (
        "Korrupsjon etter straffeloven §§ 387–389",
        "Avvisning av leverandører: de obligatoriske grunnene",
        "Habilitet i anskaffelser: forvaltningsloven § 6",
        "Gaver og gjestfrihet i statens etiske retningslinjer",
        "Røde flagg i tilbud: anbudssamarbeid og oppsplitting",
        "Lederens ansvar for rutiner og kultur",
    ),
}

PANELS = {
    "human_rights": "Panel: Hvor langt ned i leverandørkjeden rekker ansvaret?",
    "working_conditions": "Panel: Seriøsitetskrav som virker",
    "climate_environment": "Panel: Klimakrav uten å miste konkurransen",
    "anti_corruption": "Panel: Fra mistanke til handling",
}

ROUND_TABLES = {
    "human_rights": "Rundebord: Dialog med leverandører om risiko",
    "working_conditions": "Rundebord: Kontroller sammen med Arbeidstilsynet",
    "climate_environment": "Rundebord: Markedsdialog om utslippsfrie løsninger",
    "anti_corruption": "Rundebord: Hvordan avdekke korrupte praksiser",
}
ROUND_TABLE_SEATS = 40

# Each day: (start, minutes, what). "keynote" and the shared breaks are in the plenary
# room; "track" slots run in the four track rooms at once.
DAY_PLAN = (
    (time(9, 0), 45, "keynote"),
    (time(9, 45), 15, "break"),
    (time(10, 0), 30, "talk"),
    (time(10, 30), 30, "talk"),
    (time(11, 0), 30, "talk"),
    (time(11, 30), 60, "lunch"),
    (time(12, 30), 60, "round_table"),
    (time(13, 30), 15, "break"),
    (time(13, 45), 30, "talk"),
    (time(14, 15), 30, "talk"),
    (time(14, 45), 30, "talk"),
    (time(15, 15), 15, "break"),
    (time(15, 30), 60, "panel"),
    (time(16, 30), 45, "keynote"),
    (time(17, 15), 45, "networking"),
)


@dataclass(frozen=True)
class DemoSpeaker:
    key: int
    name: str
    organisation: str
    job_title: str
    bio: str


@dataclass(frozen=True)
class DemoItem:
    day: int  # 0 or 1
    start: time
    minutes: int
    kind: str
    title: str
    abstract: str
    room: int  # index into ROOMS
    track: int | None  # index into TRACKS
    speakers: tuple[int, ...] = ()
    seats: int | None = None
    language: str = "nb"
    themes: tuple[str, ...] = field(default=())


def speakers() -> list[DemoSpeaker]:
    """Sixty invented speakers, each from one of the agency's partner organisations."""
    people = []
    for key in range(60):
        first = FIRST_NAMES[key % len(FIRST_NAMES)]
        last = LAST_NAMES[(key * 7) % len(LAST_NAMES)]
        organisation, job_title = ORGANISATIONS[key % len(ORGANISATIONS)]
        bio = f"{first} arbeider med samfunnsansvar i anskaffelser i {organisation}."
        people.append(DemoSpeaker(key, f"{first} {last}", organisation, job_title, bio))
    return people


def programme() -> list[DemoItem]:
    """The two days' items (78), with speakers by their ``DemoSpeaker.key``."""
    items: list[DemoItem] = []
    keynotes = iter(KEYNOTES)
    counter = iter(range(10_000))

    def cast(count: int) -> tuple[int, ...]:
        return tuple(next(counter) % 60 for _ in range(count))

    for day in (0, 1):
        talk_number = 0
        for start, minutes, what in DAY_PLAN:
            if what == "keynote":
                title, abstract = next(keynotes)
                language = "en" if "OECD" in title else "nb"
                items.append(DemoItem(day, start, minutes, "keynote", title, abstract, 0, None,
                                      cast(1), language=language))  # fmt: skip
                continue
            if what in ("break", "lunch", "networking"):
                title = {"break": "Pause", "lunch": "Lunsj", "networking": "Mingling"}[what]
                kind = "networking" if what == "networking" else "break"
                items.append(DemoItem(day, start, minutes, kind, title, "", 0, None))
                continue
            for track, (_slug, _name, _colour, theme, room) in enumerate(TRACKS):
                items.append(_track_item(day, start, minutes, what, track, theme, room,
                                         talk_number, cast))  # fmt: skip
            talk_number += what == "talk"
    return items


def _track_item(day, start, minutes, what, track, theme, room, talk_number, cast) -> DemoItem:
    kind, seats = what, None
    if what == "talk":
        title = TALKS[theme][talk_number] + (" – videregående" if day else "")
        abstract = f"{title}: erfaringer, verktøy og eksempler fra praksis."
        speakers_ = cast(1)
    elif what == "panel":
        title, speakers_ = PANELS[theme], cast(3)
        abstract = "Innkjøpere, leverandører og tilsyn i samtale."
    elif (track < 2) == (day == 0):
        # One round table per theme: the first two themes' on day 1, the others' on day 2.
        title, speakers_, seats = ROUND_TABLES[theme], cast(1), ROUND_TABLE_SEATS
        abstract = "En samtale i liten gruppe; begrenset antall plasser."
    else:
        kind, title, speakers_ = "workshop", f"Verksted: {TALKS[theme][day * 3]}", cast(2)
        abstract = "Arbeid i grupper med egne saker."
    return DemoItem(day, start, minutes, kind, title, abstract, room, track, speakers_, seats,
                    themes=(theme,))  # fmt: skip
