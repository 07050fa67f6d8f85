"""Benchmark: warm rerun time of every page, and a new view, against a naive Streamlit crime dashboard.

A rerun is what a partner waits for after touching a widget. Each page of ``app.py`` runs
under ``AppTest``: one warm-up run after ``switch_page``, then ``--runs`` timed ``at.run()``
calls (a warm rerun: the same view again), then ``--runs`` timed changes of the ward filter to
a view not viewed before on any page in this process (each a pair of wards never chosen before;
issue 22's "new view", what choosing a ward costs). Two scales (``stores.py``): Maidstone (the
demonstration dataset, ~100,000 crimes; targets 60 ms a rerun, 100 ms a new view) and Kent (all 13 districts, 1.3 million crimes plus ASB
and service requests, ingested through ``smp-dash ingest``, or the county over ten years with
``--kent-store``; targets 100 ms and 200 ms, issue 22).

The naive baseline (``naive_app.py``) does the overview's core work and one ward map the way
most Streamlit crime dashboards do it: read the Parquet files with pandas on every rerun (or
keep them in ``st.cache_data``, which hands each rerun a fresh copy of every frame), filter by
ward, group, and build the figures. It runs under the same ``AppTest`` harness, so both include
its overhead.

    .venv/bin/python bench/pages.py [--runs 7] [--scales maidstone kent] [--kent-store DIR] [--pages morile ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import stores

ROOT = Path(__file__).resolve().parents[1]
TARGETS_MS = {"maidstone": 60.0, "kent": 100.0}
#: A change to a view not viewed before (issue 22).
NEW_VIEW_TARGETS_MS = {"maidstone": 100.0, "kent": 200.0}
#: Every page of the app (pages/), by name.
PAGES = {p.stem: f"pages/{p.name}" for p in sorted((Path(__file__).resolve().parents[1] / "pages").glob("*.py"))}

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed reruns per page (default 7)")
    parser.add_argument("--scales", nargs="+", choices=tuple(TARGETS_MS), default=list(TARGETS_MS))
    parser.add_argument("--kent-store", type=Path, default=None,
                        help="reuse a county-scale store built by bench/stores.py (default: build one)")
    parser.add_argument("--pages", nargs="+", choices=tuple(PAGES), default=list(PAGES),
                        help="time only these pages (default all; the naive baseline runs with the overview)")
    args = parser.parse_args(argv)
    # AppTest runs scripts outside a server, which Streamlit logs as a warning: not news here.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())
    _print_machine()
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="smp-bench-") as tmp:
            start = time.perf_counter()
            if scale == "kent":
                store = args.kent_store or stores.kent(Path(tmp))
                os.environ["SMP_LAD_CODE"] = stores.KENT_LAD
            else:
                store = stores.maidstone(Path(tmp))
                os.environ.pop("SMP_LAD_CODE", None)
            os.environ["SMP_DATA_DIR"] = str(store)
            print(f"{scale} store ready in {time.perf_counter() - start:.0f} s: {_sizes(store)}", flush=True)
            results, new = _time_pages(args.runs, args.pages)
            naive = {mode: _time_naive(mode, args.runs) for mode in ("read", "cache")} if "overview" in args.pages else {}
        _report_new(scale, new, args.runs)
        _report(scale, results, new, naive, args.runs)
    return 0


def _sizes(store: Path) -> str:
    import pyarrow.parquet as pq

    rows = {name: pq.ParquetFile(store / f"{name}.parquet").metadata.num_rows
            for name in ("crimes", "asb_incidents", "service_requests")}
    return ", ".join(f"{n:,} {name}" for name, n in rows.items())


def _report(scale: str, results, new, naive, runs: int) -> None:
    _table(f"\n{scale.capitalize()} scale: warm rerun per page, {runs} timed runs after one warm-up (AppTest)",
           results, TARGETS_MS[scale])
    overview = results.get("overview")
    if not naive:
        return
    print(f"Naive baseline at {scale} scale: the overview's core work, the usual way")
    labels = {"read": "pd.read_parquet + groupby on every rerun",
              "cache": "st.cache_data over whole frames (copied per rerun)"}
    for name, times in naive.items():
        if isinstance(times, str):
            print(f"  {labels[name]:52} ERROR {times}")
            continue
        for what, series, ours in (("warm", times[0], overview), ("new view", times[1], new.get("overview"))):
            med = statistics.median(series)
            ratio = f"{med / statistics.median(ours):4.1f}x SMP Dash's overview median" if isinstance(ours, list) else ""
            print(f"  {labels[name]:52} {what:8} median {med:7.1f} ms (min {min(series):.1f}, max {max(series):.1f}; "
                  f"CPU {_cpu(series).strip()} ms)  {ratio}")


def _report_new(scale: str, new, runs: int) -> None:
    _table(f"\n{scale.capitalize()} scale: a change to wards not viewed before, per page, {runs} timed changes "
           "(AppTest)", new, NEW_VIEW_TARGETS_MS[scale])


def _table(heading: str, results, target: float) -> None:
    """Per page: the median, least and most ms, the CPU ms and whether the median meets ``target``."""
    print(heading)
    print(f"{'page':26} {'median ms':>10} {'min':>8} {'max':>8} {'CPU ms':>8}  target {target:.0f} ms")
    for page, times in results.items():
        if isinstance(times, str):
            print(f"{page:26} {'ERROR':>10} {'':>8} {'':>8}  {times}")
            continue
        med = statistics.median(times)
        print(f"{page:26} {med:10.1f} {min(times):8.1f} {max(times):8.1f} {_cpu(times)}  "
              f"{'PASS' if med <= target else 'MISS'}")


def _time_pages(runs: int, pages) -> tuple[dict[str, list[float] | str], dict[str, list[float] | str]]:
    from itertools import combinations

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    start = time.perf_counter()
    at.run()
    print(f"first (cold) run of app.py: {(time.perf_counter() - start) * 1000:.0f} ms")
    results: dict[str, list[float] | str] = {}
    new: dict[str, list[float] | str] = {}
    unseen = None     # pairs of wards no page has shown yet
    for page, path in ((page, PAGES[page]) for page in pages):
        at.switch_page(path)
        at.run()
        if at.exception:
            results[page] = new[page] = at.exception[0].message.splitlines()[0][:100]
            continue
        results[page] = _timed(at, runs)
        wards = at.multiselect(key="wards")
        unseen = unseen or combinations(wards.options, 2)
        new[page] = _timed_changes(at, runs, unseen)
        at.multiselect(key="wards").set_value([])     # the next page opens on the whole borough
        at.run()
    return results, new


def _timed_changes(at, runs: int, unseen) -> list[float] | str:
    times = []
    for _ in range(runs):
        at.multiselect(key="wards").set_value(list(next(unseen)))
        with _clock(times):
            at.run()
        if at.exception:
            return at.exception[0].message.splitlines()[0][:100]
    return times


def _time_naive(mode: str, runs: int) -> tuple[list[float], list[float]] | str:
    from streamlit.testing.v1 import AppTest

    from itertools import combinations

    os.environ["NAIVE_MODE"] = mode
    at = AppTest.from_file(str(ROOT / "bench" / "naive_app.py"), default_timeout=120)
    at.run()
    if at.exception:
        return at.exception[0].message.splitlines()[0][:100]
    warm = _timed(at, runs)
    new = _timed_changes(at, runs, combinations(at.multiselect(key="wards").options, 2))
    return warm if isinstance(new, str) else (warm, new)


def _timed(at, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with _clock(times):
            at.run()
    return times


class _clock:
    """Times what runs inside it into ``times``: the wall-clock ms, and in :data:`CPU_MS` the CPU ms this
    process spent (every thread: AppTest runs the script in one of its own), which other work on a
    shared machine inflates far less."""

    def __init__(self, times: list[float]):
        self.times = times

    def __enter__(self):
        self.start, self.cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc):
        self.times.append((time.perf_counter() - self.start) * 1000)
        CPU_MS.setdefault(id(self.times), []).append((time.process_time() - self.cpu) * 1000)


#: CPU ms of each timed run, by the id of the list of its wall-clock times.
CPU_MS: dict[int, list[float]] = {}


def _cpu(times: list[float]) -> str:
    cpu = CPU_MS.get(id(times))
    return f"{statistics.median(cpu):8.1f}" if cpu else f"{'':>8}"


def _print_machine() -> None:
    import streamlit

    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.split(":")[0].strip() in ("model name", "Model", "Hardware"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine: {cores} cores (nproc), {model}, {platform.machine()}; load average {load}")
    print(f"Python {platform.python_version()}, Streamlit {streamlit.__version__}")


if __name__ == "__main__":
    sys.exit(main())
