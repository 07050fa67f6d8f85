"""The MoRiLE priorities page: AppTest on the demonstration data, then Chromium against ``streamlit run``.

AppTest checks what the page shows and that the weight sliders (bound to the URL) drive the ranking;
the browser tests move a weight as a partner does, and import a scoring sheet, good and bad.
Fixtures follow tests/test_pages.py and tests/test_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from smp_dash import cli, morile

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGE = "pages/morile.py"
SCREENSHOTS = ROOT / "artefacts" / "screenshots"
DA = "Domestic abuse (including stalking)"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """A store holding the demonstration data, set as SMP_DATA_DIR for the whole module."""
    folder = tmp_path_factory.mktemp("morile") / "store"
    assert cli.main(["--data-dir", str(folder), "demo"]) == 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SMP_DATA_DIR", str(folder))
        yield folder


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
    data = _table(default_page, "measure").set_index("theme")
    # 2,888 DA crimes in 2020, +5.7% on 2019 (the assessment's figures): volume 4, trend 2.
    assert data.loc[DA, ["count", "change", "volume", "trend"]].tolist() == [2888, 5.7, 4, 2]
    assert data.loc["Drug offences and substance misuse", ["count", "volume", "trend"]].tolist() == [502, 3, 3]


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
    here, borough = (_table(a, "measure").set_index("theme").loc[DA, "count"] for a in (at, default_page))
    assert 0 < here < borough


# Browser ------------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 5200}
SERVER_START_S = 60
PAGE_TIMEOUT_MS = 30_000
STREAMLIT_IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null
        && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('[data-testid="stStatusWidget"]') === null
        && document.querySelector('[data-stale="true"]') === null
        && document.querySelector('[data-testid^="stSkeleton"]') === null;
}"""
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    .every(chart => chart.querySelector('.main-svg') !== null)"""
#: The bar chart's theme labels, top to bottom: the ranking as drawn.
CHART_ORDER = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .yaxislayer-above .ytick text'))
    .map(t => ({y: t.getBoundingClientRect().top, text: t.textContent}))
    .sort((a, b) => a.y - b.y).map(t => t.text)"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """A running ``streamlit run app.py`` on a free port, over a demonstration store; its base URL."""
    folder = tmp_path_factory.mktemp("morile_browser")
    store = folder / "store"
    assert cli.main(["--data-dir", str(store), "demo"]) == 0
    port = _free_port()
    log = (folder / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, "SMP_DATA_DIR": str(store)}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, folder / "streamlit.log")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright (never a browser Playwright downloads itself)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium. "
                    "Run the suite with `python3 dev.py test`, which installs it.", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: run the suite with `python3 dev.py test`.", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def app(app_url, browser) -> str:
    """The server's URL once the home page has been opened. Until app.py has run in some session, a fresh
    server answers a deep link (``/morile``) from Streamlit's pages/ folder, skipping app.py's wide layout."""
    context = browser.new_context(viewport=VIEWPORT)
    open_page(context.new_page(), f"{app_url}/")
    context.close()
    return app_url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=PAGE_TIMEOUT_MS)
    page.locator('[data-testid="stMain"] p:has-text("Showing:"), [data-testid="stException"]').first.wait_for(
        timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)


def wait_idle(page) -> None:
    page.wait_for_timeout(200)
    page.wait_for_function(STREAMLIT_IDLE, timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(CHARTS_DRAWN, timeout=PAGE_TIMEOUT_MS)


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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with code {process.returncode}:\n{log.read_text()[-3000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit did not answer {url}/_stcore/health within {SERVER_START_S} s:\n"
                f"{log.read_text()[-3000:]}", pytrace=False)
