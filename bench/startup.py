"""Benchmark: cold start to the first page fully rendered in Chromium.

Each run starts a new ``streamlit run`` process over an existing demonstration store and times
from process start to the overview page having drawn every chart in a fresh browser (server
start, first session, data load and cube building, first render). The browser is launched
before the clock starts. Prints each run, the median and the target (3 s at borough scale, issue
13; ``--target 5`` for the county over ten years), then the same for the naive baseline
(``naive_app.py``) and the ratio. Each run also prints the CPU seconds the server process used
until the page was drawn (its own work: imports, data, first run), which a busy machine inflates
far less than the wall-clock time.

    .venv/bin/python bench/startup.py --runs 5
    .venv/bin/python bench/startup.py --runs 3 --store DIR --lad all --no-naive --target 5   # a county store (bench/stores.py)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser helpers the Playwright tests use

from browsing import SERVERS, VIEWPORT, chromium, open_page, serve  # noqa: E402

TARGET_S = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store", type=Path, default=None, help="a store to serve (default: a fresh demonstration)")
    parser.add_argument("--lad", default=None, help="SMP_LAD_CODE for the server (all: every Kent ward)")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    parser.add_argument("--target", type=float, default=TARGET_S, help="seconds (default: %(default)s)")
    args = parser.parse_args()
    from smp_dash import cli

    print(f"date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    env = {"SMP_LAD_CODE": args.lad} if args.lad else {}
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        store = args.store
        if store is None:
            store = Path(folder) / "store"
            assert cli.main(["--data-dir", str(store), "demo"]) == 0
        ours = _cold_starts("SMP Dash", browser, store, Path(folder), "app.py", args.runs, env, args.target)
        if args.no_naive:
            return
        naive = _cold_starts("naive baseline", browser, store, Path(folder), "bench/naive_app.py", args.runs, env,
                             args.target)
    print(f"naive baseline / SMP Dash: {naive / ours:.2f}x")


def _cold_starts(label: str, browser, store: Path, folder: Path, script: str, runs: int, env: dict,
                 target: float) -> float:
    times, cpu = [], []
    for run in range(runs):
        start = time.perf_counter()
        with serve(store, folder / f"streamlit-{run}.log", script, env=env) as url:
            context = browser.new_context(viewport=VIEWPORT)
            open_page(context.new_page(), f"{url}/")
            times.append(time.perf_counter() - start)
            cpu.append(_cpu_s(SERVERS[url].pid))
            context.close()
        print(f"  {label} run {run + 1}: {times[-1]:.2f} s (server CPU {cpu[-1]:.2f} s)", flush=True)
    median = statistics.median(times)
    print(f"{label}: cold start to first rendered page: median {median:.2f} s over {len(times)} runs "
          f"(min {min(times):.2f}, max {max(times):.2f}; server CPU median {statistics.median(cpu):.2f} s); "
          f"target {target:g} s: {'PASS' if median <= target else 'MISS'}; load average "
          f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return median


def _cpu_s(pid: int) -> float:
    """User and system CPU seconds process ``pid`` has used (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

if __name__ == "__main__":
    main()
