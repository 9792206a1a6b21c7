"""GIFT, Moodle's plain-text question format, read into this project's question types.

Pure: text in, ``GiftQuestion`` values out (``kind`` and ``spec`` as
``question_types`` expects them), no database. ``gift_export.to_gift`` writes them back,
and reading what it wrote gives the same questions.

The rules follow Moodle's reader (question/format/gift/format.php), with these choices:

- Questions are separated by blank lines; ``//`` lines are comments. A comment may carry
  ``[tag:…]`` (Moodle's), and this project's ``[points:…]``, ``[unit:…]`` (numeric) and
  ``[case:sensitive]`` (short answer), which Moodle ignores, so nothing is lost on export.
- ``$CATEGORY: path`` sets the category of the questions after it (Moodle's context
  prefix such as ``$course$/top/`` is dropped).
- Single choice: ``=`` right, ``~`` wrong, ``~%50%`` part credit. With no ``=`` at all the
  question is a multiple response, each ``~%n%`` its weight (Moodle's rule).
- Short answers and numbers: an answer worth 0 % is kept with its feedback (a common
  wrong answer told why it is wrong). A catch-all for any other answer (Moodle's
  ``=%0%*`` or the numeric ``~#feedback``) has no place here and is left out, its
  feedback with it. Any other bare ``*`` (Moodle's wildcard) is refused: answers are
  compared whole here; ``\\*`` is a literal asterisk.
- Numeric ranges ``{#1..5}`` stay ranges (``min``/``max``); ``{#3.14:0.01}`` is a value
  and a tolerance.
- Text after the answer block makes the block a blank, ``_____``, in the text.
- Refused with the line named: a description (no answer block), Moodle's embedded
  answers (``{1:MC:…}``), a second answer block, a match with no prompt, and anything
  ``question_types.validate`` faults. Every fault of the file is reported, not just the
  first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from lms.learning import question_types
from lms.learning.gift_text import ESCAPED_STAR, RESERVED, protect, restore, split_format
from lms.learning.gift_text import to_markdown as _md

BLANK = "_____"
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_META = re.compile(r"\[(tag|points|unit|case):((?:\\\]|[^\]])*)\]")
_CLOZE = re.compile(r"\d+:[A-Za-z_]+:")
_CONTEXT = re.compile(r"^\$[a-z0-9]+\$/?")
BRACES = _l(
    "The braces do not match: put the answers between { and }, and write \\{ or \\} for "
    "a brace in the text."
)
RESERVED_FAULT = _l("The text holds characters reserved for private use.")


@dataclass(frozen=True)
class GiftQuestion:
    """One question read from (or to be written to) a GIFT file. ``line`` is where it
    starts (1-based) and does not count when questions are compared."""

    name: str
    kind: str
    text_md: str
    spec: dict[str, Any]
    feedback_md: str = ""
    points: float = 1.0
    category: str = ""
    tags: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)


class GiftError(ValueError):
    """A GIFT file that cannot be imported: ``faults`` lists every fault as
    (line, message), the message translated when shown and naming its line."""

    def __init__(self, faults: list[tuple[int, Any]]) -> None:
        super().__init__("\n".join(str(message) for _line, message in faults))
        self.faults = faults


class _Fault(Exception):
    def __init__(self, message: Any, offset: int | None = None) -> None:
        super().__init__(str(message))
        self.message, self.offset = message, offset


def _at(line: int, message: Any):
    return _l("Line %(line)s: %(fault)s", line=line, fault=message)


def decimal_text(value: Decimal) -> str:
    """A decimal as plain text without exponent or trailing zeros: "0.5", "-1", "100"."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _percent(piece: str, default: str) -> tuple[str, str]:
    """A leading ``%n%`` weight as a fraction string ("0.5"), and the rest."""
    match = _WEIGHT.match(piece)
    if not match:
        return default, piece
    return decimal_text(Decimal(match.group(1)) / 100), piece[match.end() :].strip()


def _comment(piece: str) -> tuple[str, str]:
    text, _hash, feedback = piece.partition("#")
    return text.strip(), feedback.strip()


def _feedback(raw: str, fmt: str) -> str:
    return _md(*reversed(split_format(raw, fmt)))


