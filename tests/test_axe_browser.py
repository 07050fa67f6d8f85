"""WCAG 2.2 AA in Chromium (issue 21): axe-core on every page, and the keyboard alone.

axe-core (bundled with axe-playwright-python, so no network) runs the rules tagged WCAG 2.0, 2.1
and 2.2 A and AA; no page may have a serious or critical violation. Every page is checked at
1280 px in normal mode on the demonstration data, and once more in one of the seven other
combinations of mode (normal, presentation), width (1280, 800 px) and data (demonstration,
police.uk street files alone), in rotation, so every combination is covered and the module stays
within about three minutes on two cores. The sidebar is opened where it starts closed, so the view
and the menu are checked too. Every chart and map must keep its sentence for screen readers, and
its section a CSV of the numbers.

The keyboard test does what a partner does without a mouse: from the skip link to the ward filter,
two wards, another period, another page, a CSV, with a visible focus ring at every step.
"""

from __future__ import annotations

import re
from itertools import product
from pathlib import Path

import pytest

import journey_data
from browsing import MENU, PAGE_TIMEOUT_MS, demo_server, open_page, serve, timed_rerun, wait_idle
from conftest import contrast, navigation
from smp_dash import cli

pytestmark = pytest.mark.browser

#: The WCAG 2.0, 2.1 and 2.2 rules at levels A and AA, and only those (no best practices).
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
         "resultTypes": ["violations"]}
FAILING = {"serious", "critical"}
PAGES = ["" if default else Path(file).stem for file, default in navigation()]
#: (presentation mode, width, data) besides the first check's (normal, 1280 px, demonstration).
OTHERS = [combination for combination in product((False, True), (1280, 800), ("demo", "police_uk"))
          if combination != (False, 1280, "demo")]
SAMPLED = [(path, *OTHERS[i % len(OTHERS)]) for i, path in enumerate(PAGES)]
#: The sidebar's blue-grey (.streamlit/config.toml): a focus ring needs 3:1 on it and on white.
SIDEBAR = (0xF2, 0xF5, 0xF9)

#: Sections of the main area (between headings) that draw a chart or map without a sentence for
#: screen readers (its accessible name, with figures in it) or without a CSV of its numbers.
UNEXPLAINED = """() => {
    const items = document.querySelectorAll('[data-testid="stMain"] :is(h1, h2, h3, [data-testid="stPlotlyChart"], '
        + '[data-testid="stDeckGlJsonChart"], [data-testid="stDownloadButton"])');
    const sections = [];
    let section = {heading: '', figures: [], csv: 0};
    for (const item of items) {
        if (/^H[123]$/.test(item.tagName)) {
            sections.push(section);
            section = {heading: item.innerText.slice(0, 60), figures: [], csv: 0};
        } else if (item.getAttribute('data-testid') === 'stDownloadButton') {
            section.csv += item.innerText.includes('(CSV)') ? 1 : 0;
        } else {
            section.figures.push(item.getAttribute('aria-label') || '');
        }
    }
    sections.push(section);
    return sections.filter(s => s.figures.length && (!s.csv || s.figures.some(name => !/\\d/.test(name))));
}"""
#: Page links cut short ("Serious and organised cr...") instead of wrapping, in the menu and the page.
CUT_NAMES = """() => Array.from(document.querySelectorAll('[data-testid="stPageLink"] a, [data-testid="stPageLink"] a *'))
    .filter(el => el.getBoundingClientRect().right > 0 && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
    .map(el => el.innerText)"""
#: The focused element, and the focus ring drawn on it or on the control around it (a select box
#: rings its box, a toggle its label): the first of it and three ancestors with an outline.
FOCUS = """() => {
    const focused = document.activeElement;
    const holder = focused.closest('[data-testid]');
    const what = [focused.tagName, focused.getAttribute('role') || '', holder ? holder.getAttribute('data-testid') : '',
                  focused.getAttribute('aria-label') || '', (focused.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 60)]
        .join(' | ');
    let element = focused;
    for (let i = 0; element && i < 4; i++, element = element.parentElement) {
        const style = getComputedStyle(element), box = element.getBoundingClientRect();
        if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 && box.width >= 8 && box.height >= 8) {
            return {what, colour: style.outlineColor, top: box.top, bottom: box.bottom, screen: innerHeight,
                    main: focused.closest('[data-testid="stMain"]') !== null};
        }
    }
    return {what, colour: null};
}"""


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    with demo_server(tmp_path_factory.mktemp("axe")) as url:
        yield url


