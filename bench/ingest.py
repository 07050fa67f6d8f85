"""Benchmark: police.uk ingest for Maidstone from Kent-wide street files.

Generates ``--rows`` synthetic rows in police.uk's exact street-level format across all of Kent
and Medway (points drawn inside real 2011 LSOAs), writes them as
``YYYY-MM/YYYY-MM-kent-street.csv`` (or a zip with ``--zip``), then times
``read_police_uk`` for Maidstone against a naive baseline: pandas' default CSV engine and a
per-row shapely point-in-polygon loop via ``.apply``, timed on a sample and scaled.

    .venv/bin/python bench/ingest.py --rows 1000000 --repeat 3

``--scales 1,10,100`` measures instead what one file costs at 1x, 10x and 100x a county year
(``--county-year`` rows, 80,000 by default: 100x is the 8 million rows of issue 20's finding):
one street CSV of that many rows, read through ``intake.preview`` as ``smp-dash ingest`` calls it
(the CSV's path) and as the Data page does (the zip's bytes, as Streamlit holds an upload), each
in a fresh process, printing the median seconds, rows per second, CPU seconds and peak memory
(VmHWM, and what the process held before reading), ``--runs`` times at each scale. ``--before
main`` (the default) runs the same with the reader of that git revision, in the same run, prints
the ratios and checks that both keep the same rows; ``--before-scales`` limits which scales it
reads (its memory grows with the file). ``--bomb`` times instead how each door refuses issue 20's
zip bomb (a few MB holding 1 GB of one row repeated).

    .venv/bin/python bench/ingest.py --scales 1,10,100 --runs 3,3,1
    .venv/bin/python bench/ingest.py --bomb
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
from shapely.geometry import Point

from smp_dash import cli, config, geo, intake, schema
from smp_dash.demo.kent import points_in
from smp_dash.sources.police_uk import ASB, COLUMNS, read_police_uk

MAIDSTONE = "E07000110"
#: A county year, in rows, for ``--scales`` (issue 20's scale: 100x is the finding's 8 million rows;
#: Kent's own street files hold about 220,000 a year).
COUNTY_YEAR = 80_000
ROOT = Path(__file__).resolve().parents[1]
STREETS = ("High Street", "Week Street", "Union Street", "Tonbridge Road", "London Road",
           "Parking Area", "Supermarket", "Sports/Recreation Area", "Shopping Area", "Petrol Station")
OUTCOMES = ("Investigation complete; no suspect identified", "Unable to prosecute suspect",
            "Under investigation", "Offender given a caution", "Awaiting court outcome")


def generate(rows: int, folder: Path, seed: int, months: int = 12, as_zip: bool = False) -> list[Path]:
    """Write ``rows`` police.uk rows spread over ``months`` monthly files; return the files."""
    rng = np.random.default_rng(seed)
    labels = [f"2020-{m + 1:02d}" if m < 12 else f"{2020 + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    table, month_of = _table(rows, rng, geo.load_lsoas("all"), labels)
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


def _table(rows: int, rng, lsoas, labels: list[str]) -> tuple[pa.Table, np.ndarray]:
    """``rows`` police.uk rows over the months ``labels``, in month order, and each row's month."""
    months = len(labels)
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
    return table, month_of


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
    parser.add_argument("--scales", default=None,
                        help="measure one file of these multiples of a county year instead, e.g. 1,10,100")
    parser.add_argument("--county-year", type=int, default=COUNTY_YEAR, help="rows in a county year")
    parser.add_argument("--runs", default="3,3,1", help="runs at each of --scales (the last repeats)")
    parser.add_argument("--before", default="main", help="git revision whose reader to compare ('' for none)")
    parser.add_argument("--before-scales", default=None, help="the scales to read with it (default all)")
    parser.add_argument("--bomb", action="store_true", help="time the refusal of a zip bomb by both doors")
    args = parser.parse_args(argv)
    if args.bomb:
        return bomb()
    if args.scales:
        return scales(args)

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



# What one file costs at 1x, 10x and 100x a county year (issue 20) -----------------------------

