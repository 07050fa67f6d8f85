"""Readable at every size, in Chromium: at 800, 1280 and 1440 px wide no headline figure, change
label or button is cut off ("1...", "beyond cha...", "Do..."): each element's text fits its box
(scroll width no wider than client width), in the main area and the sidebar."""

from __future__ import annotations

from pathlib import Path

import pytest

from browsing import MENU, PAGE_TIMEOUT_MS, demo_server, open_page
from conftest import navigation

pytestmark = pytest.mark.browser

#: The elements whose text must never be cut: headline values and changes, buttons and their labels.
CUT = """() => Array.from(document.querySelectorAll(
        '[data-testid="stMetricValue"], [data-testid="stMetricValue"] *, [data-testid="stMetricDelta"], '
        + '[data-testid="stMetricDelta"] *, button, button p, button div'))
    .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
    .map(el => (el.closest('[data-testid]') || el).getAttribute('data-testid') + ': ' + el.innerText.slice(0, 40))"""
#: Every page in app.py's menu ("" is the default page).
PAGES = ["" if default else Path(file).stem for file, default in navigation()]
#: Pages whose first screen is controls and tables rather than headline figures.
NO_HEADLINES = {"action_plans", "morile", "scenarios", "data"}


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with demo_server(tmp_path_factory.mktemp("readable")) as url:
        yield url


@pytest.mark.parametrize("width", [800, 1280, 1440])
@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_no_figure_change_or_button_is_cut_off(browser, app_url, path, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    open_page(page, f"{app_url}/{path}")
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.count():          # narrow screens open with the sidebar closed: its buttons count too
        expand.first.click()
        page.locator(MENU).wait_for(timeout=PAGE_TIMEOUT_MS)
    assert page.locator('[data-testid="stMetricValue"]').count() or path in NO_HEADLINES
    assert page.evaluate(CUT) == []
    context.close()


def test_every_page_is_one_click_away(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    open_page(page, app_url)
    links = page.locator(f"{MENU} a").all_inner_texts()        # the app's own menu: nothing folded away
    assert {"MoRiLE priorities", "Scenarios", "Data"} <= {t.split("\n")[-1].strip() for t in links}, links
    assert len(links) == len(PAGES) and all(page.locator(f"{MENU} a").nth(i).is_visible() for i in range(len(PAGES)))
    # the preset buttons' labels, and the documents' under them, fit on one line ("Shepway", not
    # "Shep..." or "Shepw / ay")
    lines = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stSidebar"] .stButton button p'))
        .map(p => { const r = document.createRange(); r.selectNodeContents(p); return [p.innerText, r.getClientRects().length]; })""")
    assert {t for t, n in lines if n} == {"All", "Shepway", "Town", "Data pack (HTML)", "Draft assessment (Word)",
                                          "Tables (Excel)"} and all(n <= 1 for _, n in lines), lines
    context.close()
