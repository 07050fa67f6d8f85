"""Benchmark: from a ward-filter change to the page repainted, in Chromium, per page.

For each page: open it, then pick a ward in the sidebar's Wards box (typing its name and pressing
Enter, as a person does) and time from the click on the ward until the rerun it causes has
finished and every chart has drawn again (the page's script state is watched, no fixed sleeps).
Each run adds a different ward, so every change is a real rerun. Median of ``--runs``. Then the
same change on the naive baseline (``naive_app.py``: the overview's work re-read and regrouped on
every rerun, and its ward map at full resolution), with its ratio to SMP Dash's overview.

    .venv/bin/python bench/filter.py --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser helpers the Playwright tests use

from browsing import VIEWPORT, chromium, demo_server, open_page, serve, timed_rerun, wait_idle  # noqa: E402

PAGES = ["", "serious_organised_crime", "children_young_people", "domestic_abuse", "substance_misuse",
         "mental_health", "community_protection", "police_data", "task_force", "action_plans", "morile",
         "scenarios", "data"]
WARDS = ["High Street", "Park Wood", "Bridge", "Fant", "Heath"]
TARGET_S = 1.0


def change_time(tab, ward: str) -> float:
    """Seconds from clicking ``ward`` in the Wards box to the page drawn again."""
    box = tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Wards")
    box.locator("input").fill(ward)
    option = tab.get_by_role("option", name=ward, exact=True)
    option.wait_for(timeout=10_000)
    seconds = timed_rerun(tab, option.click)
    tab.keyboard.press("Escape")
    wait_idle(tab)
    if ward not in tab.url.replace("+", " "):
        raise RuntimeError(f"the ward filter did not take {ward!r}: {tab.url}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="*", default=PAGES, help="url paths (overview is the empty string)")
    args = parser.parse_args()
    print(f"date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"{'page':26} {'median s':>9} {'min':>6} {'max':>6}  target {TARGET_S:g} s")
    medians = {}
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        with demo_server(Path(folder)) as url:
            for path in args.pages:
                medians[path] = _row(path or "overview", browser, f"{url}/{path}", args.runs)
        with serve(Path(folder) / "store", Path(folder) / "naive.log", "bench/naive_app.py") as url:
            naive = _row("naive baseline", browser, f"{url}/", args.runs)
    if "" in medians:
        print(f"naive baseline / SMP Dash overview: {naive / medians['']:.1f}x")


def _row(label: str, browser, url: str, runs: int) -> float:
    times = []
    for run in range(runs):
        tab = browser.new_context(viewport=VIEWPORT).new_page()
        open_page(tab, url)
        times.append(change_time(tab, WARDS[run % len(WARDS)]))
        tab.context.close()
    median = statistics.median(times)
    print(f"{label:26} {median:9.2f} {min(times):6.2f} {max(times):6.2f}  {'PASS' if median <= TARGET_S else 'MISS'}",
          flush=True)
    return median


if __name__ == "__main__":
    main()
