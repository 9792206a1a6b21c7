"""The public conference pages for tests/e2e/site_pages.py's list: the programme as a
list and a grid, a filter that means nothing (400), an item (cancelled, and starred with
an overlap), the speakers and a speaker, the agenda, the changes page.

``CONFERENCE_PUBLIC_PAGES`` holds (name, roles, endpoint, opener, status), as
AUTHORING_PAGES. Titles carry a long Norwegian word, so reflow is checked with it."""

from __future__ import annotations

from itertools import count

from conference_public_support import LONG_WORD, item_named, make_conference, publish
from factories import make

from lms.conference.registration import ensure_item_seats
from lms.conference.release_models import Star
from lms.extensions import db
from lms.registrations.services import register

E = "lms_conference."
READERS = ("anonymous", "participant")
_serial = count(1)


def _conference(v, *, stars=(), cancelled=(), seated=()):
    """A published conference of its own (pages share a test's database), with a long
    word in a title, the named items starred by the visitor, some cancelled, and some
    with limited seats (one taken)."""
    conference = make_conference(slug=f"konferanse-{next(_serial)}")
    item_named(conference, "Klimakrav").title = f"Klimakrav: {LONG_WORD}"
    for title in cancelled:
        item_named(conference, title).status = "cancelled"
    for title in seated:
        organiser = make.user(f"seats{next(_serial)}@example.no", roles=("organiser",))
        seats = ensure_item_seats(organiser, item_named(conference, title), 12)
        register(organiser, seats.id)
    release = publish(conference)
    assert release.number == 1
    if v.user is not None:
        for title in stars:
            db.session.add(Star(user_id=v.user.id, item_id=item_named(conference, title).id))
        db.session.commit()
    return conference


def programme_list(v):
    conference = _conference(v, stars=("Rundbord",))
    v.goto(f"/conferences/{conference.slug}")


def programme_grid(v):
    conference = _conference(v, cancelled=("Rundbord",))
    v.goto(f"/conferences/{conference.slug}?view=grid")


def programme_bad_filter(v):
    conference = _conference(v)
    v.goto(f"/conferences/{conference.slug}?track=nope&day=2001-01-01", status=400)


def item_page(v):
    conference = _conference(v, stars=("Klimakrav: " + LONG_WORD, "Rundbord"), seated=("Rundbord",))
    item = item_named(conference, "Rundbord")
    v.goto(f"/conferences/{conference.slug}/items/{item.id}")


def item_cancelled(v):
    conference = _conference(v, cancelled=("Åpning",))
    v.goto(f"/conferences/{conference.slug}/items/{item_named(conference, 'Åpning').id}")


def speakers_page(v):
    v.goto(f"/conferences/{_conference(v).slug}/speakers")


def speaker_page(v):
    conference = _conference(v)
    speaker = item_named(conference, "Åpning").speakers[0]
    v.goto(f"/conferences/{conference.slug}/speakers/{speaker.id}")


def agenda_page(v):
    conference = _conference(v, stars=("Åpning", "Klimakrav: " + LONG_WORD, "Rundbord",
                                       "Menneskerettigheter"))  # fmt: skip
    v.goto(f"/conferences/{conference.slug}/agenda")


def agenda_empty(v):
    v.goto(f"/conferences/{_conference(v).slug}/agenda")


def changes_page(v):
    conference = _conference(v)
    item_named(conference, "Åpning").title = f"Åpning: {LONG_WORD}"
    publish(conference)
    v.goto(f"/conferences/{conference.slug}/changes")


CONFERENCE_PUBLIC_PAGES = [
    ("conference-programme", READERS, f"{E}programme", programme_list, 200),
    ("conference-grid", READERS, f"{E}programme", programme_grid, 200),
    ("conference-bad-filter", READERS, f"{E}programme", programme_bad_filter, 400),
    ("conference-item", READERS, f"{E}item", item_page, 200),
    ("conference-item-cancelled", READERS, f"{E}item", item_cancelled, 200),
    ("conference-speakers", READERS, f"{E}speakers", speakers_page, 200),
    ("conference-speaker", READERS, f"{E}speaker", speaker_page, 200),
    ("conference-agenda", ("participant",), f"{E}my_agenda", agenda_page, 200),
    ("conference-agenda-empty", ("participant",), f"{E}my_agenda", agenda_empty, 200),
    ("conference-changes", READERS, f"{E}changes", changes_page, 200),
]
