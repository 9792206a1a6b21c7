"""What to load: a list of named targets, each a path on one of the servers.

A target may need state first (a logged-in session, a seminar to register for…).
Its ``setup`` runs once after the servers are up and before the load; it gets
the :class:`Context` and returns extra request headers, typically a ``Cookie``.
Later issues add targets here (the registration rush, the catalogue) with their
own setup functions; the harness needs no other change.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# wrk sends no User-Agent of its own; every request (setup and load) sends this one,
# so Flask-Login's session protection sees the same client that logged in.
USER_AGENT = "lms-bench/1"


@dataclass
class Context:
    """What a setup function can use: the servers' base URLs and the demo password."""

    base_urls: dict[str, str]
    demo_password: str

    def url(self, server: str, path: str) -> str:
        return self.base_urls[server] + path


Setup = Callable[[Context], dict[str, str]]


@dataclass
class Target:
    """One page under load.

    ``server`` is ``"lms"`` or ``"baseline"``. ``expect`` is a string the page must
    contain (checked once before the load, so a target that silently redirects or
    errors is caught). ``setup`` returns headers to send with every request.
    ``wrk_script`` is a wrk Lua script for anything but a plain GET (a POST body,
    rotating paths); the check before the load still fetches ``path`` with GET.
    """

    name: str
    path: str
    server: str = "lms"
    expect: str | None = None
    setup: Setup | None = None
    description: str = ""
    wrk_script: Path | None = None
    headers: dict[str, str] = field(default_factory=dict)
    sets_cookie: bool = False


def session_cookie_for(email: str) -> Setup:
    """A setup that logs ``email`` in once (a real POST with the CSRF token) and
    returns its session cookie as a header for wrk.

    One login per run stays far below the login rate limit.
    """

    def setup(ctx: Context) -> dict[str, str]:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.addheaders = [("User-Agent", USER_AGENT)]
        login_url = ctx.url("lms", "/login")
        with opener.open(login_url, timeout=10) as response:
            page = response.read().decode()
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if match is None:
            raise RuntimeError("no CSRF token on the login page")
        form = urllib.parse.urlencode(
            {"csrf_token": match.group(1), "email": email, "password": ctx.demo_password}
        ).encode()
        with opener.open(login_url, data=form, timeout=10) as response:
            if response.url.rstrip("/").endswith("/login"):
                raise RuntimeError(f"login as {email} failed (still on the login page)")
        cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
        if not cookies:
            raise RuntimeError(f"login as {email} set no cookie")
        return {"Cookie": cookies}

    return setup


def anonymous_cookie(ctx: Context) -> dict[str, str]:
    """A returning visitor without an account: the session cookie a browser holds after
    a couple of pages (CSRF token in it), so the app need not mint and sign a new one.

    Two visits, as a browser would: Flask-Login's session protection marks a new
    session non-fresh on the second request, and the cookie settles after that.
    """
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    for _ in range(2):
        with opener.open(ctx.url("lms", "/"), timeout=10):
            pass
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in jar)}


BASELINE = Target(
    "baseline",
    "/",
    server="baseline",
    expect="Item 1",
    description="bare Flask + Flask-SQLAlchemy, one SQLite query, tiny template",
)

TARGETS: list[Target] = [
    BASELINE,
    Target("home", "/", expect="<main", description="home page, first visit (no cookie)"),
    Target("login", "/login", expect='name="password"', description="login form, first visit"),
    Target(
        "home-returning",
        "/",
        expect="<main",
        setup=anonymous_cookie,
        description="home page, anonymous with the session cookie of an earlier visit",
    ),
    Target(
        "home-participant",
        "/",
        expect='action="/logout"',
        setup=session_cookie_for("participant@demo.lms"),
        description="home page, logged in as the demo participant",
    ),
    Target(
        "catalogue",
        "/events",
        expect="<h1",
        description="the catalogue of the demo offerings, anonymous (200 of them: bench/rush.py)",
    ),
    Target(
        "catalogue-api",
        "/api/v1/events",
        expect='"pagination"',
        setup=session_cookie_for("participant@demo.lms"),
        description="the JSON catalogue, first page (50), as the logged-in demo participant",
    ),
    Target(
        "catalogue-api-public",
        "/api/v1/events",
        expect='"pagination"',
        description="the JSON catalogue, first page, anonymous (the demo lists 11; rush.py 50)",
    ),
    Target(
        "catalogue-search",
        "/events?q=milj%C3%B8+klima",
        expect="<h1",
        description="the catalogue searched for two words in any order, anonymous",
    ),
    Target(
        "participant-home",
        "/me",
        expect='action="/logout"',
        setup=session_cookie_for("participant@demo.lms"),
        description="the participant's home (next sessions, places, offers), demo participant",
    ),
    Target(
        "organiser-overview",
        "/manage",
        expect="<h1",
        setup=session_cookie_for("organiser@demo.lms"),
        description="the organisers' overview (coming weeks, approvals, offers), demo organiser",
    ),
    Target(
        "offering-list",
        "/manage/offerings",
        expect="<h1",
        setup=session_cookie_for("organiser@demo.lms"),
        description="the organisers' offering list, first page, demo organiser",
    ),
]
