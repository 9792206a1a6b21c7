"""axe-core, reflow at 320 px, no sideways scrolling with long words at 320 and 1280 px,
and (for some visitors) a visible focus ring, on every page of the LMS, logged out and as
each role, in both languages.

The page list lives in ``site_pages.PAGES``; when you add a page to the LMS, add it
there (``test_every_lms_page_is_listed`` fails until you do). One test per visitor
(role and language) walks all of that visitor's pages in one browser context and
reports every page's problems together. Each page is opened once for all the checks:
setting it up (data, form submissions) and loading it is most of a visit's cost, so a
separate walk per check paid it again for the same pages.
"""

from __future__ import annotations

import pytest

from .site_pages import (
    NOT_PAGES,
    PAGES,
    VISITOR_IDS,
    VISITORS,
    endpoint_of,
    lms_page_endpoints,
    log_in_as,
    open_page,
    pages_for,
)
from .test_layout import (
    DESKTOP,
    FOCUS_FLOOR,
    FOCUS_VISITORS,
    NARROW,
    check_focus_ring,
    reflow_problem,
    sideways_problem,
)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def format_violations(violations: list[dict]) -> str:
    """One block per rule: id, impact, help, and each offending node's target."""
    lines = []
    for violation in violations:
        lines.append(
            f"  - {violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"      {node['target']}: {summary}")
            lines.append(f"        {node['html'][:200]}")
    return "\n".join(lines)


def run_axe(page, axe_url: str) -> list[dict]:
    """Load axe-core into the page (from ``axe_url``; the context must bypass the app's
    CSP) and return its violations."""
    page.add_script_tag(url=axe_url)
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


@pytest.mark.browser
@pytest.mark.parametrize(("role", "lang"), VISITORS, ids=VISITOR_IDS)
def test_every_page_passes_axe_and_reflows_at_320px(new_context, live_server, axe_url, role, lang):
    """WCAG 2.0/2.1 A and AA as axe-core checks them: zero violations on every page;
    WCAG 1.4.10 Reflow: narrowed to 320 CSS px, no page scrolls sideways; the long words
    every page carries (site_pages.LONG_WORD) make no page scroll sideways at 1280 px or
    320 px; and for FOCUS_VISITORS, WCAG 2.4.7: every control Tab reaches shows a focus
    ring. The app has no inline script or style (test_security_headers) and its one script
    (lms.js) does not lay anything out by width, so narrowing a loaded page lays it out as
    loading it narrow would, and bypassing the CSP for axe changes no layout."""
    # bypass_csp: the app's CSP (rightly) refuses the injected axe script.
    context = new_context(
        bypass_csp=True, viewport=DESKTOP, extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    user = log_in_as(page, role, lang)
    failures, too_wide, no_ring = [], [], []
    specs = pages_for(role)
    for spec in specs:
        label = f"{spec.id} in {lang}"
        page.set_viewport_size(DESKTOP)
        open_page(page, live_server.app, spec, lang, user)
        if (problem := sideways_problem(page, label)) is not None:
            too_wide.append(problem)
        violations = run_axe(page, axe_url)
        if violations:
            failures.append(f"{label} ({page.url}):\n{format_violations(violations)}")
        if (role, lang) in FOCUS_VISITORS:
            checked, found = check_focus_ring(page, label)
            assert checked >= FOCUS_FLOOR, f"{label}: Tab reached only {checked} controls"
            no_ring.extend(found)
        page.set_viewport_size(NARROW)
        for check in (reflow_problem, sideways_problem):
            if (problem := check(page, label)) is not None:
                too_wide.append(problem)
    assert specs
    assert not failures, "WCAG violations:\n" + "\n".join(failures)
    assert not too_wide, "pages that scroll sideways:\n" + "\n".join(too_wide)
    assert not no_ring, "no visible focus indicator:\n" + "\n".join(no_ring)


def test_every_lms_page_is_listed(app):
    """Each LMS route a browser can GET has at least one entry in PAGES."""
    pages = lms_page_endpoints(app)
    listed = {spec.endpoint for spec in PAGES}
    missing = pages - listed
    assert not missing, (
        f"LMS pages without an entry in tests/e2e/site_pages.py PAGES: {sorted(missing)}. "
        "Add each (with its roles and error states) so the axe and layout tests visit it, "
        "or, if it is not a page, add it to NOT_PAGES with the reason."
    )
    unknown = listed - pages - {None}
    assert not unknown, f"PAGES names endpoints that are not LMS pages: {sorted(unknown)}"
    stale = set(NOT_PAGES) - {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not stale, f"NOT_PAGES names routes that no longer exist: {sorted(stale)}"
    for spec in PAGES:
        if isinstance(spec.open, str):
            path = spec.open.partition("?")[0]
            assert endpoint_of(app, path) == spec.endpoint, f"{spec.id}: {path} -> {spec.endpoint}?"