CHILD = """
import inspect, json, resource, sys, time
from pathlib import Path
from smp_dash import config, geo, intake
door, path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
wards, lsoas = geo.load_wards("E07000110"), geo.load_lsoas("E07000110")

def peak():
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))

def cpu():   # every thread's, user and system: what the read costs whatever else the machine runs
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime

before = peak()
data = path.read_bytes() if door == "page" else path   # Streamlit holds an upload in memory
options = {}
if door == "cli" and "max_bytes" in inspect.signature(intake.preview).parameters:
    options["max_bytes"] = config.MAX_INGEST_BYTES   # what smp-dash ingest passed before issue 20
start, started = time.perf_counter(), cpu()
try:
    result = intake.preview(data, path.name, intake.POLICE_UK, wards=wards, lsoas=lsoas, **options)
except ValueError as exc:
    print(json.dumps({"refused": str(exc).splitlines()[0], "seconds": time.perf_counter() - start,
                      "cpu": cpu() - started, "peak_mb": peak(), "before_mb": before}))
    sys.exit(0)
seconds, spent = time.perf_counter() - start, cpu() - started
for name, frame in result.frames.items():
    frame.to_parquet(out / f"{name}.parquet")
print(json.dumps({"seconds": seconds, "cpu": spent, "peak_mb": peak(), "before_mb": before,
                  "rows_read": result.rows_read, "kept": result.rows_accepted, "outside": result.rows_outside,
                  "rejected": result.rows_rejected}))
"""


def scales(args) -> None:
    """Print, for each scale, each door and each reader: median seconds, rows per second, peak
    memory; then the ratios to the reader of ``--before`` and whether both keep the same rows."""
    multiples = [int(m) for m in args.scales.split(",")]
    runs = [int(r) for r in args.runs.split(",")]
    before_scales = set(multiples if args.before_scales is None else
                        [int(m) for m in args.before_scales.split(",") if m])
    with tempfile.TemporaryDirectory(prefix="smp-bench-") as tmp:
        tmp = Path(tmp)
        readers = {"this": str(ROOT / "src")}
        if args.before:
            readers = {args.before: _checkout(args.before, tmp / "before"), **readers}
        print(f"{'scale':>5} {'rows':>11} {'door':>4} {'reader':>6} {'median s':>9} {'rows/s':>11} {'cpu s':>7} "
              f"{'peak MB':>8} {'before reading':>15}  runs")
        for k, multiple in enumerate(multiples):
            rows = multiple * args.county_year
            start = time.perf_counter()
            csv, archive = one_file(rows, tmp / f"{multiple}x", args.seed + k)
            over = (f" (over the {config.MAX_UPLOAD_BYTES // 2**20:,} MiB a browser may upload: the Data page "
                    "could not receive it)" if archive.stat().st_size > config.MAX_UPLOAD_BYTES else "")
            print(f"{multiple}x: {rows:,} rows in one street CSV of {csv.stat().st_size / 1e6:,.0f} MB, "
                  f"{archive.stat().st_size / 1e6:,.0f} MB zipped{over}; generated in "
                  f"{time.perf_counter() - start:.0f} s")
            for door, target in (("cli", csv), ("page", archive)):
                found = {}
                for reader, path in readers.items():
                    if reader != "this" and multiple not in before_scales:
                        continue
                    out = tmp / f"{multiple}x-{door}-{reader}"
                    out.mkdir()
                    times = [_child(door, target, path, out) for _ in range(runs[min(k, len(runs) - 1)])]
                    found[reader] = (times, out)
                    _line(multiple, rows, door, reader, times)
                _compare(found, args.before)
            for leftover in (csv, archive):
                leftover.unlink()


def bomb(unzipped: int = 1_000_000_000) -> None:
    """Issue 20's zip bomb: ``unzipped`` bytes of one police.uk row repeated, deflated to a few MB;
    prints how long each door, and ``smp-dash ingest``, takes to refuse it."""
    row = "abc,2020-05,Kent Police,Kent Police,0.5273,51.2692,On or near High Street,E01024371,Maidstone 012A,Robbery,,\n"
    block = (row * 100_000).encode()
    with tempfile.TemporaryDirectory(prefix="smp-bench-") as tmp:
        archive = Path(tmp) / "bomb.zip"
        start = time.perf_counter()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
                zf.open("2020-05/2020-05-kent-street.csv", "w", force_zip64=True) as member:
            member.write((",".join(COLUMNS) + "\n").encode())
            for _ in range(0, unzipped, len(block)):
                member.write(block)
        info = zipfile.ZipFile(archive).infolist()[0]
        print(f"zip bomb: {archive.stat().st_size / 1e6:,.1f} MB holding {info.file_size / 1e6:,.0f} MB "
              f"({info.file_size / info.compress_size:,.0f} times), made in {time.perf_counter() - start:.0f} s")
        wards, lsoas = geo.load_wards(MAIDSTONE), geo.load_lsoas(MAIDSTONE)
        for door, data in (("cli", archive), ("page", archive.read_bytes())):
            start = time.perf_counter()
            try:
                intake.preview(data, archive.name, intake.POLICE_UK, wards=wards, lsoas=lsoas)
                print(f"{door:>4}: ACCEPTED in {time.perf_counter() - start:.3f} s")
            except ValueError as exc:
                print(f"{door:>4}: refused in {time.perf_counter() - start:.3f} s: {exc}")
        start = time.perf_counter()
        code = cli.main(["--data-dir", str(Path(tmp) / "store"), "ingest", "police-uk", str(archive)])
        print(f"smp-dash ingest police-uk bomb.zip: exit {code} in {time.perf_counter() - start:.2f} s")


