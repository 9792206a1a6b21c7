"""A module folder's ``files/``: the attachments its lessons link to, checked against the
same limits as an upload (type by extension, size, images that Pillow can read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as ngettext  # lazy; the extractor knows the name

from lms.learning.attachments import (
    DOWNLOAD_TYPES,
    IMAGE_TYPES,
    AttachmentError,
    check_filename,
    extension_of,
    reencoded_image,
)
from lms.learning.course_paths import inside
from lms.learning.course_yaml import Problems


@dataclass
class AttachmentFile:
    """One file of ``files/`` with its bytes as they are on disk (an image is re-encoded
    only when stored, by ``attachments.store_attachment``)."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)


class _Reading(Protocol):
    problems: Problems
    folder: Path

    def where(self, path: Path) -> str: ...


def _fault(path: Path, max_bytes: int):
    """What keeps a file from being stored as an upload would be (the same checks)."""
    try:
        check_filename(path.name)
        if path.stat().st_size > max_bytes:
            return ngettext(
                "The file is larger than %(num)s byte.",
                "The file is larger than %(num)s bytes.",
                max_bytes,
            )
        kind = extension_of(path.name)
        if kind in IMAGE_TYPES:
            reencoded_image(path.read_bytes(), kind)
    except AttachmentError as error:
        return error.message
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
        fault = _fault(path, max_bytes)
        if fault is not None:  # (a lazy message is not tested for truth: that translates it)
            reading.problems.add(where, 1, fault)
            continue
        kind = extension_of(path.name)
        content_type = IMAGE_TYPES[kind][0] if kind in IMAGE_TYPES else DOWNLOAD_TYPES[kind]
        found.append(AttachmentFile(path.name, content_type, path.read_bytes()))
    return found