def _option_id(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _pieces(text: str, start: int, end: int, seps: str) -> list[tuple[int, str, str]]:
    """``text[start:end]`` split before each separator in ``seps``: (offset, separator
    or "" for the part before the first, stripped piece after it)."""
    out, pos, sep = [], start, ""
    for match in re.finditer(f"[{re.escape(seps)}]", text[start:end]):
        cut = start + match.start()
        out.append((pos, sep, text[pos:cut].strip()))
        pos, sep = cut + 1, match.group(0)
    out.append((pos, sep, text[pos:end].strip()))
    return out


def _choices(text, start, end, fmt) -> tuple[str, dict]:
    pieces = _pieces(text, start, end, "~=")
    head = pieces.pop(0)
    if head[2]:
        raise _Fault(_l("Begin each option with = (right) or ~ (wrong)."), head[0])
    single = any(sep == "=" for _pos, sep, _piece in pieces)
    options = []
    for number, (pos, sep, piece) in enumerate(pieces):
        weight, piece = ("1", piece) if sep == "=" else _percent(piece, "0")
        option_text, feedback = _comment(piece)
        fmt_text = split_format(option_text, fmt)
        option = {"id": _option_id(number), "text": _md(fmt_text[1], fmt_text[0])}
        if not option["text"]:
            raise _Fault(_l("An option has no text."), pos)
        option["fraction" if single else "weight"] = weight
        if feedback:
            option["feedback"] = _feedback(feedback, fmt)
        options.append(option)
    return ("single" if single else "multiple"), {"options": options}


def _matching(text, start, end, fmt) -> tuple[str, dict]:
    pieces = _pieces(text, start, end, "=")
    head = pieces.pop(0)
    if head[2]:
        raise _Fault(_l("Begin each pair with =."), head[0])
    pairs = []
    for number, (pos, _sep, piece) in enumerate(pieces, start=1):
        prompt, arrow, answer = piece.partition("->")
        if not arrow:
            raise _Fault(_l("A pair needs -> between the prompt and its answer."), pos)
        prompt_fmt = split_format(prompt, fmt)
        pair = {"id": str(number), "prompt": _md(prompt_fmt[1], prompt_fmt[0]),
                "answer": restore(split_format(answer, fmt)[1], star="*").strip()}  # fmt: skip
        if not pair["prompt"]:
            raise _Fault(
                _l("A pair has no prompt (an extra answer to choose from is not supported)."),
                pos,
            )
        pairs.append(pair)
    return "matching", {"pairs": pairs}


def _truefalse(answer: str, fmt: str) -> tuple[str, dict]:
    parts = [part.strip() for part in answer.split("#", 2)] + ["", ""]
    value = parts[0] in ("T", "TRUE")
    wrong, right = _feedback(parts[1], fmt), _feedback(parts[2], fmt)
    spec = {"answer": value, "feedback_true": right if value else wrong,
            "feedback_false": wrong if value else right}  # fmt: skip
    return "truefalse", spec


def _short(text, start, end, fmt) -> tuple[str, dict]:
    answers = []
    for pos, _sep, piece in _pieces(text, start, end, "="):
        if not piece:
            continue
        fraction, piece = _percent(piece, "1")
        answer_text, feedback = _comment(piece)
        answer_text = split_format(answer_text, fmt)[1]
        if answer_text.strip() == "*" and Decimal(fraction) == 0:
            continue  # the catch-all: any other answer earns nothing anyway
        if "*" in answer_text:
            raise _Fault(
                _l("Wildcards (*) are not supported in short answers; write \\* for an asterisk."),
                pos,
            )
        entry = {"text": restore(answer_text.replace(ESCAPED_STAR, "*"), star="*").strip(),
                 "fraction": fraction}  # fmt: skip
        if feedback:
            entry["feedback"] = _feedback(feedback, fmt)
        answers.append(entry)
    return "short", {"answers": answers}


def _numeric(text, start, end, fmt) -> tuple[str, dict]:
    wrong = text.find("~", start, end)  # feedback for any other number: not kept
    answers = []
    for pos, _sep, piece in _pieces(text, start, end if wrong == -1 else wrong, "="):
        if not piece:
            continue
        fraction, piece = _percent(piece, "1")
        value, feedback = _comment(piece)
        value = restore(value).strip()
        if value.find("..") > 0:
            low, _dots, high = (part.strip() for part in value.partition(".."))
            entry = {"min": low, "max": high}
        else:
            number, _colon, tolerance = (part.strip() for part in value.partition(":"))
            entry = {"value": number, "tolerance": tolerance or "0"}
        if not all(_NUMBER.fullmatch(str(v)) for v in entry.values()):
            raise _Fault(_l("%(value)s is not a number (or number:tolerance, or min..max).",
                            value=value), pos)  # fmt: skip
        entry = {key: decimal_text(Decimal(v)) for key, v in entry.items()}
        entry["fraction"] = fraction
        if feedback:
            entry["feedback"] = _feedback(feedback, fmt)
        answers.append(entry)
    return "numeric", {"answers": answers}


def _kind_and_spec(text: str, start: int, end: int, fmt: str) -> tuple[str, dict]:
    """Moodle's order: empty is an essay, # a number, ~ a choice, = with -> a match,
    T/F true or false, anything else short answers."""
    answer = text[start:end].strip()
    first = start + len(text[start:end]) - len(text[start:end].lstrip())
    if not answer:
        return "essay", {}
    if answer.startswith("#"):
        return _numeric(text, first + 1, end, fmt)
    if "~" in answer:
        return _choices(text, start, end, fmt)
    if "=" in answer and "->" in answer:
        return _matching(text, start, end, fmt)
    if answer.partition("#")[0].strip() in ("T", "TRUE", "F", "FALSE"):
        return _truefalse(answer, fmt)
    return _short(text, start, end, fmt)


def _meta(comments: list[tuple[int, str]]) -> tuple[dict[str, str], list[tuple[int, str, str]]]:
    tags, found = {}, []
    for line, comment in comments:
        for match in _META.finditer(comment):
            key, value = match.group(1), match.group(2).replace("\\]", "]").strip()
            found.append((line, key, value))
            if key == "tag" and value:
                tags[value] = None
    return tags, found


def _apply_meta(question: dict, found: list[tuple[int, str, str]]) -> list[tuple[int, Any]]:
    faults = []
    for line, key, value in found:
        if key == "points":
            try:
                points = float(value)
            except ValueError:
                points = -1.0
            if not 0 <= points < 10_000:
                faults.append((line, _at(line, _l("Points must be a number of 0 or more."))))
            else:
                question["points"] = points
        elif key == "unit" and question["kind"] == "numeric" and value:
            question["spec"]["unit"] = value
        elif key == "case" and question["kind"] == "short" and value == "sensitive":
            question["spec"]["case_sensitive"] = True
    return faults


def _question(text: str, line_of, category: str, comments) -> GiftQuestion:
    start = len(text) - len(text.lstrip())
    name = ""
    if text.startswith("::", start):
        close = text.find("::", start + 2)
        if close == -1:
            raise _Fault(_l("The title has no closing ::."), start)
        name = restore(text[start + 2 : close], star="*").strip()
        start = close + 2
    opening, closing = text.find("{", start), text.find("}", start)
    if opening == -1 and closing == -1:
        raise _Fault(_l("There is no answer block in braces {…}; descriptions without "
                        "answers are not imported."), start)  # fmt: skip
    if opening == -1 or closing == -1 or closing < opening:
        raise _Fault(BRACES, max(opening, closing))
    if "{" in text[closing + 1 :] or "}" in text[closing + 1 :]:
        raise _Fault(_l("A question has one answer block; make a question of each blank."),
                     closing + 1)  # fmt: skip
    if _CLOZE.match(text[opening + 1 : closing].strip()):
        raise _Fault(_l("Embedded answers (Moodle's cloze questions) are not supported."), opening)
    block_end = closing
    general = text.rfind("####", opening, closing)
    if general != -1:
        block_end = general
    # Moodle's rule: answers after the text are left out of it; answers inside it leave
    # a blank where they were.
    after = text[closing + 1 :]
    body = text[start:opening] + (BLANK + after if after.strip() else "")
    fmt, body = split_format(body, "moodle")
    kind, spec = _kind_and_spec(text, opening + 1, block_end, fmt)
    feedback = _feedback(text[general + 4 : closing], fmt) if general != -1 else ""
    text_md = _md(body, fmt)
    if not text_md:
        raise _Fault(_l("The question has no text."), start)
    tags, found = _meta(comments)
    fields = {"name": name, "kind": kind, "text_md": text_md, "spec": spec,
              "feedback_md": feedback, "category": category, "tags": tuple(tags)}  # fmt: skip
    faults = _apply_meta(fields, found)
    faults += [(line_of(start), _at(line_of(start), fault))
               for fault in question_types.validate(kind, spec)]  # fmt: skip
    if faults:
        raise GiftError(faults)
    return GiftQuestion(line=line_of(start), **fields)


def _category(line: str) -> str:
    path = restore(protect(line.strip()[len("$CATEGORY:") :]), star="*").strip()
    path = " ".join(_CONTEXT.sub("", path).split())
    return "" if path == "top" else path.removeprefix("top/").strip()


def parse_gift(text: str) -> list[GiftQuestion]:
    """Every question of a GIFT file, in order; ``GiftError`` with every fault (each
    naming its line) if any question cannot be imported, so nothing half-imports."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    questions, faults, category = [], [], ""
    chunk: list[tuple[int, str]] = []
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            chunk.append((number, line))
            continue
        if not chunk:
            continue
        comments = [(n, c) for n, c in chunk if c.strip().startswith("//")]
        content = []
        for n, c in chunk:
            if c.strip().startswith("$CATEGORY:"):
                category = _category(c)
            elif not c.strip().startswith("//"):
                content.append((n, c))
        chunk = []
        if not content:
            continue
        if any(RESERVED.search(c) for _n, c in content):
            faults.append((content[0][0], _at(content[0][0], RESERVED_FAULT)))
            continue
        joined = "\n".join(protect(c) for _n, c in content)

        def line_of(offset: int, content=content, joined=joined) -> int:
            return content[min(joined.count("\n", 0, max(offset, 0)), len(content) - 1)][0]

        try:
            questions.append(_question(joined, line_of, category, comments))
        except _Fault as fault:
            where = line_of(fault.offset or 0)
            faults.append((where, _at(where, fault.message)))
        except GiftError as error:
            faults.extend(error.faults)
    if faults:
        raise GiftError(faults)
    return questions
