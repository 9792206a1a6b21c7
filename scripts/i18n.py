"""Keep the translation catalogues complete.

    python scripts/i18n.py update   extract strings, merge them into nb and en
    python scripts/i18n.py check    exit 1 if a catalogue misses or garbles a string

English is the source language, so the English catalogue is filled with the
source text itself; Norwegian Bokmål is translated by hand in
``lms/translations/nb/LC_MESSAGES/messages.po``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "lms" / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("nb", "en")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
PYBABEL = str(Path(sys.executable).with_name("pybabel"))


def extract(output: Path = POT) -> None:
    """Write every marked string in the code and templates to ``output``."""
    subprocess.run(
        [PYBABEL, "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
         "--no-location", "--sort-output", "--project=lms", "-o", str(output), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip


def update() -> None:
    """Extract, merge into both catalogues, and fill English from the source text."""
    extract()
    for locale in LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        command = "update" if po.exists() else "init"
        subprocess.run(
            [PYBABEL, command, "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale]
            + (["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else []),
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    fill_english()
    print("\n".join(problems()) or "All catalogues complete.")


def fill_english() -> None:
    path = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if message.id and not all(_forms(message.string)):
            message.string = message.id
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)


def _forms(value) -> tuple[str, ...]:
    """A message's text, or each of its plural forms."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _placeholders_match(expected: set[str], forms: tuple[str, ...], plural: bool) -> bool:
    """Each translation uses the source's placeholders; a plural form may leave out the count."""
    for form in forms:
        used = set(PLACEHOLDER.findall(form))
        if used - expected or (not plural and used != expected):
            return False
    return True


def problems() -> list[str]:
    """Every untranslated, fuzzy or placeholder-garbled entry, per catalogue."""
    with POT.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    found = []
    for locale in LOCALES:
        path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        have = {m.id: m for m in catalog if m.id}
        for msgid in sorted(wanted - have.keys()):
            found.append(f"{locale}: missing {msgid!r}")
        for msgid, message in have.items():
            if msgid not in wanted:
                continue
            expected = set(PLACEHOLDER.findall(" ".join(_forms(msgid))))
            if not all(_forms(message.string)):
                found.append(f"{locale}: untranslated {msgid!r}")
            elif message.fuzzy:
                found.append(f"{locale}: fuzzy {msgid!r}")
            elif not _placeholders_match(expected, _forms(message.string), message.pluralizable):
                found.append(f"{locale}: placeholders differ in {msgid!r}")
    return found


if __name__ == "__main__":
    if sys.argv[1:] == ["update"]:
        update()
    elif sys.argv[1:] == ["check"]:
        issues = problems()
        print("\n".join(issues) or "All catalogues complete.")
        sys.exit(1 if issues else 0)
    else:
        print(__doc__)
        sys.exit(2)
