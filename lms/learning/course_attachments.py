"""A module folder's ``files/``: the attachments its lessons link to, checked against the
same limits as an upload (type by extension, size, images that Pillow can read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

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
    """One file of ``files/`` with its bytes as they are on disk; ``stored`` is what
    ``attachments.store_attachment`` would store (an image re-encoded), kept from the
    check so an unchanged image need not be re-encoded twice."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)
    stored: bytes = field(default=b"", repr=False, compare=False)


class _Reading(Protocol):
    problems: Problems
    folder: Path

    def where(self, path: Path) -> str: ...


def _checked(path: Path, max_bytes: int) -> AttachmentFile | Any:
    """The file, or what keeps it from being stored as an upload would be (the same
    checks: name and type, size, an image Pillow can read and write again)."""
    try:
        check_filename(path.name)
        if path.stat().st_size > max_bytes:
            return ngettext(
                "The file is larger than %(num)s byte.",
                "The file is larger than %(num)s bytes.",
                max_bytes,
            )
        kind, data = extension_of(path.name), path.read_bytes()
        if kind in IMAGE_TYPES:
            stored, content_type = reencoded_image(data, kind)
        else:
            stored, content_type = data, DOWNLOAD_TYPES[kind]
    except AttachmentError as error:
        return error.message
    return AttachmentFile(path.name, content_type, data, stored)


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
        checked = _checked(path, max_bytes)
        if isinstance(checked, AttachmentFile):
            found.append(checked)
        else:
            reading.problems.add(where, 1, checked)
    return found
