"""Browser tests: Debian's Chromium, driven by Playwright, against a real ``streamlit run``.

One app server (demonstration data in a temporary store) serves the whole module. The tests do
what a partner does: open every page, click a ward on a map, open a shared link, change the ward
filter. Full-page screenshots go to ``artefacts/screenshots/`` (git-ignored) for a human to look at.

Run them with the rest of the suite (``python3 dev.py test`` installs Chromium first).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest


from browsing import demo_server, PAGE_TIMEOUT_MS, SCREENSHOTS, VIEWPORT, metric, open_page, wait_idle
from conftest import navigation

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """A running ``streamlit run app.py`` over a demonstration store; its base URL."""
    with demo_server(tmp_path_factory.mktemp("browser")) as url:
        yield url


#: Flags for Chromium on a machine with no GPU and a closed network (see the machine notes).
#: Streamlit scrolls its main container rather than the page, so a full-page shot needs a tall window.

#: url_pathname Streamlit derives from each st.Page file name in app.py's menu ("" is the default page).
PAGES = ["" if default else Path(file).stem for file, default in navigation()]
MAP_PAGES = {"domestic_abuse", "substance_misuse", "community_protection"}   # police data: districts in SVG

CHART_TRACES = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    .map(chart => [chart.querySelectorAll('.main-svg').length, chart.querySelectorAll('.trace path').length])"""



def showing(page) -> str:
    """The "Showing: ..." line under the page title."""
    return page.locator('[data-testid="stMain"] p', has_text="Showing:").inner_text()


def metric_values(page) -> list[str]:
    return page.locator('[data-testid="stMain"] [data-testid="stMetricValue"]').all_inner_texts()


def wards_widget(page):
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Wards")


def ward_chips(page):
    # Streamlit 1.67 draws multiselect chips with react-aria ([data-tag]); older releases used baseweb.
    return wards_widget(page).locator('[data-tag], [data-baseweb="tag"]')


def pick_option(page, widget, option: str) -> None:
    """Open a sidebar selectbox or type into a multiselect, then click ``option``."""
    widget.click()
    page.get_by_role("option", name=option, exact=True).click()


@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_page_renders(page, app_url, path):
    from playwright.sync_api import expect

    open_page(page, f"{app_url}/{path}")
    if path in MAP_PAGES:
        page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=PAGE_TIMEOUT_MS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{path or 'overview'}.png"))

    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"/{path} shows an exception: {errors.first.inner_text()[:500]}"
    expect(page.locator('[data-testid="stAlert"]', has_text="Demonstration data.").first).to_be_visible()
    if path == "":      # the overview's trends are inline SVG sparklines, drawn without plotly.js
        lines = page.locator('[data-testid="stMain"] svg[role="img"] path[stroke-linecap="round"]')
        assert lines.count() == 6, "the overview should show a sparkline per priority"
        return
    charts = page.evaluate(CHART_TRACES)
    assert charts, f"/{path} shows no plotly chart"
    blank = [i for i, (svgs, paths) in enumerate(charts) if svgs == 0 or paths == 0]
    assert not blank, f"/{path}: plotly charts {blank} (of {len(charts)}) have no svg or no trace drawn"
    if path in MAP_PAGES:
        maps = page.locator('[data-testid="stDeckGlJsonChart"]')
        assert maps.count() >= 1
        for i in range(maps.count()):
            assert maps.nth(i).locator("canvas").count() >= 1, f"/{path}: map {i} has no deck.gl canvas"


