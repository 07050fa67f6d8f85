"""Benchmark: police.uk ingest for Maidstone from Kent-wide street files.

Generates ``--rows`` synthetic rows in police.uk's exact street-level format across all of Kent
and Medway (points drawn inside real 2011 LSOAs), writes them as
``YYYY-MM/YYYY-MM-kent-street.csv`` (or a zip with ``--zip``), then times
``read_police_uk`` for Maidstone against a naive baseline: pandas' default CSV engine and a
per-row shapely point-in-polygon loop via ``.apply``, timed on a sample and scaled.

    .venv/bin/python bench/ingest.py --rows 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
from shapely.geometry import Point

from smp_dash import geo, schema
from smp_dash.demo.kent import points_in
from smp_dash.sources.police_uk import ASB, read_police_uk

MAIDSTONE = "E07000110"
STREETS = ("High Street", "Week Street", "Union Street", "Tonbridge Road", "London Road",
           "Parking Area", "Supermarket", "Sports/Recreation Area", "Shopping Area", "Petrol Station")
OUTCOMES = ("Investigation complete; no suspect identified", "Unable to prosecute suspect",
            "Under investigation", "Offender given a caution", "Awaiting court outcome")


def generate(rows: int, folder: Path, seed: int, months: int = 12, as_zip: bool = False) -> list[Path]:
    """Write ``rows`` police.uk rows spread over ``months`` monthly files; return the files."""
    rng = np.random.default_rng(seed)
    lsoas = geo.load_lsoas("all")
    pick = rng.integers(0, len(lsoas), rows)
    lon, lat = points_in(lsoas.geometry.to_numpy(), pick, rng)
    is_asb = rng.random(rows) < 0.03
    blank_xy = rng.random(rows) < 0.01
    keep_lsoa = ~blank_xy | (rng.random(rows) < 0.5)   # half the rows without a point keep their LSOA
    lsoa_code = np.where(keep_lsoa, lsoas["lsoa_code"].to_numpy(dtype=object)[pick], "")
    lsoa_name = np.where(keep_lsoa, lsoas["lsoa_name"].to_numpy(dtype=object)[pick], "")
    ids = np.frombuffer(rng.bytes(32 * rows).hex().encode(), dtype="S64").astype(str).astype(object)
    ids[is_asb] = ""
    crime_type = np.asarray(schema.CRIME_TYPES, dtype=object)[rng.integers(0, 13, rows)]
    crime_type[is_asb] = ASB
    outcome = np.asarray(OUTCOMES, dtype=object)[rng.integers(0, len(OUTCOMES), rows)]
    outcome[is_asb] = ""
    location = "On or near " + np.asarray(STREETS, dtype=object)[rng.integers(0, len(STREETS), rows)]
    location[blank_xy] = "No Location"
    month_of = np.sort(rng.integers(0, months, rows))
    labels = [f"2020-{m + 1:02d}" if m < 12 else f"{2020 + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    table = pa.table({
        "Crime ID": ids, "Month": np.asarray(labels, dtype=object)[month_of],
        "Reported by": np.full(rows, "Kent Police", dtype=object),
        "Falls within": np.full(rows, "Kent Police", dtype=object),
        "Longitude": pa.array(np.round(lon, 6), mask=blank_xy),
        "Latitude": pa.array(np.round(lat, 6), mask=blank_xy),
        "Location": location, "LSOA code": lsoa_code, "LSOA name": lsoa_name,
        "Crime type": crime_type, "Last outcome category": outcome,
        "Context": np.full(rows, "", dtype=object),
    })
    bounds = np.searchsorted(month_of, np.arange(months + 1))
    written = []
    options = pcsv.WriteOptions(quoting_style="needed")
    for m, label in enumerate(labels):
        target = folder / label / f"{label}-kent-street.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        pcsv.write_csv(table.slice(bounds[m], bounds[m + 1] - bounds[m]), target, options)
        written.append(target)
    if as_zip:
        archive = folder.with_suffix(".zip")
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for file in written:
                zf.write(file, file.relative_to(folder).as_posix())
        return [archive]
    return written


def naive(sample: Path, wards) -> float:
    """Seconds for the naive approach on one CSV: default engine, shapely per row via apply."""
    codes = wards["ward_code"].tolist()
    polygons = list(wards.geometry)
    start = time.perf_counter()
    frame = pd.read_csv(sample)

    def ward_of(row):
        if pd.isna(row["Longitude"]) or pd.isna(row["Latitude"]):
            return None
        point = Point(row["Longitude"], row["Latitude"])
        return next((code for code, polygon in zip(codes, polygons) if polygon.contains(point)), None)

    frame["ward_code"] = frame.apply(ward_of, axis=1)
    frame = frame[frame["ward_code"].notna()]
    return time.perf_counter() - start


def _timed_reads(target: Path, wards, lsoas, repeat: int):
    """``read_police_uk`` ``repeat`` times: the last result and the seconds each read took."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = read_police_uk(target, wards=wards, lsoas=lsoas)
        timings.append(time.perf_counter() - start)
    return result, timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--sample", type=int, default=20_000, help="rows for the naive baseline")
    parser.add_argument("--zip", action="store_true", help="ingest a zip archive instead of a folder")
    args = parser.parse_args(argv)

    wards, lsoas = geo.load_wards(MAIDSTONE), geo.load_lsoas(MAIDSTONE)
    with tempfile.TemporaryDirectory(prefix="smp-bench-") as tmp:
        folder = Path(tmp) / "kent"
        start = time.perf_counter()
        files = generate(args.rows, folder, args.seed, as_zip=args.zip)
        size = sum(f.stat().st_size for f in files)
        print(f"generated      {args.rows:>12,} rows in {len(files)} file(s), {size / 1e6:,.0f} MB, "
              f"{time.perf_counter() - start:.1f} s")

        target = files[0] if args.zip else folder
        result, timings = _timed_reads(target, wards, lsoas, args.repeat)
        seconds = statistics.median(timings)
        fast = result.rows_read / seconds
        print(f"rows read      {result.rows_read:>12,}")
        print(f"rows kept      {result.crimes_kept + result.asb_kept:>12,}  "
              f"({result.crimes_kept:,} crimes, {result.asb_kept:,} ASB, "
              f"{result.assigned_by_lsoa:,} placed by LSOA)")
        print(f"outside        {result.outside_borough:>12,}   no location {result.no_location:,}")
        print(f"read_police_uk {seconds:>12.2f} s  median of {args.repeat} "
              f"({', '.join(f'{t:.2f}' for t in timings)})")
        print(f"               {fast:>12,.0f} rows/s")

        sample = Path(tmp) / "sample.csv"
        first = pd.read_csv(sorted(folder.rglob("*.csv"))[0], nrows=args.sample)
        first.to_csv(sample, index=False)
        naive_seconds = naive(sample, wards)
        slow = len(first) / naive_seconds
        print(f"naive          {naive_seconds:>12.2f} s  for {len(first):,} rows "
              f"(read_csv default engine + shapely per row via .apply)")
        print(f"               {slow:>12,.0f} rows/s; {args.rows / slow:,.0f} s scaled to "
              f"{args.rows:,} rows")
        print(f"speed-up       {fast / slow:>12.0f} x")

        # One deployment for the whole county keeps every row: all 305 wards, no early discard.
        result, timings = _timed_reads(target, geo.load_wards("all"), geo.load_lsoas("all"), args.repeat)
        seconds = statistics.median(timings)
        print(f"county-wide    {seconds:>12.2f} s  median of {args.repeat}, keeping "
              f"{result.crimes_kept + result.asb_kept:,} rows in 305 wards: "
              f"{result.rows_read / seconds:,.0f} rows/s ({result.rows_read / seconds / slow:.0f} x naive)")


if __name__ == "__main__":
    main()
