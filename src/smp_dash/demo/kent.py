"""Synthetic Kent-and-Medway data at county scale, written in the real input formats.

For load and speed testing only: one deployment serving all thirteen Kent and Medway
partnerships must cope with roughly 1.3 million crimes over January 2015 to March 2021, and
with about 2.5 million over ten years (``years=(2015, 2025)``: January 2015 to December 2025).
:func:`write_sources` writes what such a deployment would be given, so the data goes in
through the normal path (``smp-dash ingest``) and nothing is special-cased for benchmarks:

    police-uk/YYYY-MM/YYYY-MM-kent-street.csv   police.uk street-level files (crimes and ASB)
    kent-police-crimes.csv                      the same crimes as a Kent Police extract in the
                                                crimes template (domestic abuse and hate flags,
                                                which police.uk files do not carry)
    service-requests.csv                        Community Protection service requests template
    population.csv                              ward population template

The mix of each record (month, crime type, flags, request category) is resampled from the
Maidstone demonstration dataset; places are uniform random points inside real 2011 LSOAs of
every district, assigned to wards as ingest would. Every number is invented: every file's
``source`` column and the ingest's ``--demo`` flag say so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import shapely

from smp_dash import geo

SEED = 13
#: Default size: at least 1.3 million crimes, as the county-scale targets require.
CRIMES = 1_300_000
SOURCE = "synthetic test data (invented)"
STREETS = ("High Street", "Station Road", "Church Lane", "London Road", "Park Road", "Parking Area",
           "Supermarket", "Sports/Recreation Area", "Shopping Area", "Petrol Station")
OUTCOMES = ("Investigation complete; no suspect identified", "Unable to prosecute suspect",
            "Under investigation", "Offender given a caution", "Awaiting court outcome")
#: Illustrative people per 2011 LSOA, for the ward population template.
PEOPLE_PER_LSOA = 1_650


def build(crimes: int = CRIMES, *, seed: int = SEED, pattern: dict[str, pd.DataFrame] | None = None,
          geo_dir=None, years: tuple[int, int] | None = None) -> dict[str, pd.DataFrame]:
    """Kent-wide crimes, ASB, service requests and ward populations, as contract frames.

    ``pattern`` is the borough dataset whose mix is resampled (default: the Maidstone
    demonstration); ASB and service requests keep its ratio to crimes. ``years`` (first, last)
    spreads the records over January of the first to December of the last year, each month
    drawn from the pattern's same calendar month of one of its whole years (default: the
    pattern's own months).
    """
    if pattern is None:
        from smp_dash import demo

        pattern = demo.build()
    if years is not None:
        pattern = _over_years(pattern, *years)
    rng = np.random.default_rng(seed)
    wards, lsoas = geo.load_wards("all", geo_dir), geo.load_lsoas("all", geo_dir)
    scale = crimes / len(pattern["crimes"])
    out = {}
    for name, columns in (("crimes", ["month", "crime_type", "offence_subgroup", "domestic_abuse", "hate_strand"]),
                          ("asb_incidents", ["month"]),
                          ("service_requests", ["received", "category", "subcategory"])):
        n = crimes if name == "crimes" else round(len(pattern[name]) * scale)
        take = np.sort(rng.integers(0, len(pattern[name]), n))    # sorted: the pattern is in date order
        frame = pattern[name][columns].iloc[take].reset_index(drop=True)
        out[name] = _place(frame, wards, lsoas, rng)
    year = out["crimes"]["month"].dt.year.astype(str).to_numpy(dtype=object)
    out["crimes"].insert(0, "crime_id", "KP-" + year + "-" + pd.Series(np.arange(crimes)).map("{:07d}".format))
    out["crimes"] = out["crimes"].drop(columns=["lsoa_name"])
    out["asb_incidents"] = out["asb_incidents"].drop(columns=["lsoa_name"])
    out["service_requests"] = out["service_requests"].drop(columns=["lsoa_code", "lsoa_name", "location"])
    for frame in out.values():
        frame["source"] = SOURCE
    out["population"] = _population(wards, lsoas, range(years[0], years[1] + 1) if years else range(2015, 2021))
    # police.uk publishes its own crime identifiers: a 64-hex-digit hash per crime
    out["police_uk_id"] = np.frombuffer(rng.bytes(32 * crimes).hex().encode(), dtype="S64").astype(str)
    out["lsoa_names"] = lsoas[["lsoa_code", "lsoa_name"]]
    return out


def write_sources(folder: Path | str, crimes: int = CRIMES, *, seed: int = SEED,
                  pattern: dict[str, pd.DataFrame] | None = None, geo_dir=None,
                  years: tuple[int, int] | None = None) -> dict[str, Path]:
    """Write the county's data in the real formats under ``folder``; return the paths by kind."""
    folder = Path(folder)
    frames = build(crimes, seed=seed, pattern=pattern, geo_dir=geo_dir, years=years)
    paths = {"police_uk": _write_police_uk(folder / "police-uk", frames),
             "crimes": folder / "kent-police-crimes.csv",
             "service_requests": folder / "service-requests.csv",
             "population": folder / "population.csv"}
    for name in ("crimes", "service_requests", "population"):
        _write_csv(frames[name], paths[name])
    return paths


