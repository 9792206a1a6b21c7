"""Browser fixtures: one Chromium per session, a live server per test.

The live server serves the very app the ``app`` fixture made (same migrated
database, same clean-up), from a thread, so a test sets up data through the
app's services and the browser sees it at once. pytest runs with
``-p no:playwright``: these fixtures replace pytest-playwright's.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask, got_request_exception
from werkzeug.serving import make_server

CHROMIUM = Path(os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps calling home on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").lower() == "true"
TIMEOUT_MS = 10_000


def missing_setup(reason: str) -> None:
    """Fail in CI (a browser test must never be skipped there); skip elsewhere."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, launched once for the whole run."""
    if not CHROMIUM.exists():
        missing_setup(f"{CHROMIUM} is missing: install Debian's chromium (make chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


class _AxeHandler(BaseHTTPRequestHandler):
    """Serves axe-core alone, cacheable: each browser context fetches it once, and
    Chromium keeps its compiled code, instead of 650 KB piped in and parsed per page."""

    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):  # no access log
        pass


@pytest.fixture(scope="session")
def axe_url():
    """The address of axe-core on a local server that lives for the whole run."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make setup-test)", pytrace=False)
    handler = type("AxeHandler", (_AxeHandler,), {"body": AXE_JS.read_bytes()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="axe-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/axe.min.js"
    server.shutdown()
    server.server_close()


@dataclass
class LiveServer:
    """The test app served over real HTTP; ``errors`` holds unhandled server exceptions."""

    app: Flask
    url: str
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture
def live_server(app):
    """Serve ``app`` from a thread on a free port; fail the test on any server-side 500."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # Mailed links must lead back to this server.
    app.config["LMS_BASE_URL"] = url
    # Let the browser cache the style sheets instead of revalidating them on every page.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    live = LiveServer(app=app, url=url)

    def record(sender, exception, **extra):
        live.errors.append(exception)

    got_request_exception.connect(record, app)
    # A short poll interval makes shutdown() quick (the default waits up to half a second).
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    got_request_exception.disconnect(record, app)
    assert not live.errors, f"the server raised: {live.errors!r}"


def _new_context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser, live_server):
    """A fresh browser context (cookies, storage) per test, with the app's CSP enforced."""
    ctx = _new_context(browser, live_server)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def new_context(browser, live_server):
    """``new_context(**options)`` for tests that need special options (locale, viewport,
    ``bypass_csp`` for injecting axe); every context made is closed afterwards."""
    made = []

    def make(**options):
        ctx = _new_context(browser, live_server, **options)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()
