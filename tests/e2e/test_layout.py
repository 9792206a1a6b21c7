"""Layout checks a screen reader or axe cannot make: reflow at 320 px and no sideways
scrolling with long words at 320 and 1280 px, and a visible focus indicator on everything
Tab reaches (the page checks ``reflow_problem``, ``sideways_problem`` and
``check_focus_ring`` are run on every page by the one walk in test_accessibility.py, which
opens each page once for all its checks); here: flash messages in a live region, the
header's menu on narrow and wide screens, and single pages from bug reports."""

from __future__ import annotations

import pytest
from factories import make

from .keyboard import tab_to, translator
from .site_pages import ANONYMOUS, LONG_WORD, PASSWORD, log_in_as

DESKTOP = {"width": 1280, "height": 720}
NARROW = {"width": 320, "height": 640}


def reflow_problem(page, label: str) -> str | None:
    """WCAG 1.4.10 Reflow, on a page already at ``NARROW``: why it scrolls sideways, or None."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= NARROW["width"]:
        return None
    culprits = page.evaluate(WIDEST_JS, NARROW["width"])
    return f"{label}: {width}px wide; too wide: {culprits}"


# The innermost elements that reach past the viewport or whose text overflows them.
WIDEST_JS = """limit => {
  const wide = e => e.getBoundingClientRect().right > limit + 0.5
    || (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1
        && getComputedStyle(e).overflowX === 'visible');
  return [...document.querySelectorAll('body *')]
    .filter(e => wide(e) && ![...e.children].some(wide))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
              + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
}"""


def _focus_problem(name: str, focused: dict, resting: dict) -> str | None:
    visible = (focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2) or (
        focused["shadow"] != "none"
    )
    changed = (focused["outline"], focused["shadow"]) != (resting["outline"], resting["shadow"])
    if visible and changed:
        return None
    return f"{name}: focused {focused} vs not focused {resting}"


# After a Tab: who has focus, its style, and its style once focus has left it.
PROBE_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = () => {
    const s = getComputedStyle(e);
    return {outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
            outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
            shadow: s.boxShadow};
  };
  e.dataset.focusProbe = e.dataset.focusProbe || String(Math.random());
  const focused = style();
  e.blur();
  const resting = style();
  e.focus();  // Tab carries on from here
  return {key: e.dataset.focusProbe, tag: e.tagName.toLowerCase(),
          name: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' '
                + JSON.stringify((e.innerText || e.name || '').trim().slice(0, 30)),
          focused, resting};
}"""
CONTROLS = ("a", "button", "input", "select", "textarea", "summary")


def check_focus_ring(page, label: str) -> tuple[int, list[str]]:
    """WCAG 2.4.7: Tab through the page; every link, button and field must show a focus
    ring that differs from its look at rest. Returns how many controls were checked (the
    caller asserts a floor, so a page Tab cannot get into fails) and the problems."""
    problems, checked, seen = [], 0, set()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(200):
        page.keyboard.press("Tab")
        probe = page.evaluate(PROBE_JS)
        if probe is None or probe["key"] in seen:
            break  # focus has gone round the page
        seen.add(probe["key"])
        if probe["tag"] in CONTROLS:
            checked += 1
            problem = _focus_problem(
                f"{label}: {probe['name']}", probe["focused"], probe["resting"]
            )
            if problem:
                problems.append(problem)
    return checked, problems


# The visitors whose pages the walk Tabs through for a focus ring: one language is enough
# (the ring is CSS, the same in both), and logged out, a participant and an admin between
# them reach every control style the app has.
FOCUS_VISITORS = {(ANONYMOUS, "en"), ("participant", "en"), ("admin", "en")}
FOCUS_FLOOR = 3  # every page has at least the skip link, the brand and a menu entry


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_flash_messages_are_in_a_live_region(new_context, live_server, lang):
    """Success, information and error messages sit in role=status / role=alert regions,
    so screen readers announce them."""
    t = translator(live_server.app, lang)
    page = new_context(extra_http_headers={"Accept-Language": lang}).new_page()
    cases = [
        (
            "/verify/not-a-valid-token",
            "alert",
            t("That confirmation link is not valid any more. Log in to get a new one."),
        ),
        ("/profile", "status", t("Please log in to see this page.")),
    ]
    for path, role, text in cases:
        page.goto(path)
        _assert_announced(page, text, role)
    log_in_as(page, "participant", lang)  # lands on the home page with a success message
    _assert_announced(page, t("You are logged in."), "status")