@pytest.fixture(scope="module")
def police_uk_url(tmp_path_factory, maidstone):
    """The app over police.uk street files for 2024 and 2025 alone (no partner data, no flags)."""
    root = tmp_path_factory.mktemp("axe_police_uk")
    wards, lsoas = maidstone
    journey_data.street_files(root / "police-uk", "2024-01", "2025-12", journey_data.places(wards, lsoas))
    assert cli.main(["--data-dir", str(root / "store"), "ingest", "police-uk", str(root / "police-uk")]) == 0
    with serve(root / "store", root / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def tabs(browser):
    """``tabs(width)``: a new tab ``width`` px wide, in one browser context per width, so each width
    fetches Streamlit's scripts once."""
    contexts = {}

    def open_tab(width: int):
        if width not in contexts:
            contexts[width] = browser.new_context(viewport={"width": width, "height": 900})
        return contexts[width].new_page()

    yield open_tab
    for context in contexts.values():
        context.close()


def serious_violations(page) -> list[str]:
    """axe's serious and critical WCAG A/AA violations on the page as drawn: rule, what it asks,
    and the selector of every element that fails it."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=RULES).response["violations"]
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['help']}: "
            + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:20])
            for v in found if v["impact"] in FAILING]


@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_every_page_meets_wcag_aa(tabs, demo_url, path):
    page = tabs(1280)
    open_page(page, f"{demo_url}/{path}")
    assert serious_violations(page) == [], f"/{path}"
    assert page.evaluate(UNEXPLAINED) == [], f"/{path}: a chart or map without its sentence or its CSV"
    page.close()


@pytest.mark.parametrize("path, present, width, data", SAMPLED,
                         ids=[f"{p or 'overview'}-{'present' if m else 'normal'}-{w}-{d}" for p, m, w, d in SAMPLED])
def test_every_mode_width_and_data_meets_wcag_aa(tabs, request, path, present, width, data):
    url = request.getfixturevalue(f"{data}_url")
    page = tabs(width)
    open_page(page, f"{url}/{path}" + ("?present=1" if present else ""))
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.count():            # presentation mode and narrow screens start with the sidebar closed
        expand.first.click()
        page.locator(MENU).wait_for(timeout=PAGE_TIMEOUT_MS)
        wait_idle(page)
    assert serious_violations(page) == [], f"/{path} ({'presentation' if present else 'normal'}, {width} px, {data})"
    assert page.evaluate(CUT_NAMES) == []
    page.close()


def test_the_keyboard_alone_reaches_the_view_a_page_and_a_csv(browser, demo_url):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    open_page(page, demo_url)

    assert "Skip to main content" in tab(page)["what"], "the skip link is the first thing the keyboard reaches"
    page.keyboard.press("Enter")
    assert tab(page)["main"], "the skip link leads past the sidebar"
    open_page(page, demo_url)
    assert "Skip to main content" in tab(page)["what"]
    # The view comes first: All, Shepway, Town and the wards' help, then the ward filter.
    tab_to(page, r"^INPUT \| combobox \| .* \| Wards \|", 5)
    for ward in ("Shepway North", "Shepway South"):
        timed_rerun(page, lambda: (page.keyboard.type(ward), page.keyboard.press("Enter")))
    page.keyboard.press("Escape")
    tab_to(page, r"\| Period type \|", 4)
    timed_rerun(page, lambda: (page.keyboard.type("Calendar year"), page.keyboard.press("Enter")))
    tab_to(page, r"\| Period \|", 1)
    timed_rerun(page, lambda: (page.keyboard.type("2019"), page.keyboard.press("Enter")))
    showing = page.locator('[data-testid="stMain"] p', has_text="Showing:")
    expect(showing).to_have_text("Showing: Shepway North and Shepway South, Calendar year 2019")

    tab_to(page, r"\| stPageLink-NavLink \|.* Domestic abuse$", 30)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/domestic_abuse\?"), timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    expect(showing).to_have_text("Showing: Shepway North and Shepway South, Calendar year 2019")

    tab_to(page, r"Download data \(CSV\)$", 120)
    with page.expect_download(timeout=PAGE_TIMEOUT_MS) as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")
    assert "Shepway North and Shepway South" in Path(download.value.path()).read_text()
    context.close()


def tab(page) -> dict:
    """Press Tab; what has the focus, after checking its focus ring is drawn, contrasts (3:1 on white
    and on the sidebar) and is on the screen."""
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    assert focus["colour"], f"no visible focus ring on {focus['what']}"
    ring = tuple(int(v) for v in re.findall(r"\d+", focus["colour"])[:3])
    assert min(contrast(ring, (255, 255, 255)), contrast(ring, SIDEBAR)) >= 3, focus
    assert focus["bottom"] > 0 and focus["top"] < focus["screen"], f"the focus is off the screen: {focus}"
    return focus


def tab_to(page, pattern: str, most: int) -> int:
    """Tab until the focused element matches ``pattern`` (on ``FOCUS``'s description), at most
    ``most`` times; how many presses it took."""
    seen = []
    for presses in range(1, most + 1):
        seen.append(tab(page)["what"])
        if re.search(pattern, seen[-1]):
            return presses
    pytest.fail(f"{pattern!r} not reached in {most} presses of Tab: {seen}", pytrace=False)

