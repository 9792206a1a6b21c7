"""The words for a programme item's type: the one set the builder's forms, the public
pages and the printer's table show (its language has the offerings' words, in
``events.forms.LANGUAGE_LABELS``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "keynote": _l("Keynote"),
    "talk": _l("Talk"),
    "panel": _l("Panel"),
    "round_table": _l("Round table"),
    "workshop": _l("Workshop"),
    "break": _l("Break"),
    "networking": _l("Networking"),
}
