"""A module folder's ``files/``: the attachments its lessons link to, checked against the
same limits as an upload (type by extension, size, images that Pillow can read)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from flask_babel import lazy_gettext as _l
from PIL import Image

from lms.learning.course_paths import (
    ATTACHMENT_TYPES,
    FILENAME_RE,
    IMAGE_FORMATS,
    extension,
    inside,
)
from lms.learning.course_yaml import Problems


@dataclass
class AttachmentFile:
    """One file of ``files/`` with its bytes as they are on disk."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)


class _Reading(Protocol):
    problems: Problems
    folder: Path

    def where(self, path: Path) -> str: ...


def _image_fault(data: bytes, expected: str):
    try:
        with Image.open(io.BytesIO(data)) as image:
            found = image.format
            image.verify()
    except Exception:  # Pillow raises many kinds for a broken file
        return _l("The file is not an image Pillow can read.")
    if found != expected:
        return _l(
            "The file is a %(found)s image, not %(expected)s.", found=found, expected=expected
        )
    return None


def read_attachments(reading: _Reading, max_bytes: int) -> list[AttachmentFile]:
    """Every file of the module's ``files/`` folder (none without it), in name order."""
    directory = reading.folder / "files"
    if directory.is_symlink() and not inside(reading.folder, directory):
        reading.problems.add(
            reading.where(directory),
            1,
            _l("%(path)s leads out of the module's folder.", path=reading.where(directory)),
        )
        return []
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.iterdir()):
        where = reading.where(path)
        if not inside(reading.folder, path):
            reading.problems.add(
                where, 1, _l("%(path)s leads out of the module's folder.", path=where)
            )
            continue
        if not path.is_file():
            reading.problems.add(where, 1, _l("files/ may hold files only, no folders."))
            continue
        kind = extension(path.name)
        if not FILENAME_RE.fullmatch(path.name):
            reading.problems.add(
                where,
                1,
                _l("A file name may hold letters, digits, dots, hyphens and underscores only."),
            )
            continue
        if kind not in ATTACHMENT_TYPES:
            reading.problems.add(
                where,
                1,
                _l(
                    "Files of this type cannot be attached; allowed: %(types)s.",
                    types=", ".join(sorted(ATTACHMENT_TYPES)),
                ),
            )
            continue
        size = path.stat().st_size
        if size > max_bytes:
            reading.problems.add(
                where,
                1,
                _l(
                    "The file is %(size)s bytes; at most %(limit)s are allowed.",
                    size=size,
                    limit=max_bytes,
                ),
            )
            continue
        data = path.read_bytes()
        if kind in IMAGE_FORMATS and (fault := _image_fault(data, IMAGE_FORMATS[kind])):
            reading.problems.add(where, 1, fault)
            continue
        found.append(AttachmentFile(path.name, ATTACHMENT_TYPES[kind], data))
    return found
