"""A module's attachments: what may be stored, and how.

Only a short list of types is taken, by extension. Images are decoded and written again
by Pillow, so what is stored is pixels only: no EXIF or GPS metadata, no comment blocks,
nothing a crafted file could carry past the decoder. SVG is refused (it can hold script).
Every other file is stored as it came and always served as a download (see
``attachment_views``), with the type named here, never sniffed.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from lms.extensions import db
from lms.learning.models import Attachment, Module
from lms.learning.publishing import LearningError

IMAGE_TYPES = {
    "png": ("image/png", "PNG"),
    "jpg": ("image/jpeg", "JPEG"),
    "jpeg": ("image/jpeg", "JPEG"),
    "gif": ("image/png", "PNG"),  # re-encoded as PNG (first frame): no animation tricks
    "webp": ("image/webp", "WEBP"),
}
DOWNLOAD_TYPES = {
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
ALLOWED_EXTENSIONS = tuple(sorted({*IMAGE_TYPES, *DOWNLOAD_TYPES}))
# Letters (æøå too), digits, dot, hyphen, underscore; no path parts, no leading dot.
_NAME = re.compile(r"[\w][\w.\-]{0,150}", re.UNICODE)
# A decoded image bigger than this many pixels is refused (a small file can unpack huge).
MAX_PIXELS = 40_000_000


class AttachmentError(LearningError):
    """An attachment refused: ``bad_name``, ``bad_type``, ``too_large``, ``bad_image``
    (``message`` says it in the reader's language)."""

    @property
    def message(self):
        return MESSAGES[self.code]


MESSAGES = {
    "bad_name": _l(
        "A file name may have letters, digits, dots, hyphens and underscores, and no folders."
    ),
    "bad_type": _l(
        "This type of file is not accepted. Accepted: %(types)s.",
        types=", ".join(ALLOWED_EXTENSIONS),
    ),
    "too_large": _l("The file is too large."),
    "bad_image": _l("The file could not be read as an image."),
}


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def check_filename(filename: str) -> str:
    """The name as stored, or ``AttachmentError``: a plain name (no folders), of an
    allowed type."""
    name = filename.strip()
    if not _NAME.fullmatch(name) or ".." in name:
        raise AttachmentError("bad_name")
    if extension_of(name) not in ALLOWED_EXTENSIONS:
        raise AttachmentError("bad_type")
    return name


def max_size() -> int:
    return int(current_app.config["LMS_LEARNING_MAX_ATTACHMENT"])


def reencoded_image(data: bytes, extension: str) -> tuple[bytes, str]:
    """The image's pixels written anew (no metadata) and its content type."""
    content_type, image_format = IMAGE_TYPES[extension]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise AttachmentError("bad_image")
                image.load()
                pixels = image.convert("RGBA" if image_format != "JPEG" else "RGB")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Warning) as error:
        raise AttachmentError("bad_image") from error
    except Image.DecompressionBombError as error:
        raise AttachmentError("bad_image") from error
    out = io.BytesIO()
    # A fresh image carries no info dict: nothing of the original's metadata is written.
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    clean.save(out, format=image_format, **({"quality": 90} if image_format == "JPEG" else {}))
    return out.getvalue(), content_type


def prepared(filename: str, data: bytes) -> tuple[str, bytes, str]:
    """(name, bytes to store, content type) for a file, or ``AttachmentError``."""
    name = check_filename(filename)
    if len(data) > max_size():
        raise AttachmentError("too_large")
    extension = extension_of(name)
    if extension in IMAGE_TYPES:
        data, content_type = reencoded_image(data, extension)
    else:
        content_type = DOWNLOAD_TYPES[extension]
    return name, data, content_type


def store_attachment(module: Module, filename: str, data: bytes) -> Attachment:
    """Add a file to ``module`` or replace the one of the same name (the caller has
    checked the permission). Nothing changes when the stored bytes would be the same."""
    name, stored, content_type = prepared(filename, data)
    digest = hashlib.sha256(stored).hexdigest()
    attachment = db.session.scalar(
        db.select(Attachment).filter_by(module_id=module.id, filename=name)
    )
    if attachment is None:
        attachment = Attachment(module_id=module.id, filename=name)
        db.session.add(attachment)
    elif attachment.sha256 == digest:
        return attachment
    attachment.data, attachment.sha256 = stored, digest
    attachment.size, attachment.content_type = len(stored), content_type
    db.session.flush()
    return attachment


def is_image(attachment: Attachment) -> bool:
    return attachment.content_type.startswith("image/")