def test_clicking_a_ward_on_the_map_filters_the_page(page, app_url):
    from playwright.sync_api import expect

    open_page(page, f"{app_url}/domestic_abuse")
    before = metric(page, "Domestic abuse crimes").inner_text()
    assert before == "2,888", "the demonstration data reproduces the assessment's 2,888 DA crimes in 2020"
    assert ward_chips(page).count() == 0
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(timeout=PAGE_TIMEOUT_MS)
    box = canvas.bounding_box()
    # The map is fitted to Maidstone's wards, and the middle of the borough lies inside a ward.
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)

    expect(page).to_have_url(re.compile(r"[?&]wards="), timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    expect(ward_chips(page)).to_have_count(1)
    assert "Whole borough" not in showing(page)
    ward = ward_chips(page).first.inner_text().strip()
    assert ward and ward in showing(page)
    expect(metric(page, "Domestic abuse crimes")).not_to_have_text(before)


def test_shared_link_reopens_the_same_view(page, browser, app_url):
    from playwright.sync_api import expect

    # Bound widgets put what the widget shows in the URL (the format_func label, spaces as "+"),
    # not the Python value: learn the encoding from the browser rather than assume it.
    open_page(page, f"{app_url}/domestic_abuse")
    sidebar = page.locator('[data-testid="stSidebar"]')
    pick_option(page, sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Period type"), "Calendar year")
    expect(page).to_have_url(re.compile(r"[?&]ptype=Calendar\+year(&|$)"), timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)

    link = f"{app_url}/domestic_abuse?" + urlencode(
        [("wards", "Shepway North"), ("wards", "Shepway South"), ("ptype", "Calendar year"), ("period", "2019")])
    assert "wards=Shepway+North&wards=Shepway+South&ptype=Calendar+year&period=2019" in link
    open_page(page, link)
    line = showing(page)
    assert "Shepway North" in line and "Shepway South" in line and "2019" in line, line
    assert ward_chips(page).all_inner_texts() == ["Shepway North", "Shepway South"]
    values = metric_values(page)
    assert values, "the shared view shows no metric"

    other = browser.new_context(viewport=VIEWPORT)
    try:
        second = other.new_page()
        open_page(second, link)
        assert showing(second) == line
        assert metric_values(second) == values
    finally:
        other.close()


def test_ward_filter_changes_the_overview_and_the_url(page, app_url):
    from playwright.sync_api import expect

    open_page(page, f"{app_url}/")
    before = metric(page, "Recorded crime").inner_text()
    wards = wards_widget(page)
    wards.locator("input").fill("High Street")
    page.get_by_role("option", name="High Street", exact=True).click()
    page.keyboard.press("Escape")

    expect(page).to_have_url(re.compile(r"[?&]wards=High\+Street(&|$)"), timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    expect(ward_chips(page)).to_have_text(["High Street"])
    expect(metric(page, "Recorded crime")).not_to_have_text(before)
    assert "High Street" in showing(page)


def metric_delta(page, label: str) -> str:
    return (page.locator('[data-testid="stMain"] [data-testid="stMetric"]')
            .filter(has=page.locator('[data-testid="stMetricLabel"]', has_text=label))
            .first.locator('[data-testid="stMetricDelta"]').inner_text())


def test_needle_outlier_toggle_switches_between_55_and_minus_37(page, app_url):
    open_page(page, f"{app_url}/substance_misuse")
    assert metric(page, "Needles found").inner_text() == "2,511"
    assert metric_delta(page, "Needles found").startswith("+55%")
    page.locator('[data-testid="stMain"] [data-testid="stCheckbox"]').filter(has_text="Include bulk incidents").click()
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
        .some(e => e.innerText === '1,011')""", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert metric_delta(page, "Needles found").startswith("-37%")
    assert "needle_bulk=false" in page.url.lower()
    page.screenshot(path=str(SCREENSHOTS / "substance_misuse_without_bulk.png"))


def test_data_pack_downloads_and_opens_on_its_own(page, app_url, tmp_path):
    open_page(page, f"{app_url}/domestic_abuse")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name="Data pack (HTML)").first.click()      # built under its button, then offered
    with page.expect_download(timeout=120_000) as info:
        sidebar.get_by_role("button", name="Download the data pack (HTML)").click(timeout=120_000)
    pack = tmp_path / "pack.html"
    info.value.save_as(pack)
    text = pack.read_text()
    assert "<script src=" not in text                      # self-contained: nothing fetched
    page.goto(pack.as_uri())
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length > 0", timeout=60_000)
    body = page.locator("body").inner_text()
    assert "Demonstration data" in body and "2,888" in body and "+5.7%" in body
    page.screenshot(path=str(SCREENSHOTS / "data_pack.png"))




#: Word styles as the HTML twin shows them (mammoth maps headings itself).
TWIN_STYLES = "\n".join(f"p[style-name='{style}'] => {tag}:fresh" for style, tag in (
    ("Title", "h1.title"), ("Subtitle", "p.subtitle"), ("Caption", "p.caption"), ("Intense Quote", "p.notice"),
    ("TOC Heading", "h2")))
TWIN_CSS = ("body{font-family:Calibri,Carlito,Arial,sans-serif;max-width:760px;margin:32px auto;color:#222;font-size:14px}"
            "h1.title{font-size:30px;color:#17365D}h1{color:#365F91}h2{color:#4F81BD}table{border-collapse:collapse;"
            "font-size:12px;margin-bottom:12px}td,th{border:1px solid #7BA0CD;padding:2px 6px}img{max-width:100%}"
            ".caption{color:#4F81BD;font-weight:bold;font-size:12px}.notice{border-bottom:1px solid #4F81BD;"
            "color:#4F81BD;font-style:italic;padding:8px}.header{color:#555;font-size:11px;border-bottom:1px solid #ccc}")


def html_twin(path: Path) -> str:
    """The draft as HTML (mammoth reads the .docx as Word would lay out its body), with its page header
    on top: what the first pages of the document show, for a screenshot."""
    import docx
    import mammoth

    with path.open("rb") as handle:
        body = mammoth.convert_to_html(handle, style_map=TWIN_STYLES).value
    header = docx.Document(path).sections[0].header.paragraphs[0].text
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{TWIN_CSS}</style></head><body>"
            f"<p class='header'>{header}</p>{body}</body></html>")


def test_draft_and_tables_download_from_the_sidebar(page, app_url, tmp_path):
    import docx
    import openpyxl
    from playwright.sync_api import expect

    open_page(page, f"{app_url}/domestic_abuse?ptype=As+in+the+2020-21+assessment")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name="Draft assessment (Word)").first.click()
    expect(sidebar.get_by_text("Building the draft, about 10 seconds")).to_be_visible()   # said where it was asked
    with page.expect_download(timeout=180_000) as info:
        sidebar.get_by_role("button", name="Download the draft (Word)").click(timeout=180_000)
    assert info.value.suggested_filename.endswith(".docx")
    path = tmp_path / "assessment.docx"
    info.value.save_as(path)
    doc = docx.Document(path)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Introduction and method", "Executive summary"] and "Domestic abuse" in headings
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Domestic abuse crimes in the whole borough rose 5.7% to 2,888 in 2020" in text
    assert len(doc.inline_shapes) >= 15
    sidebar.get_by_role("button", name="Tables (Excel)").first.click()
    with page.expect_download(timeout=120_000) as info:
        sidebar.get_by_role("button", name="Download the tables (Excel)").click(timeout=120_000)
    book = tmp_path / "tables.xlsx"
    info.value.save_as(book)
    assert openpyxl.load_workbook(book).sheetnames[0] == "Index"
    # The first pages, as the HTML twin shows them: kept in docs/ after a look.
    twin = tmp_path / "assessment.html"
    twin.write_text(html_twin(path), encoding="utf-8")
    page.set_viewport_size({"width": 900, "height": 2400})
    page.goto(twin.as_uri())
    assert page.locator("img").count() == len(doc.inline_shapes)
    page.screenshot(path=str(SCREENSHOTS / "draft_first_pages.png"))
    page.locator("h1", has_text="Domestic abuse").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "draft_domestic_abuse.png"))
