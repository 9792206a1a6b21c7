"""Serving a module's attachments: images shown in lessons, other files downloaded.

A file is public once its module has a published version; before that only the module's
editors get it (anyone else a 404, so a guessed name tells nothing). Every answer names
its stored type and is never sniffed; a file that is not an image is always a download,
and a sandbox CSP keeps anything a browser might still render from running.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import abort, make_response, request
from flask_login import current_user

from lms.extensions import db
from lms.learning.attachments import is_image
from lms.learning.blueprint import bp
from lms.learning.models import Attachment, Module
from lms.learning.publishing import latest_version


def module_for_reader(slug: str) -> Module:
    """The module called ``slug`` if the viewer may read it (published, or theirs to
    edit), else a 404."""
    module = db.session.scalar(db.select(Module).filter_by(slug=slug))
    if module is None:
        abort(404)
    if module.can_edit(current_user):
        return module
    if module.status == "archived" or latest_version(module.id) is None:
        abort(404)
    return module


@bp.get("/learning/<slug>/files/<filename>")
def attachment(slug: str, filename: str):
    module = module_for_reader(slug)
    stored = db.session.scalar(
        db.select(Attachment).filter_by(module_id=module.id, filename=filename)
    )
    if stored is None:
        abort(404)
    response = make_response(stored.data)
    response.headers["Content-Type"] = stored.content_type
    disposition = "inline" if is_image(stored) else "attachment"
    response.headers["Content-Disposition"] = _disposition(disposition, stored.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.set_etag(stored.sha256)
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response.make_conditional(request)


def _disposition(kind: str, filename: str) -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name (æøå survive)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
