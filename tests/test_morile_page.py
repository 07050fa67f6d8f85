"""The MoRiLE priorities page: AppTest on the demonstration data, then Chromium against ``streamlit run``.

AppTest checks what the page shows and that the weight sliders (bound to the URL) drive the ranking;
the browser tests move a weight as a partner does, and import a scoring sheet, good and bad.
Fixtures follow tests/test_pages.py and tests/test_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from browsing import demo_server, PAGE_TIMEOUT_MS, SCREENSHOTS, VIEWPORT, open_page, wait_idle
from smp_dash import morile

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGE = "pages/morile.py"
DA = "Domestic abuse (including stalking)"


def _open(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    return _run(at.switch_page(PAGE))


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, column: str) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(tables) == 1, f"{len(tables)} tables with {column!r}"
    return tables[0]


def _ranking(at: AppTest) -> list[str]:
    return _table(at, "rank")["theme"].tolist()


@pytest.fixture(scope="module")
def default_page(demo_store) -> AppTest:
    return _open()


# AppTest ------------------------------------------------------------------------------------

def test_page_shows_notice_method_ranking_and_source(default_page):
    at = default_page
    assert any("Demonstration data" in w.value for w in at.warning)
    assert any("Priority score P" in m.value for m in at.expander[0].markdown)
    ranking = _table(at, "rank")
    assert len(ranking) == len(morile.default_sheet())
    assert ranking["rank"].tolist() == list(range(1, len(ranking) + 1))
    assert ranking["theme"].iloc[0] == DA
    assert set(ranking["change"]) == {"–"}       # the defaults against themselves
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert list(chart["data"][0]["y"]) == ranking["theme"].tolist()
    assert any(c.value.startswith("Source:") and "illustrative" in c.value for c in at.caption)
    assert len(_table(at, "smallest_change")) == len(morile.CRITERIA)


def test_volume_and_trend_come_from_the_data(default_page):
    data = _table(default_page, "volume_score").set_index("theme")
    # 2,888 DA crimes in 2020, +5.7% on 2019 (the assessment's figures): volume 4, trend 2. Counts and
    # changes are written as shown (disclosure control may write "<5" in their place).
    assert data.loc[DA, ["count", "change", "volume_score", "trend_score"]].tolist() == ["2,888", "+5.7%", 4, 2]
    assert data.loc["Drug offences and substance misuse", ["count", "volume_score", "trend_score"]].tolist() == \
        ["502", 3, 3]


def test_moving_a_weight_changes_the_ranking(default_page, demo_store):
    before = _ranking(default_page)
    at = _open()
    at.slider(key="w_harm_physical").set_value(0.5)
    _run(at)
    after = _table(at, "rank")
    assert after["theme"].tolist() != before
    # Each theme's change is its default rank less its rank now.
    moved = {t: before.index(t) + 1 - r for t, r in zip(after["theme"], after["rank"])}
    assert after["change"].tolist() == [morile.change_label(moved[t]) for t in after["theme"]]
    assert any(c.startswith("▲") for c in after["change"]) and any(c.startswith("▼") for c in after["change"])


def test_a_weight_in_the_url_is_restored(demo_store):
    at = _open(w_harm_physical="0.5")
    assert at.slider(key="w_harm_physical").value == 0.5
    moved = _open()
    moved.slider(key="w_harm_physical").set_value(0.5)
    assert _ranking(at) == _ranking(_run(moved))


def test_reset_restores_the_default_weights(default_page, demo_store):
    at = _open(w_capability="0", w_confidence="3")
    assert _ranking(at) != _ranking(default_page)
    [reset] = [b for b in at.button if b.label == "Reset to defaults"]
    reset.click()
    _run(at)
    assert at.slider(key="w_capability").value == at.slider(key="w_confidence").value == 1.0
    assert _ranking(at) == _ranking(default_page)


def test_the_ward_filter_changes_volume_and_trend(default_page, demo_store):
    at = _open(wards=["High Street"])
    here, borough = (int(_table(a, "volume_score").set_index("theme").loc[DA, "count"].replace(",", ""))
                     for a in (at, default_page))
    assert 0 < here < borough


# Browser ------------------------------------------------------------------------------------

#: The bar chart's theme labels, top to bottom: the ranking as drawn.
CHART_ORDER = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .yaxislayer-above .ytick text'))
    .map(t => ({y: t.getBoundingClientRect().top, text: t.textContent}))
    .sort((a, b) => a.y - b.y).map(t => t.text)"""


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> str:
    """A ``streamlit run app.py`` over its own demonstration store; its base URL."""
    with demo_server(tmp_path_factory.mktemp("morile_browser")) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


