"""Screenshots of the main pages at a phone's and a laptop's width, for the README.

    python scripts/screenshots.py                 write docs/screenshots/<page>-<width>.png
    python scripts/screenshots.py --serve         also keep serving the demo until Ctrl-C

Builds a throwaway SQLite database in a temporary folder (migrated, the demo content of
``flask lms load-demo``, and a few places for the demo participant so their home has
something in it), serves it on a free local port, and photographs each page as the role
that uses it, in Norwegian, with Debian's Chromium through Playwright (as the browser
tests do). Nothing outside the temporary folder and the output folder is touched.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (360, 1280)
HEIGHT = 800
MAX_HEIGHT = 2400
# (file name, who looks (None: nobody logged in), the page)
PAGES = (
    ("organiser-overview", "organiser@demo.lms", "/manage"),
    ("offering-list", "organiser@demo.lms", "/manage/offerings"),
    ("participant-home", "participant@demo.lms", "/me"),
    ("catalogue", None, "/events"),
    ("learning-catalogue", None, "/learning"),
    ("module", "participant@demo.lms", "/learning/menneskerettigheter-i-leverandorkjeden"),
    ("my-learning", "participant@demo.lms", "/me/learning"),
    ("results-overview", "organiser@demo.lms", "/manage/learning/results"),
)


def build_app(instance: Path):
    """The standalone app on a fresh SQLite database in ``instance``, with demo data."""
    os.environ["LMS_INSTANCE_PATH"] = str(instance)
    os.environ["DATABASE_URL"] = f"sqlite:///{instance / 'lms.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "screenshots-only")
    sys.path.insert(0, str(ROOT))
    from lms import create_app
    from lms.demo import load_demo_data
    from lms.extensions import db
    from lms.migrations_runner import upgrade

    app = create_app()
    with app.app_context():
        upgrade()
        load_demo_data()
        _give_the_participant_places()
        db.session.commit()
    return app


def _give_the_participant_places(count: int = 3) -> None:
    """Register the demo participant for the next few offerings that have seats left."""
    from sqlalchemy import select

    from lms.accounts.services import find_user_by_email
    from lms.events.models import Offering
    from lms.extensions import db
    from lms.registrations import services as registrations
    from lms.registrations.seats import seat_counts

    person = find_user_by_email("participant@demo.lms")
    offerings = db.session.scalars(
        select(Offering).where(Offering.status == "published", Offering.network_id.is_(None))
    ).all()
    coming = sorted((o for o in offerings if o.registration_is_open()), key=lambda o: o.starts_at)
    given = 0
    for offering in coming:
        if given == count:
            break
        if registrations.find_registration(person, offering.id) is not None:
            continue
        if seat_counts(offering).seats_left <= 0:
            continue
        answers = {"organisation_type": "municipality", "dietary": ""}
        registrations.register(person, offering.id, answers=answers, consent=True)
        given += 1


def serve(app):
    """Serve ``app`` from a thread on a free port; return (server, base URL)."""
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def take(base_url: str, out: Path) -> list[Path]:
    """Log in as each page's role and write one full-page PNG per page and width."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # One context per person and width, logged in once (the login is rate-limited).
        contexts = {}
        for name, email, path in PAGES:
            for width in WIDTHS:
                if (email, width) not in contexts:
                    contexts[email, width] = _context(browser, base_url, width, email)
                page = contexts[email, width].new_page()
                page.goto(path)
                target = out / f"{name}-{width}.png"
                # The whole page, but at most a few screens of it (a long list goes on).
                height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
                clip = {"x": 0, "y": 0, "width": width, "height": height}
                page.screenshot(path=str(target), full_page=True, clip=clip)
                written.append(target)
                page.close()
        for context in contexts.values():
            context.close()
        browser.close()
    return written


def _context(browser, base_url: str, width: int, email: str | None):
    """A browser context at ``width`` in Norwegian, logged in as ``email`` (or nobody)."""
    from lms.demo import DEMO_PASSWORD

    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width, "height": HEIGHT},
        extra_http_headers={"Accept-Language": "nb"},
    )
    if email:
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.press("#password", "Enter")
        page.close()
    return context


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--serve", action="store_true", help="keep serving afterwards")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: install Debian's chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="lms-screenshots-") as folder:
        app = build_app(Path(folder))
        server, base_url = serve(app)
        try:
            for path in take(base_url, args.out):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
            if args.serve:
                print(f"Serving the demo on {base_url} (Ctrl-C stops)")
                threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