def _assert_announced(page, text: str, role: str) -> None:
    alert = page.locator(".ds-alert", has_text=text)
    assert alert.count() == 1, f"no message {text!r} on {page.url}"
    region = alert.evaluate(
        """e => { const r = e.closest('[role=status], [role=alert], [aria-live]');
                  return r && {role: r.getAttribute('role'),
                               live: r.getAttribute('aria-live') || ''}; }"""
    )
    assert region is not None, f"{text!r} is not inside a live region"
    assert region["role"] == role and region["live"] != "off", (
        f"{text!r} is in {region}, expected role={role}"
    )


SCROLLS_JS = """() => { const s = document.scrollingElement;
  return {scroll: s.scrollWidth, client: s.clientWidth}; }"""


def sideways_problem(page, label: str) -> str | None:
    """Why the page, at its current viewport, scrolls sideways; or None. Every page in
    site_pages carries LONG_WORD and other long words in its titles, names and addresses:
    a long Norwegian compound once made the catalogue scroll sideways at 360 and 1280 px."""
    sizes = page.evaluate(SCROLLS_JS)
    if sizes["scroll"] <= sizes["client"]:
        return None
    width = page.viewport_size["width"]
    culprits = page.evaluate(WIDEST_JS, width)
    return f"{label} at {width}px: {sizes['scroll']}px wide; too wide: {culprits}"


@pytest.mark.browser
def test_the_catalogue_with_a_long_word_fits_at_360_and_1280px(new_context, live_server):
    """The very page of the bug report, at the widths it was seen at."""
    make.offering(f"{LONG_WORD} for innkjøpere i {LONG_WORD.lower()}er", capacity=10)
    page = new_context(extra_http_headers={"Accept-Language": "nb"}).new_page()
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 720})
        page.goto("/events")
        assert LONG_WORD in page.inner_text("main")
        assert sideways_problem(page, "catalogue") is None


PHONE = {"width": 360, "height": 640}


def expanded_state(page, name: str) -> bool | None:
    """Whether the browser tells assistive technology that the control named ``name`` is
    expanded (read from Chromium's accessibility tree), None if it says nothing."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    session.detach()
    for node in nodes:
        if node.get("ignored") or (node.get("name") or {}).get("value") != name:
            continue
        for prop in node.get("properties", []):
            if prop["name"] == "expanded":
                return prop["value"]["value"]
    return None


def expect(locator):
    """Playwright's waiting assertions (imported here, as the browser fixture imports
    Playwright only when a browser test runs)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def expect_text(locator, text: str) -> None:
    """Wait until ``locator`` shows ``text`` (the live region is filled after a moment)."""
    expect(locator).to_have_text(text)


@pytest.mark.browser
@pytest.mark.parametrize("script", [True, False], ids=["with-js", "without-js"])
def test_the_menu_folds_on_a_phone_and_opens_by_keyboard(new_context, live_server, script):
    """Bug: at 360 px the header took a third of the screen. Now the brand and a Menu
    button share one row; Enter opens the menu (a disclosure screen readers hear as
    expanded or not), with or without script; with script, Escape closes it again."""
    context = new_context(
        viewport=PHONE, java_script_enabled=script, extra_http_headers={"Accept-Language": "en"}
    )
    page = context.new_page()
    log_in_as(page, "admin", "en")
    assert page.locator("header.lms-header").bounding_box()["height"] < PHONE["height"] / 8
    networks = page.locator("nav.lms-nav a[href='/networks']")
    assert not networks.is_visible()
    page.keyboard.press("Tab")  # the skip link
    tab_to(page, "the menu button", lambda f: f["tag"] == "summary" and f["text"] == "Menu")
    assert expanded_state(page, "Menu") is False
    page.keyboard.press("Enter")
    assert networks.is_visible()
    assert expanded_state(page, "Menu") is True
    tab_to(page, "a link in the menu", lambda f: f["text"] == "Networks")
    tab_to(page, "the administration menu", lambda f: f["text"] == "Administration")
    page.keyboard.press("Enter")
    tab_to(page, "a link under it", lambda f: f["text"] == "People and roles")
    if script:
        page.keyboard.press("Escape")  # closes the innermost: Administration
        page.keyboard.press("Escape")  # then the menu
        assert not networks.is_visible()
        assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"