def chart_order(page) -> list[str]:
    return page.evaluate(CHART_ORDER)


def no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()[:500]


@pytest.mark.browser
def test_moving_a_weight_reorders_the_ranking(page, app):
    from playwright.sync_api import expect

    open_page(page, f"{app}/morile")
    no_exception(page)
    before = chart_order(page)
    assert len(before) == len(morile.default_sheet()) and before[0].startswith("Domestic abuse")
    # The keyboard moves the slider a step (0.25) at a time: two steps left take physical harm to 0.5.
    thumb = (page.locator('[data-testid="stSlider"]').filter(has_text="Physical harm")
             .locator('input[type="range"]'))
    thumb.focus()
    thumb.press("ArrowLeft")
    thumb.press("ArrowLeft")
    expect(page).to_have_url(re.compile(r"[?&]w_harm_physical=0\.5(&|$)"), timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    page.wait_for_function(f"() => JSON.stringify(({CHART_ORDER})()) !== {json.dumps(json.dumps(before))}",
                           timeout=PAGE_TIMEOUT_MS)
    after = chart_order(page)
    assert sorted(after) == sorted(before) and after != before
    no_exception(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "morile.png"))

    # The link carries the weight: a new session opens on the same ranking.
    open_page(page, page.url)
    assert chart_order(page) == after


@pytest.mark.browser
def test_importing_a_sheet(page, app, tmp_path):
    from playwright.sync_api import expect

    open_page(page, f"{app}/morile")
    before = chart_order(page)
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')

    bad = morile.sheet_csv(morile.default_sheet()).decode().splitlines()
    cells = bad[2].split(",")
    cells[morile.SHEET_COLUMNS.index("confidence")] = "7"
    (tmp_path / "bad.csv").write_text("\n".join([bad[0], bad[1], ",".join(cells), *bad[3:]]))
    upload.set_input_files(str(tmp_path / "bad.csv"))
    alert = page.locator('[data-testid="stAlert"]', has_text="Not imported")
    expect(alert).to_contain_text("bad.csv, row 3, column 'confidence': value '7': must be between 1 and 4",
                                  timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert chart_order(page) == before      # a bad file changes nothing

    # Puppy farming scored as the worst harm there is: it comes first.
    good = morile.default_sheet()
    good.loc[good["theme"] == "Illegal puppy farming", list(morile.CRITERIA)] = 4
    (tmp_path / "good.csv").write_bytes(morile.sheet_csv(good))
    upload.set_input_files(str(tmp_path / "good.csv"))
    expect(alert).to_have_count(0, timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(f"() => ({CHART_ORDER})()[0] === 'Illegal puppy farming'", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    no_exception(page)


@pytest.mark.browser
def test_editing_a_score_and_resetting(page, app):
    open_page(page, f"{app}/morile")
    assert chart_order(page)[0].startswith("Domestic abuse")
    editor = page.locator('[data-testid="stDataFrame"]').first
    box = editor.bounding_box()
    # Domestic abuse's physical harm (first row, fourth column) from 4 to 0: harm 2.4, score 13.0, below county lines' 14.18.
    # The grid takes a moment to take focus and move the selection: pauses, not a race.
    page.mouse.click(box["x"] + 120, box["y"] + 52)
    page.wait_for_timeout(500)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    page.keyboard.type("0")
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({CHART_ORDER})()[0] === 'County lines and drug supply'", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_role("button", name="Reset to defaults").click()
    page.wait_for_function(f"() => ({CHART_ORDER})()[0].startsWith('Domestic abuse')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    # The reset editor has dropped the edit: a rerun from another widget does not bring it back.
    page.locator('[data-testid="stSlider"]').filter(has_text="Trend").locator('input[type="range"]').press("ArrowRight")
    wait_idle(page)
    page.wait_for_timeout(1000)
    assert chart_order(page)[0].startswith("Domestic abuse")
    no_exception(page)
