"""Whether white text is readable on a track's colour (WCAG 2.1 contrast). Pure.

Track colours are the background of white text (the track's label on the programme), so
the contrast between the colour and white must be at least 4.5:1 (WCAG 1.4.3, normal
text), computed with WCAG's relative luminance of sRGB colours.
"""

from __future__ import annotations

import re

HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
MINIMUM_CONTRAST = 4.5
WHITE = "#ffffff"


def is_hex_colour(value: str) -> bool:
    """Whether ``value`` is written ``#rrggbb``."""
    return bool(HEX_RE.match(value or ""))


def _channel(value: int) -> float:
    scaled = value / 255
    return scaled / 12.92 if scaled <= 0.04045 else ((scaled + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG's relative luminance of ``#rrggbb`` (0 black, 1 white)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """The contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on_white(colour: str) -> bool:
    """Whether white text on ``colour`` has a contrast of at least 4.5:1."""
    return contrast_ratio(colour, WHITE) >= MINIMUM_CONTRAST
