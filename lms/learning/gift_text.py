"""The text rules GIFT import and export share: escapes, format markers, and the minimal
conversion of ``[html]`` and ``[plain]`` texts to the Markdown this project stores.

Escapes. GIFT escapes its control characters with a backslash: ``\\~ \\= \\# \\{ \\} \\:``,
``\\\\`` for a backslash and ``\\n`` for a new line (Moodle's set). Parsing replaces each
escape with a private-use placeholder before the structure is read, so an escaped ``=``
never splits answers, and puts the characters back afterwards (``restore``). A backslash
before any other character stays as written: it is Markdown's own escape (``\\*``).
``\\*`` gets a placeholder of its own because a short answer tells an escaped asterisk
(a literal one) from a bare one (Moodle's wildcard, which this project does not grade);
``\\>`` too, so a matching prompt can hold ``->`` (written ``-\\>``; Markdown reads both
alike).

Formats. A text may start with ``[markdown]``, ``[moodle]``, ``[plain]`` or ``[html]``;
answers and feedback inherit the question text's format. Markdown and Moodle's own
format are kept as written; plain text is escaped so Markdown shows it literally; HTML is
converted minimally (paragraphs, line breaks, bold, italics, code, lists, links; every
other tag is dropped and its text kept), since Moodle's own exports mark their texts
``[html]`` and refusing them would refuse every bank exported from Moodle.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Escaped characters and the placeholders (Unicode private use) that stand for them.
ESCAPES = {"\\": "\U000f0000", ":": "\U000f0001", "#": "\U000f0002", "=": "\U000f0003",
           "{": "\U000f0004", "}": "\U000f0005", "~": "\U000f0006", "n": "\U000f0007",
           "*": "\U000f0008", ">": "\U000f0009"}  # fmt: skip
PLACEHOLDERS = {v: k for k, v in ESCAPES.items()}
RESERVED = re.compile("[\U000f0000-\U000f0009]")
ESCAPED_STAR = ESCAPES["*"]
FORMATS = ("markdown", "moodle", "plain", "html")
_MARKER = re.compile(r"\[(markdown|moodle|plain|html)\]")


def protect(line: str) -> str:
    """``line`` with every GIFT escape replaced by its placeholder (one pass, left to
    right, so ``\\\\n`` is a backslash and an ``n``)."""
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), line)


def restore(text: str, *, star: str = "\\*") -> str:
    """Placeholders back to the characters they stand for (``\\n`` a new line); an escaped
    asterisk becomes ``star`` (kept escaped for Markdown unless told otherwise)."""

    def back(match: re.Match) -> str:
        char = PLACEHOLDERS[match.group(0)]
        return "\n" if char == "n" else star if char == "*" else char

    return RESERVED.sub(back, text)


def split_format(text: str, default: str) -> tuple[str, str]:
    """A leading format marker and the rest: ``("html", "<b>x</b>")``; ``default`` when
    the text has none."""
    stripped = text.strip()
    match = _MARKER.match(stripped)
    if match:
        return match.group(1), stripped[match.end() :].strip()
    return default, stripped


def to_markdown(text: str, fmt: str) -> str:
    """Protected ``text`` of format ``fmt`` as Markdown, its escapes restored."""
    if fmt == "html":
        return html_to_markdown(restore(text, star="*"))
    if fmt == "plain":
        return escape_markdown(restore(text, star="*"))
    return restore(text).strip()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Plain text that Markdown shows as it is (its special characters escaped)."""
    text = _MD_SPECIAL.sub(r"\\\1", text.strip())
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


class _HtmlToMarkdown(HTMLParser):
    """Collects Markdown from HTML, keeping only what Markdown can say simply."""

    BLOCKS = {"p", "div", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
              "blockquote"}  # fmt: skip
    INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str | None] = []
        self.skipping = 0
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "pre":
            self.pre += 1
            self.out.append("\n\n```\n")
        elif tag in self.INLINE and not self.pre:
            self.out.append(self.INLINE[tag])
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            safe = re.match(r"(https?:|mailto:)", href) is not None
            # Markdown's link syntax ends at a space or ")": those are percent-encoded.
            self.links.append(href.replace(" ", "%20").replace(")", "%29") if safe else None)
            self.out.append("[" if self.links[-1] else "")
        elif tag == "img":
            self.out.append(escape_markdown(dict(attrs).get("alt") or ""))

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.out.append("\n```\n\n")
        elif tag in self.INLINE and not self.pre:
            self.out.append(self.INLINE[tag])
        elif tag == "a" and self.links:
            href = self.links.pop()
            self.out.append(f"]({href})" if href else "")

    def handle_data(self, data):
        if self.skipping:
            return
        if self.pre:
            self.out.append(data)
        else:
            self.out.append(_MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", data)))


def html_to_markdown(html: str) -> str:
    """A minimal, safe conversion of HTML to Markdown (the result is rendered and
    sanitised like any Markdown, so nothing in it runs)."""
    parser = _HtmlToMarkdown()
    parser.feed(html)
    parser.close()
    pieces = "".join(parser.out).split("\n```\n")
    for index in range(0, len(pieces), 2):  # outside code blocks: tidy the spacing
        piece = re.sub(r"[ \t]+\n", "\n", pieces[index])
        piece = re.sub(r"\n[ \t]+(?!-)", "\n", piece)
        pieces[index] = re.sub(r"\n{3,}", "\n\n", piece)
    for index in range(1, len(pieces), 2):  # inside: as written, less the edge lines
        pieces[index] = pieces[index].strip("\n").rstrip()
    return re.sub(r"\n{3,}(?=```)", "\n\n", "\n```\n".join(pieces)).strip()


def escape(text: str) -> str:
    """Text written into a GIFT file: control characters escaped, new lines as ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\")
    for char in ":#={}~":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")
