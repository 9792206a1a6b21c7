"""Both catalogues are complete and current, and pages come out in the chosen language."""

import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import i18n  # noqa: E402


def test_template_is_current_with_the_source(tmp_path):
    """Every marked string in the code is in messages.pot (run `make extract-messages`)."""
    fresh = tmp_path / "fresh.pot"
    i18n.extract(fresh)
    with fresh.open("rb") as a, i18n.POT.open("rb") as b:
        in_source = {m.id for m in read_po(a) if m.id}
        in_template = {m.id for m in read_po(b) if m.id}
    assert in_source - in_template == set(), "strings missing from messages.pot"
    assert in_template - in_source == set(), "stale strings in messages.pot"


def test_catalogues_complete():
    assert i18n.problems() == []


def test_home_page_in_norwegian_and_english(client):
    norwegian = client.get("/", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="nb"' in norwegian and "Lær å kjøpe inn ansvarlig" in norwegian
    assert '<html lang="en"' in english and "Learn to buy responsibly" in english


def test_default_language_is_norwegian(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="nb"' in page and "Hopp til hovedinnholdet" in page
