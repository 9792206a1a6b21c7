"""The public conference pages in Chromium: axe-core and reflow at 320 px for each of
them (the same pages the whole walk checks, tests/e2e/conference_public_pages.py, here
alone so a change to them is checked quickly), and screenshots at 360 and 1280 px for a
person to look at (in ``LMS_SCREENSHOT_DIR`` when set, else the test's own folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .site_pages import PAGES, log_in_as, open_page
from .test_accessibility import format_violations, run_axe
from .test_layout import DESKTOP, NARROW, reflow_problem

pytestmark = pytest.mark.browser
MINE = [spec for spec in PAGES if spec.name.startswith("conference-")]


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("role", ["anonymous", "participant"])
def test_conference_pages_pass_axe_reflow_and_are_shot(
    new_context, live_server, axe_url, role, lang, tmp_path
):
    shots = Path(os.environ.get("LMS_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    context = new_context(
        bypass_csp=True, viewport=DESKTOP, extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    user = log_in_as(page, role, lang)
    failures, too_wide = [], []
    specs = [spec for spec in MINE if spec.role == role]
    for spec in specs:
        page.set_viewport_size(DESKTOP)
        open_page(page, live_server.app, spec, lang, user)
        page.screenshot(path=shots / f"{spec.name}-{role}-{lang}-1280.png", full_page=True)
        if violations := run_axe(page, axe_url):
            failures.append(f"{spec.id} in {lang}:\n{format_violations(violations)}")
        page.set_viewport_size({"width": 360, "height": 740})
        page.screenshot(path=shots / f"{spec.name}-{role}-{lang}-360.png", full_page=True)
        page.set_viewport_size(NARROW)
        if (problem := reflow_problem(page, f"{spec.id} in {lang}")) is not None:
            too_wide.append(problem)
    assert specs
    assert not failures, "WCAG violations:\n" + "\n".join(failures)
    assert not too_wide, "pages that scroll sideways at 320 px:\n" + "\n".join(too_wide)
