"""Signals of the bottom layer, which the areas above connect to in their ``init_area``."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# A signed-in person switched the interface language: (user, language=...).
# The accounts area saves it on the account.
language_chosen = _signals.signal("lms.language-chosen")
