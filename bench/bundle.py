"""Benchmark: loading the data every page reads, from the cubes the store wrote at commit
against reading every row and cubing it (what the app did before the store kept cubes).

Each way runs in a fresh Python process (imports done before the clock starts), so its peak
memory (VmHWM) is its own: ``bundle.from_store`` over the store, then the same bundle built by
``bundle.build(store.read_all(...))``. Prints seconds and peak MB for each, and the ratios.

    .venv/bin/python bench/bundle.py [--store DIR --lad all] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import stores

CHILD = """
import json, sys, time
from pathlib import Path
from smp_dash import bundle, config, geo, store
folder, lad, way = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
if way == "cubes":
    data = bundle.from_store(folder, config.geo_dir(), lad)
else:
    frames = store.read_all(folder)
    wards = geo.load_wards(lad, config.geo_dir())
    data = bundle.build(frames, wards, provenance={n: store.provenance(n, folder) for n in frames},
                        demo=store.is_demo(folder))
seconds = time.perf_counter() - start
peak = next(int(l.split()[1]) / 1024 for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_mb": peak, "crimes_cube_rows": len(data.crimes)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--lad", default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from smp_dash import config, store

    with tempfile.TemporaryDirectory() as folder:
        data = args.store or stores.maidstone(folder)
        lad = args.lad or config.lad_code()
        rows = {name: (store.provenance(name, data) or {}).get("rows", 0) for name in store.CUBES}
        print("store: " + ", ".join(f"{n:,} {name}" for name, n in rows.items()))
        results = {}
        for way in ("cubes", "rows"):
            runs = [json.loads(subprocess.run([sys.executable, "-c", CHILD, str(data), lad, way], check=True,
                                              capture_output=True, text=True).stdout.splitlines()[-1])
                    for _ in range(args.runs)]
            results[way] = {k: statistics.median(r[k] for r in runs) for k in ("seconds", "peak_mb")}
            print(f"{'from the cubes (now)' if way == 'cubes' else 'reading every row (before)':28} "
                  f"median {results[way]['seconds']:6.2f} s, peak {results[way]['peak_mb']:7.0f} MB "
                  f"over {args.runs} runs (crimes cube {runs[0]['crimes_cube_rows']:,} rows)", flush=True)
    print(f"every row / cubes: {results['rows']['seconds'] / results['cubes']['seconds']:.1f}x the time, "
          f"{results['rows']['peak_mb'] / results['cubes']['peak_mb']:.1f}x the peak memory")


if __name__ == "__main__":
    main()
