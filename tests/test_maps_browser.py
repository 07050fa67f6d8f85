"""Maps in Chromium agree with their legends: a selection is drawn as an outline, every area keeps
the colour its legend entry shows, and ward names can be turned on from the map section.
Screenshots go to ``artefacts/screenshots/`` for a human to look at."""

from __future__ import annotations

import pytest
from browsing import PAGE_TIMEOUT_MS, SCREENSHOTS, demo_server, open_page, wait_idle

pytestmark = pytest.mark.browser

#: Each district's fill (colour and opacity) and outline width on the district map, and the
#: colours of the legend squares under it, as the browser computes them.
DISTRICT_FILLS = """() => {
    const chart = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
        .find(c => c.querySelectorAll('path.js-fill').length > 10);
    const style = p => getComputedStyle(p);
    const fills = Array.from(chart.querySelectorAll('path.js-fill'))
        .map(p => [style(p).fill, style(p).fillOpacity]);
    const widths = Array.from(chart.querySelectorAll('.scatterlayer .trace path.js-line'))
        .map(p => parseFloat(style(p).strokeWidth));
    const swatches = Array.from(document.querySelectorAll('[data-testid="stHtml"] span[style*="background"]'))
        .map(s => getComputedStyle(s).backgroundColor);
    return {fills, widths, swatches};
}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with demo_server(tmp_path_factory.mktemp("maps_browser")) as url:
        yield url


def test_district_map_fills_are_the_legend_colours_with_maidstone_outlined(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 4000})
    open_page(page, f"{app_url}/police_data")
    got = page.evaluate(DISTRICT_FILLS)
    assert len(got["fills"]) >= 13
    # one opacity for every district: none faded because Maidstone is picked out
    assert {opacity for _, opacity in got["fills"]} == {"0.86"}
    # every fill is the colour of a legend square (the squares are as opaque as the fills), in 4+ classes
    fills = {fill for fill, _ in got["fills"]}
    assert fills <= set(got["swatches"]) and len(fills) >= 4
    widths = sorted(got["widths"])
    assert widths[-1] > widths[0]                     # Maidstone's outline is the thick one
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "maps_districts.png"))


def test_ward_names_toggle_is_kept_in_the_address(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 4000})
    open_page(page, f"{app_url}/substance_misuse")
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=PAGE_TIMEOUT_MS)
    toggle = page.get_by_role("switch", name="Show ward names")
    assert not toggle.is_checked()
    page.locator('[data-testid="stCheckbox"]', has_text="Show ward names").click()
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('needles_names=true')", timeout=PAGE_TIMEOUT_MS)
    assert page.get_by_role("switch", name="Show ward names").is_checked()
    page.reload()
    open_page(page, page.url)
    assert page.get_by_role("switch", name="Show ward names").is_checked()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.wait_for_timeout(3000)                        # WebGL draws after the script has finished
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot(path=str(SCREENSHOTS / "maps_ward_names.png"))
