"""Home page, health check and the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import text

from lms.core.errors import ExplainedBadRequest
from lms.core.i18n import LANGUAGES, SESSION_KEY
from lms.core.security import is_safe_redirect
from lms.core.signals import language_chosen
from lms.extensions import csrf, db
from lms.paths import STATIC_DIR, TEMPLATE_DIR

# The blueprint carries the LMS's templates, so a host app finds them; the host's own
# template folder is searched first, which is how a host overrides any LMS template.
bp = Blueprint(
    "lms_core",
    __name__,
    static_folder=str(STATIC_DIR),
    static_url_path="/lms-static",
    template_folder=str(TEMPLATE_DIR),
)


@bp.get("/")
def home():
    """The landing page: what the LMS offers, and where to start."""
    return render_template("lms/core/home.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever a page links: send them to the SVG icon
    (pages link it with rel=icon, so this is only for clients that do not read it)."""
    return redirect(url_for("lms_core.static", filename="favicon.svg"), 301)


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 with a short reason when it does not."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not healthy"; never show a stack trace
        current_app.logger.warning("health check: database unreachable", exc_info=True)
        return jsonify(status="unavailable", reason="database unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.post("/language")
@csrf.exempt  # checked below for signed-in users only
def set_language():
    """Switch the interface language; saved on the account when logged in.

    A signed-in user's switch changes the account, so it needs a CSRF token like every
    other form. An anonymous visitor's switch changes only their own cookie, and the
    worst a forged one can do is show them the other language; the form therefore
    carries no token for them, so a first visit mints no session and sets no cookie
    (public pages stay cacheable).
    """
    if current_user.is_authenticated and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # a 400 in the LMS frame, as for any other form
    language = request.form.get("language", "")
    target = request.form.get("next", "")
    if language not in LANGUAGES:
        explanation = _l("There is no such language here: choose Norsk bokmål or English.")
        raise ExplainedBadRequest(explanation)
    session[SESSION_KEY] = language
    if current_user.is_authenticated:
        language_chosen.send(current_user._get_current_object(), language=language)
        db.session.commit()
    return redirect(target if is_safe_redirect(target) else url_for("lms_core.home"))