@pytest.mark.browser
def test_an_admins_header_is_one_row_at_1280px(new_context, live_server):
    """Bug: at 1280 px an admin's header wrapped to three rows. The admin and organiser
    tools sit under one Administration button; the menu shows without a Menu button."""
    page = new_context(viewport=DESKTOP, extra_http_headers={"Accept-Language": "nb"}).new_page()
    log_in_as(page, "admin", "nb")
    brand = page.locator(".lms-brand").bounding_box()
    for item in page.locator(".lms-nav__list > li, .lms-language__list > li").all():
        box = item.bounding_box()
        assert box["y"] < brand["y"] + brand["height"] and brand["y"] < box["y"] + box["height"]
    assert not page.locator("summary.lms-menu__button").is_visible()
    people = page.locator("nav.lms-nav a", has_text="Personer og roller")
    assert not people.is_visible()
    page.locator("summary.lms-submenu__button").click()
    assert people.is_visible()


@pytest.mark.browser
def test_the_catalogue_shows_results_first_on_a_phone(new_context, live_server):
    """The filters fold behind "Search and filter" on a phone (open when one is in use);
    on a wide screen they are always shown."""
    make.offering("Klima og miljø i anskaffelser")
    page = new_context(viewport=PHONE, extra_http_headers={"Accept-Language": "en"}).new_page()
    page.goto("/events")
    card = page.locator(".lms-cards > li").first.bounding_box()
    assert card["y"] < PHONE["height"], "the first result is below the first screen"
    assert not page.locator("#q").is_visible()
    page.locator("summary", has_text="Search and filter").click()
    expect(page.locator("#q")).to_be_visible()  # after the design system's opening slide
    page.goto("/events?kind=seminar")
    assert page.locator("#q").is_visible()
    page.set_viewport_size(DESKTOP)
    page.goto("/events")
    assert page.locator("#q").is_visible()
    assert not page.locator("summary", has_text="Search and filter").is_visible()


@pytest.mark.browser
@pytest.mark.parametrize("script", [True, False], ids=["with-js", "without-js"])
def test_the_feed_address_has_a_copy_button(new_context, live_server, script):
    """The button copies the address and says "Copied" in a live region; without script
    the address stays in a read-only field to select and copy by hand."""
    context = new_context(java_script_enabled=script, extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    log_in_as(page, "participant", "en")
    page.goto("/me/calendar")
    field = page.locator("#feed-url")
    address = field.input_value()
    assert address.startswith(live_server.url + "/calendar/")
    assert field.get_attribute("readonly") is not None
    button = page.get_by_role("button", name="Copy")
    if not script:
        assert button.count() == 0  # hidden: it could do nothing
        return
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    button.click()
    status = page.locator("[data-copy-status]")
    expect_text(status, "Copied")
    assert status.get_attribute("role") == "status"
    assert page.evaluate("navigator.clipboard.readText()") == address


@pytest.mark.browser
def test_the_profile_answers_a_form_where_it_was_sent(new_context, live_server):
    """The profile is several screens tall on a phone: a form's errors and the new token
    (shown once) come back in view, not at the top of the page; a success's flash too."""
    context = new_context(viewport=NARROW, extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    log_in_as(page, "participant", "en")
    page.goto("/profile")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()
    expect(page.locator(".ds-error-summary")).to_be_in_viewport()
    page.fill("#token_name", "Phone")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()
    expect(page.locator("#new-token")).to_be_in_viewport()
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    expect(page.locator(".ds-error-summary")).to_be_in_viewport()
    page.fill("#current_password", PASSWORD)
    page.fill("#password", "a new and long password")
    page.fill("#confirm", "a new and long password")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your password is changed.")).to_be_in_viewport()
