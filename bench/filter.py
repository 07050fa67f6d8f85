"""Benchmark: from a ward-filter change to the page repainted, in Chromium, per page.

For each page: open it, then pick a ward in the sidebar's Wards box (typing its name and pressing
Enter, as a person does) and time until the rerun has finished and every chart has drawn again.
Each run adds a different ward, so every change is a real rerun. Median of ``--runs``.

    .venv/bin/python bench/filter.py --runs 3
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser helpers the Playwright tests use

from browsing import VIEWPORT, chromium, demo_server, open_page, wait_idle  # noqa: E402

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
    start = time.perf_counter()
    option.click()
    tab.keyboard.press("Escape")
    tab.wait_for_url(re.compile("wards="), timeout=10_000)  # the choice is committed and the rerun asked for
    wait_idle(tab)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="*", default=PAGES, help="url paths (overview is the empty string)")
    args = parser.parse_args()
    print(f"date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"{'page':26} {'median s':>9} {'min':>6} {'max':>6}  target {TARGET_S:g} s")
    with tempfile.TemporaryDirectory() as folder, demo_server(Path(folder)) as url, chromium() as browser:
        for path in args.pages:
            times = []
            for run in range(args.runs):
                tab = browser.new_context(viewport=VIEWPORT).new_page()
                open_page(tab, f"{url}/{path}")
                times.append(change_time(tab, WARDS[run % len(WARDS)]))
                tab.context.close()
            median = statistics.median(times)
            print(f"{path or 'overview':26} {median:9.2f} {min(times):6.2f} {max(times):6.2f}  "
                  f"{'PASS' if median <= TARGET_S else 'MISS'}")


if __name__ == "__main__":
    main()
