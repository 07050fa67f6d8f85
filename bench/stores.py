"""The stores the benchmarks run against, built through the normal command-line path.

``maidstone(folder)``: the demonstration dataset (``smp-dash demo``), the borough scale.
``kent(folder)``: the county scale: the demonstration, then synthetic police.uk street files,
a Kent Police crimes extract, service requests and ward populations for all 13 Kent and
Medway districts (``smp_dash.demo.kent``), each loaded with ``smp-dash ingest … --demo``.
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


def kent(folder: Path, crimes: int = 1_300_000, *, quiet: bool = False) -> Path:
    """A county-scale store (``crimes`` crimes plus ASB and service requests); returns its path."""
    from smp_dash.demo import kent as county

    folder = Path(folder)
    store = folder / "store-kent"
    start = time.perf_counter()
    paths = county.write_sources(folder / "kent-sources", crimes)
    _say(quiet, f"county-scale source files written in {time.perf_counter() - start:.0f} s")
    steps = [["demo"],
             ["ingest", "police-uk", str(paths["police_uk"]), "--lad", KENT_LAD, "--demo"],
             ["ingest", "crimes", str(paths["crimes"]), "--demo"],
             ["ingest", "service_requests", str(paths["service_requests"]), "--demo"],
             ["ingest", "population", str(paths["population"]), "--demo"]]
    for step in steps:
        start = time.perf_counter()
        if cli.main(["--data-dir", str(store), *step]) != 0:
            raise RuntimeError(f"smp-dash {' '.join(step)} failed")
        _say(quiet, f"smp-dash {' '.join(step[:2])}: {time.perf_counter() - start:.0f} s")
    return store


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, flush=True)
