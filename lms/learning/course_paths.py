"""What the course files may name: keys and slugs, file names, attachment types, and the
paths and Markdown links that must stay inside a module's folder."""

from __future__ import annotations

import re
from pathlib import Path
from posixpath import normpath
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt

# Keys of lessons, quizzes and questions, and module slugs: they name files and URLs.
KEY_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
OBJECTIVE_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,29}")

_md = MarkdownIt("commonmark", {"html": False})
_md.enable("table")
_md.enable("strikethrough")
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def is_key(value: object) -> bool:
    """Whether ``value`` is a key or slug: lower case letters, digits and hyphens."""
    return isinstance(value, str) and KEY_RE.fullmatch(value) is not None


def inside(folder: Path, path: Path) -> bool:
    """Whether ``path``, every symbolic link followed, is ``folder`` or below it."""
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop
        return False
    return True


def links(markdown: str) -> list[tuple[int, str]]:
    """Every link and image target in ``markdown``, with the line (from 0) it is on."""
    found: list[tuple[int, str]] = []
    if "]" not in markdown:  # every link and image has one; most texts have none
        return found
    for block in _md.parse(markdown):
        if block.type != "inline" or not block.children:
            continue
        line = block.map[0] if block.map else 0
        stack = list(reversed(block.children))
        while stack:
            token = stack.pop()
            if token.type in ("softbreak", "hardbreak"):
                line += 1
            elif token.type == "link_open":
                found.append((line, str(token.attrGet("href") or "")))
            elif token.type == "image":
                found.append((line, str(token.attrGet("src") or "")))
            if token.children:
                stack.extend(reversed(token.children))
    return found


def local_target(url: str) -> str | None:
    """The module-relative path a link points to (``files/figur.png``), or None for a
    link elsewhere (a scheme, ``//host``, or only ``#anchor``). A path that leaves the
    module (``..`` past its top, or absolute) comes back as it is resolved, starting
    with ``/`` or ``..``, so the caller can refuse it."""
    if _SCHEME_RE.match(url) or url.startswith("//"):
        return None
    path = unquote(urlsplit(url).path)
    if not path:
        return None
    if path.startswith("/"):
        return path
    return normpath(path)
