"""Presentation mode in Chromium at 1280x720, as a chair shares it: opened by a link in any of its
spellings, it stays on through page changes and a refresh (disclosure control with it), and every
page in it is screenshotted to docs/screenshots/presentation_<page>.png for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browsing import MENU, PAGE_TIMEOUT_MS, ROOT, demo_server, wait_idle
from conftest import navigation

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}
PAGES = ["" if default else Path(file).stem for file, default in navigation()]
DOCS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with demo_server(tmp_path_factory.mktemp("present")) as url:
        yield url


#: Presentation mode's view in one line, above the title, disclosure control said to be on in it.
SUMMARY = re.compile(r"^Showing: .+ · Disclosure control on: 1 to 4 shown as <5( · |$)")


def open_presenting(page, url: str) -> None:
    """``open_page`` for presentation mode."""
    page.goto(url)
    page.locator('[data-testid="stMain"] p:has-text("Showing:"), [data-testid="stException"]').first.wait_for(
        timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)


def presenting(page) -> bool:
    """Presentation mode as the screen shows it: the view in one line above the title, disclosure
    control said to be on, and ``present`` in the address (waiting for each, as a rerun may still be
    drawing)."""
    from playwright.sync_api import expect

    expect(page.locator('[data-testid="stMain"] p', has_text="Showing:")).to_have_text(SUMMARY, timeout=PAGE_TIMEOUT_MS)
    line, title = (page.locator(f'[data-testid="stMain"] {kind}').first.bounding_box()
                   for kind in ('p:has-text("Showing:")', "h1"))
    assert line["y"] + line["height"] <= title["y"], (line, title)
    expect(page).to_have_url(re.compile(r"[?&]present=(1|true|yes)(&|$)", re.I), timeout=PAGE_TIMEOUT_MS)
    return True


def open_sidebar(page) -> None:
    button = page.locator('[data-testid="stExpandSidebarButton"]')
    if button.count():
        button.first.click()
    page.locator(MENU).wait_for(timeout=PAGE_TIMEOUT_MS)


@pytest.mark.parametrize("spelling", ["1", "true", "YES"])
def test_presentation_mode_survives_page_changes_and_a_refresh(browser, app_url, spelling):
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    open_presenting(page, f"{app_url}/?present={spelling}")
    assert presenting(page), page.url
    # a page change by a link in the page
    page.locator('[data-testid="stPageLink"] a', has_text="Open domestic abuse").click()
    page.wait_for_url("**/domestic_abuse**", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert presenting(page), page.url
    # a page change from the menu
    open_sidebar(page)
    page.locator(f"{MENU} a", has_text="Substance misuse").click()
    page.wait_for_url("**/substance_misuse**", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert presenting(page), page.url
    # a refresh, and the address shared with someone else
    address = page.url
    open_presenting(page, address)
    assert presenting(page), page.url
    other = context.browser.new_context(viewport=PROJECTOR).new_page()
    open_presenting(other, address)
    assert presenting(other), other.url
    other.context.close()
    context.close()


def test_presentation_mode_can_be_turned_off(browser, app_url):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    open_presenting(page, f"{app_url}/domestic_abuse?present=1")
    open_sidebar(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]', has_text="Presentation mode").locator("label").first.click()
    wait_idle(page)
    showing = page.locator('[data-testid="stMain"] p', has_text="Showing:")
    expect(showing).to_have_text("Showing: Whole borough, the latest periods in the data (to Mar 2021)",
                                 timeout=PAGE_TIMEOUT_MS)
    assert "present=" not in page.url
    context.close()


@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_every_page_in_presentation_mode_first_screen_shows_figures(browser, app_url, path):
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    open_presenting(page, f"{app_url}/{path}?present=1")
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()[:500]
    headlines = page.locator('[data-testid="stMain"] [data-testid="stMetric"]')
    if path not in ("action_plans", "morile", "scenarios", "data"):
        # the title, one line of notices and the filter in words, then the headlines, on the first screen
        top = headlines.first.bounding_box()
        assert top is not None and top["y"] + 60 < PROJECTOR["height"], top
    # the whole page as the meeting scrolls through it (Streamlit scrolls its main area, so a tall window)
    page.set_viewport_size({"width": PROJECTOR["width"], "height": 4000})
    wait_idle(page)
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"presentation_{path or 'overview'}.png"))
    context.close()
