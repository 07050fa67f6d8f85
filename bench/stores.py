"""The stores the benchmarks run against, built through the normal command-line path.

``maidstone(folder)``: the demonstration dataset (``smp-dash demo``), the borough scale.
``kent(folder)``: the county scale: the demonstration, then synthetic police.uk street files,
a Kent Police crimes extract, service requests and ward populations for all 13 Kent and
Medway districts (``smp_dash.demo.kent``), each loaded with ``smp-dash ingest … --demo``.
``kent(folder, 2_500_000, years=(2015, 2025))``: ten years of the county, about 2.5 million
crimes (``python bench/stores.py kent10 DIR`` builds it once for the other benchmarks to reuse).
Serve it with ``SMP_LAD_CODE=all`` so the app offers all 305 wards.
"""

from __future__ import annotations

import time
from pathlib import Path

from smp_dash import cli

KENT_LAD = "all"


def maidstone(folder: Path) -> Path:
    """A store holding the demonstration dataset; returns its path."""
    store = Path(folder) / "store-maidstone"
    if cli.main(["--data-dir", str(store), "demo"]) != 0:
        raise RuntimeError("smp-dash demo failed")
    return store


def kent(folder: Path, crimes: int = 1_300_000, *, quiet: bool = False, years: tuple[int, int] | None = None) -> Path:
    """A county-scale store (``crimes`` crimes plus ASB and service requests, over ``years``,
    first and last, or the demonstration's months); returns its path."""
    from smp_dash.demo import kent as county

    folder = Path(folder)
    store = folder / ("store-kent" if years is None else f"store-kent-{years[0]}-{years[1]}")
    start = time.perf_counter()
    paths = county.write_sources(folder / "kent-sources", crimes, years=years)
    _say(quiet, f"county-scale source files written in {time.perf_counter() - start:.0f} s")
    steps = [["demo"],
             ["ingest", "police-uk", str(paths["police_uk"]), "--lad", KENT_LAD, "--demo"],
             ["ingest", "crimes", str(paths["crimes"]), "--lad", KENT_LAD, "--demo"],
             ["ingest", "service_requests", str(paths["service_requests"]), "--lad", KENT_LAD, "--demo"],
             ["ingest", "population", str(paths["population"]), "--lad", KENT_LAD, "--demo"]]
    for step in steps:
        start = time.perf_counter()
        if cli.main(["--data-dir", str(store), *step]) != 0:
            raise RuntimeError(f"smp-dash {' '.join(step)} failed")
        _say(quiet, f"smp-dash {' '.join(step[:2])}: {time.perf_counter() - start:.0f} s")
    return store


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, flush=True)


#: The stores ``python bench/stores.py NAME DIR`` builds.
BUILDS = {"maidstone": maidstone, "kent": kent,
          "kent10": lambda folder: kent(folder, 2_500_000, years=(2015, 2025))}

if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Build a benchmark store under DIR and print its path.")
    parser.add_argument("name", choices=tuple(BUILDS))
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    built = BUILDS[args.name](args.folder)
    print(f"{built} built in {time.perf_counter() - start:.0f} s")
