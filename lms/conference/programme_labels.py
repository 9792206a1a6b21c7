"""The words the public programme shows for the snapshot's codes (session types,
languages), translated when shown."""

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
LANGUAGE_LABELS = {"nb": _l("Norwegian"), "en": _l("English")}
