"""Benchmark: what the store's check costs the app: every file of the data in use held to the
SHA-256 and rows the manifest records, once per data version (``store.read_pages``).

Prints the files and bytes checked, the one-off check (each file hashed: the first load of a data
version; median of ``--runs`` with what was remembered forgotten), the same check once remembered
(a stat per file: a later load of the same files), and ``store.read_pages`` with and without the
check, so the share of the first load it takes. A warm rerun of a page reads nothing (the bundle
is cached per data version), so it pays neither.

    .venv/bin/python bench/store_check.py [--store DIR] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import stores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from smp_dash import schema, store

    with tempfile.TemporaryDirectory() as folder:
        data = args.store or stores.maidstone(folder)
        manifest = store._manifest(data)
        entries = {name: entry for name in schema.DATASETS if (entry := store._current(manifest, name))}
        files = [data / f for entry in entries.values() for f in store._files(entry)]
        size = sum(f.stat().st_size for f in files)
        print(f"store {data}: {len(files)} files in use, {size / 1e6:,.1f} MB "
              f"(crimes rows {(data / entries['crimes']['file']).stat().st_size / 1e6:,.1f} MB)")

        def check() -> None:
            for name, entry in entries.items():
                store._checked(data, name, entry)
                if entry.get("cube"):
                    store._checked(data, name, entry, cube=True)

        def forgotten(work) -> float:
            store._CHECKED.clear()
            start = time.perf_counter()
            work()
            return time.perf_counter() - start

        def remembered(work) -> float:
            work()
            start = time.perf_counter()
            work()
            return time.perf_counter() - start

        check()   # the files in the page cache, as on a server that has just written or read them
        cold = statistics.median(forgotten(check) for _ in range(args.runs))
        warm = statistics.median(remembered(check) for _ in range(args.runs))
        load_cold = statistics.median(forgotten(lambda: store.read_pages(data)) for _ in range(args.runs))
        load_warm = statistics.median(remembered(lambda: store.read_pages(data)) for _ in range(args.runs))
        print(f"check, each file hashed (first load of a version): {cold * 1000:8.1f} ms  "
              f"({size / 1e6 / cold:,.0f} MB/s)")
        print(f"check, remembered (a stat per file):               {warm * 1000:8.2f} ms")
        print(f"read_pages with the one-off check:                 {load_cold * 1000:8.1f} ms")
        print(f"read_pages with the check remembered:              {load_warm * 1000:8.1f} ms  "
              f"(the check is {(load_cold - load_warm) / load_cold:.0%} of the first load)")


if __name__ == "__main__":
    main()