def one_file(rows: int, folder: Path, seed: int, batch: int = 1_000_000) -> tuple[Path, Path]:
    """One month's street CSV of ``rows`` rows across Kent (written ``batch`` rows at a time),
    and the same in a zip as police.uk serves it; returns both."""
    rng = np.random.default_rng(seed)
    lsoas = geo.load_lsoas("all")
    target = folder / "2020-01" / "2020-01-kent-street.csv"
    target.parent.mkdir(parents=True)
    writer = None
    for done in range(0, rows, batch):
        table, _ = _table(min(batch, rows - done), rng, lsoas, ["2020-01"])
        if writer is None:
            writer = pcsv.CSVWriter(target, table.schema, write_options=pcsv.WriteOptions(quoting_style="needed"))
        writer.write_table(table)
    writer.close()
    archive = folder / "kent.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.write(target, target.relative_to(folder).as_posix())
    return target, archive


def _checkout(revision: str, folder: Path) -> str:
    """``src/`` of ``revision`` in ``folder``; returns the path to import it from."""
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src"],
                         check=True, capture_output=True).stdout
    folder.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(folder, filter="data")
    return str(folder / "src")


def _child(door: str, target: Path, pythonpath: str, out: Path) -> dict:
    """One read in a fresh process (its peak memory is its own)."""
    env = {**os.environ, "PYTHONPATH": pythonpath, "SMP_GEO_DIR": str(config.geo_dir())}
    done = subprocess.run([sys.executable, "-c", CHILD, door, str(target), str(out)], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])


def _median(times: list[dict], key: str) -> float:
    return statistics.median(t[key] for t in times)


def _line(multiple: int, rows: int, door: str, reader: str, times: list[dict]) -> None:
    seconds, spent, peak, held = (_median(times, key) for key in ("seconds", "cpu", "peak_mb", "before_mb"))
    start = f"{multiple:>4}x {rows:>11,} {door:>4} {reader:>6} {seconds:>9.2f}"
    if "refused" in times[0]:
        print(f"{start} {'refused':>11} {spent:>7.2f} {peak:>8,.0f} {held:>15,.0f}  {times[0]['refused']}")
        return
    print(f"{start} {times[0]['rows_read'] / seconds:>11,.0f} {spent:>7.2f} {peak:>8,.0f} {held:>15,.0f}  "
          f"{len(times)}: " + ", ".join(f"{t['seconds']:.2f} s {t['peak_mb']:,.0f} MB" for t in times))


def _compare(found: dict, before: str) -> None:
    """The ratios of the two readers' medians, and whether they keep the same rows."""
    if before not in found or "this" not in found:
        return
    (old, old_out), (new, new_out) = found[before], found["this"]
    if "refused" in old[0] or "refused" in new[0]:
        return
    counts = ("rows_read", "kept", "outside", "rejected")
    same = all(old[0][c] == new[0][c] for c in counts)
    for name in ("crimes", "asb_incidents"):
        a, b = old_out / f"{name}.parquet", new_out / f"{name}.parquet"
        same = same and a.exists() == b.exists() and (not a.exists() or pd.read_parquet(a).equals(pd.read_parquet(b)))
    print(f"{'':>5} {before} / this: time {_median(old, 'seconds') / _median(new, 'seconds'):.2f}x, "
          f"cpu {_median(old, 'cpu') / _median(new, 'cpu'):.2f}x, "
          f"peak memory {_median(old, 'peak_mb') / _median(new, 'peak_mb'):.1f}x; "
          f"same rows kept and counted: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
