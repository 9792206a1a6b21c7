"""The LMS: a Flask extension for seminars, courses, e-learning and the conference.

Mount it in a host app with ``LMS(app)`` or ``lms.init_app(app)``, or run it
alone through :func:`create_app` (see ``wsgi.py``). Nothing runs at import.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from lms.mount import LMS

__all__ = ["LMS", "create_app"]


def create_app(config: Any = None) -> Flask:
    """Build the standalone app.

    ``config`` may be a mapping or an object of settings; without it the
    environment decides through ``config.load_config`` (``LMS_ENV``).
    """
    from lms.paths import TEMPLATE_DIR

    app = Flask(
        "lms",
        instance_path=_instance_path(),
        instance_relative_config=True,
        template_folder=str(TEMPLATE_DIR),
    )
    if config is None:
        from config import load_config

        config = load_config()
    if isinstance(config, dict):
        app.config.update(config)
    else:
        app.config.from_object(config)
    LMS(app, standalone=True)
    proxies = int(app.config.get("LMS_TRUSTED_PROXIES", 0) or 0)
    if proxies:
        # Behind N reverse proxies, trust N X-Forwarded-* hops: rate limits then count the
        # real client address, and url_for(_external=True) sees https.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    return app


def _instance_path() -> str | None:
    """``LMS_INSTANCE_PATH`` (made absolute, as Flask requires), else Flask's default."""
    path = os.environ.get("LMS_INSTANCE_PATH")
    return os.path.abspath(path) if path else None
