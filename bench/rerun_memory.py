"""Diagnostic: what one warm rerun of a page allocates at its peak, and where.

A server's peak memory with many sessions at once is about its steady state plus the peak one
rerun allocates times the reruns running at the same moment (``bench/sessions.py``). This runs
a page twice in one process without a server (Streamlit's bare mode: widgets are no-ops, the
caches work), traces the second run's allocations (``tracemalloc``: numpy and Python objects;
not Arrow's own allocator) and prints its peak and the allocation sites of this project's code
held at the largest point.

    .venv/bin/python bench/rerun_memory.py --store DIR --lad all [--page overview]
"""

from __future__ import annotations

import argparse
import logging
import os
import runpy
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--lad", default=None, help="SMP_LAD_CODE (all: every Kent ward)")
    parser.add_argument("--page", default="overview", help="a page under pages/")
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args()
    os.environ["SMP_DATA_DIR"] = str(args.store)
    if args.lad:
        os.environ["SMP_LAD_CODE"] = args.lad
    logging.disable(logging.WARNING)   # bare mode warns on every widget
    page = str(ROOT / "pages" / f"{args.page}.py")
    runpy.run_path(page)   # loads the bundle and fills the caches: the rerun below is a warm one
    tracemalloc.start(40)
    largest = [0, None]

    def watch(frame, event, arg):   # a snapshot each time the traced total grows by 2 MB
        if event == "return":
            now, _ = tracemalloc.get_traced_memory()
            if now > largest[0] + 2 * 2**20:
                largest[:] = [now, tracemalloc.take_snapshot()]

    sys.setprofile(watch)
    runpy.run_path(page)
    sys.setprofile(None)
    _, peak = tracemalloc.get_traced_memory()
    print(f"{args.page}, warm rerun: traced peak {peak / 2**20:.1f} MB")
    if largest[1] is None:
        return
    print(f"held at {largest[0] / 2**20:.1f} MB, largest sites (this project's frames):")
    for stat in largest[1].statistics("traceback")[:args.top]:
        ours = [f"{Path(f.filename).name}:{f.lineno}" for f in stat.traceback
                if "smp_dash" in f.filename or f.filename == page]
        print(f"  {stat.size / 2**20:5.1f} MB  {' > '.join(ours)}")


if __name__ == "__main__":
    main()
