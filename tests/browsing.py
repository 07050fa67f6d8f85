"""What the browser tests share: a ``streamlit run`` server, Debian's Chromium, and waits that know
when a Streamlit page has finished drawing. Fixtures built on these live in each test module, so
each module gets its own server (some tests change the data)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artefacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
#: Flags for Chromium on a machine with no GPU and a closed network (see the machine notes).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: Streamlit scrolls its main container rather than the page, so a full-page shot needs a tall window.
VIEWPORT = {"width": 1400, "height": 5200}
#: The app's own menu in the sidebar (ui.sidebar draws it below the view, in a container keyed "pages").
MENU = '[data-testid="stSidebar"] .st-key-pages'
SERVER_START_S = 60
PAGE_TIMEOUT_MS = 30_000
#: The server process behind each URL ``serve`` yields (for benchmarks that read its memory).
SERVERS: dict[str, subprocess.Popen] = {}

STREAMLIT_IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null
        && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('[data-testid="stStatusWidget"]') === null
        && document.querySelector('[data-stale="true"]') === null
        && document.querySelector('[data-testid^="stSkeleton"]') === null;
}"""
#: Arm a watch on the app's script state: every change of it (a run starting or ending) is counted,
#: so a measurement can wait for the rerun its action caused instead of sleeping a fixed time.
WATCH_RUNS = """() => {
    if (window.__smpWatch) window.__smpWatch.disconnect();
    window.__smpRuns = 0;
    window.__smpWatch = new MutationObserver(records => { window.__smpRuns += records.length; });
    // The whole document, not the app element: React can replace that element between runs.
    window.__smpWatch.observe(document.body, {attributes: true, subtree: true,
                                              attributeFilter: ['data-test-script-state']});
}"""
RUN_SEEN = "() => window.__smpRuns > 0"
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    .every(chart => chart.querySelector('.main-svg') !== null)"""


@contextmanager
def serve(store: Path, log_path: Path, script: str = "app.py", env: dict | None = None, *,
          port: int | None = None, args: tuple[str, ...] = ()):
    """``streamlit run <script>`` (the app by default) on ``port`` (default: a free one) over ``store``;
    yields its base URL, stops it after. ``env`` adds environment variables, ``args`` options."""
    port = port or free_port()
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.headless", "true", "--server.fileWatcherType", "none", *args],
        cwd=ROOT, env={**os.environ, "SMP_DATA_DIR": str(store), **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    SERVERS[url] = process
    try:
        wait_healthy(url, process, log_path)
        yield url
    finally:
        SERVERS.pop(url, None)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@contextmanager
def balanced(store: Path, run_dir: Path, workers: int = 2, *, port: int | None = None, env: dict | None = None):
    """``smp-dash serve --workers N`` over ``store`` on ``port`` (default: a free one): Streamlit
    servers behind HAProxy (``env`` adds environment variables). Yields the balancer's URL, the servers' ports and the serve process
    (still running: a test may stop it itself); kills it after if it is still running."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "smp_dash.cli", "--data-dir", str(store), "serve", "--workers", str(workers),
         "--port", str(port), "--run-dir", str(run_dir)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
                       **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = process.stdout.readline()   # printed once every server and the balancer answer their health check
    ready = re.search(r"server\(s\) on ([\d, ]+) behind", line)
    if not ready:
        process.kill()
        pytest.fail(f"smp-dash serve did not start: {line}{process.stdout.read()[-3000:]}", pytrace=False)
    try:
        yield f"http://127.0.0.1:{port}", [int(p) for p in ready.group(1).split(", ")], process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def demo_server(folder: Path):
    """A fresh demonstration store in ``folder`` and ``streamlit run`` over it; yields the base URL."""
    from smp_dash import cli

    assert cli.main(["--data-dir", str(folder / "store"), "demo"]) == 0
    with serve(folder / "store", folder / "streamlit.log") as url:
        yield url


@contextmanager
def chromium():
    """Debian's Chromium under Playwright (never a browser Playwright downloads itself)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium. "
                    "Run the suite with `python3 dev.py test`, which installs it.", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: run the suite with `python3 dev.py test`, which installs "
                    "the test extras.", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def open_page(page, url: str) -> None:
    """Go to ``url`` and wait until the script has run and every chart is drawn."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=PAGE_TIMEOUT_MS)
    # Between the page load and the first run's output the app can look idle: wait for content first.
    page.locator('[data-testid="stMain"] p:has-text("Showing:"), [data-testid="stException"]').first.wait_for(
        timeout=PAGE_TIMEOUT_MS)
    # The run has started drawing, so the idle test below cannot pass before it: no settling pause.
    _wait_drawn(page)


def wait_idle(page) -> None:
    """Wait until no rerun is running or pending, every lazily loaded element is in (Streamlit shows
    skeletons for seconds after the run while it fetches the plotly and dataframe code), and every
    plotly chart has its svg."""
    page.wait_for_timeout(200)
    _wait_drawn(page)


def _wait_drawn(page) -> None:
    page.wait_for_function(STREAMLIT_IDLE, timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(CHARTS_DRAWN, timeout=PAGE_TIMEOUT_MS)


def timed_rerun(page, action) -> float:
    """Seconds from ``action()`` (a click, a key press) to the rerun it causes having drawn the page."""
    page.evaluate(WATCH_RUNS)
    start = time.perf_counter()
    action()
    page.wait_for_function(RUN_SEEN, timeout=PAGE_TIMEOUT_MS)
    _wait_drawn(page)
    return time.perf_counter() - start


def metric(page, label: str):
    """The value locator of the metric labelled ``label`` in the main area."""
    return (page.locator('[data-testid="stMain"] [data-testid="stMetric"]')
            .filter(has=page.locator('[data-testid="stMetricLabel"]', has_text=label))
            .first.locator('[data-testid="stMetricValue"]'))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll ``/_stcore/health`` until it answers "ok"; fail with the server's log if it never does."""
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