def points_in(polygons: np.ndarray, pick: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """A uniform random point inside each picked polygon: vectorised rejection sampling."""
    shapely.prepare(polygons)
    bounds = shapely.bounds(polygons)[pick]
    lon = np.empty(pick.size)
    lat = np.empty(pick.size)
    todo = np.arange(pick.size)
    while todo.size:
        b = bounds[todo]
        x = b[:, 0] + rng.random(todo.size) * (b[:, 2] - b[:, 0])
        y = b[:, 1] + rng.random(todo.size) * (b[:, 3] - b[:, 1])
        inside = shapely.contains_xy(polygons[pick[todo]], x, y)
        lon[todo[inside]], lat[todo[inside]] = x[inside], y[inside]
        todo = todo[~inside]
    return lon, lat


def _place(frame: pd.DataFrame, wards, lsoas, rng) -> pd.DataFrame:
    """Give each row a random point inside a random Kent LSOA, its LSOA and its ward."""
    pick = rng.integers(0, len(lsoas), len(frame))
    lon, lat = points_in(lsoas.geometry.to_numpy(), pick, rng)
    lon, lat = np.round(lon, 6), np.round(lat, 6)
    ward = geo.assign_areas(lon, lat, wards, "ward_code")
    missing = pd.isna(ward)   # a rounded point just outside every generalised ward: best fit
    ward[missing] = lsoas["best_fit_ward_code"].to_numpy(dtype=object)[pick[missing]]
    return frame.assign(
        longitude=lon, latitude=lat,
        location="On or near " + np.asarray(STREETS, dtype=object)[rng.integers(0, len(STREETS), len(frame))],
        lsoa_code=lsoas["lsoa_code"].to_numpy(dtype=object)[pick],
        lsoa_name=lsoas["lsoa_name"].to_numpy(dtype=object)[pick],
        ward_code=ward)


def _over_years(pattern: dict[str, pd.DataFrame], first: int, last: int) -> dict[str, pd.DataFrame]:
    """The pattern's crimes, ASB and service requests repeated over ``first`` to ``last``: each
    target year is one of the pattern's whole years (in turn), its dates moved by whole years."""
    out = dict(pattern)
    for name, date in (("crimes", "month"), ("asb_incidents", "month"), ("service_requests", "received")):
        frame = pattern[name]
        year = frame[date].dt.year
        whole = sorted(y for y in year.unique() if frame.loc[year == y, date].dt.month.nunique() == 12)
        parts = []
        for n, target in enumerate(range(first, last + 1)):
            source = whole[n % len(whole)]
            part = frame[year == source]
            parts.append(part.assign(**{date: part[date] + pd.DateOffset(years=target - source)}))
        out[name] = pd.concat(parts, ignore_index=True)
    return out


def _population(wards, lsoas, years) -> pd.DataFrame:
    per_ward = lsoas.groupby("best_fit_ward_code").size().reindex(wards["ward_code"], fill_value=1)
    return pd.DataFrame({
        "ward_code": np.tile(per_ward.index.to_numpy(), len(years)),
        "year": np.repeat(list(years), len(per_ward)),
        "population": np.tile(per_ward.to_numpy() * PEOPLE_PER_LSOA, len(years)),
        "source": SOURCE})


def _write_police_uk(folder: Path, frames: dict[str, pd.DataFrame]) -> Path:
    """Crimes and ASB as police.uk's monthly street-level files for the Kent Police force."""
    names = dict(zip(frames["lsoa_names"]["lsoa_code"], frames["lsoa_names"]["lsoa_name"]))
    crimes, asb = frames["crimes"], frames["asb_incidents"]
    rows = pd.concat([
        crimes.assign(**{"Crime ID": frames["police_uk_id"], "Crime type": crimes["crime_type"],
                         "Last outcome category": np.asarray(OUTCOMES, dtype=object)[
                             np.arange(len(crimes)) % len(OUTCOMES)]}),
        asb.assign(**{"Crime ID": "", "Crime type": "Anti-social behaviour", "Last outcome category": ""}),
    ], ignore_index=True).sort_values("month", kind="stable")
    labels = rows["month"].dt.strftime("%Y-%m").to_numpy(dtype=object)
    table = pa.table({
        "Crime ID": rows["Crime ID"].to_numpy(dtype=object), "Month": labels,
        "Reported by": np.full(len(rows), "Kent Police", dtype=object),
        "Falls within": np.full(len(rows), "Kent Police", dtype=object),
        "Longitude": rows["longitude"].to_numpy(), "Latitude": rows["latitude"].to_numpy(),
        "Location": rows["location"].to_numpy(dtype=object),
        "LSOA code": rows["lsoa_code"].to_numpy(dtype=object),
        "LSOA name": rows["lsoa_code"].map(names).to_numpy(dtype=object),
        "Crime type": rows["Crime type"].to_numpy(dtype=object),
        "Last outcome category": rows["Last outcome category"].to_numpy(dtype=object),
        "Context": np.full(len(rows), "", dtype=object),
    })
    months, starts = np.unique(labels, return_index=True)
    ends = list(starts[1:]) + [len(labels)]
    options = pcsv.WriteOptions(quoting_style="needed")
    for label, start, end in zip(months, starts, ends):
        target = folder / label / f"{label}-kent-street.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        pcsv.write_csv(table.slice(start, end - start), target, options)
    return folder


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A partner template file: ISO dates, lower-case booleans, blanks for missing values."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = np.where(out[col].to_numpy(dtype=bool), "true", "false")
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(out, preserve_index=False)
    pcsv.write_csv(table, path, pcsv.WriteOptions(quoting_style="needed"))
