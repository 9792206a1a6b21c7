"""The participant file's columns and status words: what the export writes and the import
reads, so a downloaded list can be uploaded again (into the same or another offering).

The export heads each column and names each status in the reader's language; the import
knows every column and status by its key and by its label in every language the LMS
speaks, so a file made in Norwegian is read by an organiser using English and back.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from lms.core.i18n import LANGUAGES
from lms.events.forms import QUESTION_LABELS
from lms.registrations.forms import STATUS_LABELS

# (key, heading) in the order the export writes them. The import needs only "email" and
# reads "status" when present; the other columns are for people and are left alone.
COLUMNS = (
    ("name", _l("Name")),
    ("email", _l("E-mail address")),
    ("organisation", _l("Organisation")),
    ("status", _l("Status")),
    ("position", _l("Place in line")),
    ("registered", _l("Registered")),
    ("organisation_type", QUESTION_LABELS["organisation_type"]),
    ("dietary", QUESTION_LABELS["dietary"]),
    ("accessibility", QUESTION_LABELS["accessibility"]),
)

# Other names an organiser's own spreadsheet may give the e-mail column.
EMAIL_ALIASES = ("e-mail", "e-post", "epost", "email address", "mail")
# Other ways of writing a status key.
STATUS_ALIASES = {"no-show": "no_show", "noshow": "no_show", "waitlist": "waitlisted"}


def _normal(word: str) -> str:
    return " ".join(word.strip().lower().split())


def _in_every_language(labels: dict) -> dict[str, str]:
    """{label, lower case, in each language: key}, keys included."""
    words = {_normal(key): key for key in labels}
    for language in LANGUAGES:
        with force_locale(language):
            words.update({_normal(str(label)): key for key, label in labels.items()})
    return words


def column_keys(header: list[str]) -> list[str | None]:
    """The key of each cell of a file's first row (None for a column we do not read)."""
    known = _in_every_language(dict(COLUMNS))
    known.update({alias: "email" for alias in EMAIL_ALIASES})
    return [known.get(_normal(cell)) for cell in header]


def status_reader():
    """A function from a status cell to the status it names (in any language, or its key;
    an empty cell is ``confirmed``), or None."""
    words = {**_in_every_language(STATUS_LABELS), **STATUS_ALIASES, "": "confirmed"}
    return lambda word: words.get(_normal(word))


def headings() -> list[str]:
    """The export's first row, in the current language."""
    return [str(label) for _key, label in COLUMNS]
