"""Small, exact input files for the journey tests: police.uk street files and partner templates.

Every row is placed at a point inside a real Maidstone ward (checked against the boundaries after
rounding, as police.uk writes six decimals), so ingest keeps every row and a test can compute what
each page must show from the rows returned here, with pandas, without reading the store back.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from smp_dash import geo, schema
from smp_dash.demo.kent import points_in
from smp_dash.sources.police_uk import ASB, COLUMNS

#: Mean crimes a month by police.uk category (a small borough's mix, scaled down).
CRIME_MIX = {"Violence and sexual offences": 14, "Robbery": 2, "Drugs": 3, "Burglary": 4, "Other theft": 5,
             "Shoplifting": 4, "Criminal damage and arson": 4, "Public order": 3, "Vehicle crime": 3,
             "Possession of weapons": 1}
ASB_PER_MONTH = 12
NEEDLE_PLACES = ("Brenchley Gardens", "River Steps", "Mote Park", "Whatman Park")
REQUEST_KINDS = (("ASB", "youths"), ("Noise", "barking"), ("Dog fouling", ""), ("ASB", "Youths gathering"))


def places(wards, lsoas, n: int = 400, seed: int = 7) -> pd.DataFrame:
    """``n`` points spread over the wards, rounded as police.uk rounds them, each inside its ward
    and an LSOA after rounding (longitude, latitude, ward_code, lsoa_code, lsoa_name)."""
    rng = np.random.default_rng(seed)
    pick = np.arange(n * 2) % len(wards)
    lon, lat = (np.round(v, 6) for v in points_in(wards.geometry.to_numpy(), pick, rng))
    out = pd.DataFrame({"longitude": lon, "latitude": lat,
                        "ward_code": geo.assign_areas(lon, lat, wards, "ward_code"),
                        "lsoa_code": geo.assign_areas(lon, lat, lsoas, "lsoa_code")})
    out = out.dropna().head(n).reset_index(drop=True)
    assert len(out) == n, "too few points survived rounding"
    return out.assign(lsoa_name=out["lsoa_code"].map(dict(zip(lsoas["lsoa_code"], lsoas["lsoa_name"]))))


def street_files(folder: Path, first: str, last: str, spots: pd.DataFrame, *, seed: int = 12) -> pd.DataFrame:
    """police.uk street files ``folder/YYYY-MM/YYYY-MM-kent-street.csv`` for months ``first`` to ``last``
    (``"2023-01"``); returns the rows written (police.uk's columns, crime IDs blank for ASB)."""
    rng = np.random.default_rng(seed)
    months = pd.period_range(first, last, freq="M").strftime("%Y-%m")
    frames = []
    for month in months:
        kinds = [kind for kind, mean in CRIME_MIX.items() for _ in range(rng.poisson(mean))]
        kinds += [ASB] * rng.poisson(ASB_PER_MONTH)
        at = spots.iloc[rng.integers(0, len(spots), len(kinds))].reset_index(drop=True)
        ids = ["" if kind == ASB else hashlib.sha256(f"{month}-{i}".encode()).hexdigest()
               for i, kind in enumerate(kinds)]
        frames.append(pd.DataFrame({
            "Crime ID": ids, "Month": month, "Reported by": "Kent Police", "Falls within": "Kent Police",
            "Longitude": at["longitude"].map("{:.6f}".format), "Latitude": at["latitude"].map("{:.6f}".format),
            "Location": "On or near High Street", "LSOA code": at["lsoa_code"], "LSOA name": at["lsoa_name"],
            "Crime type": kinds, "Last outcome category": "", "Context": "", "ward_code": at["ward_code"]}))
    rows = pd.concat(frames, ignore_index=True)
    for month, part in rows.groupby("Month"):
        target = Path(folder) / month / f"{month}-kent-street.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        part[list(COLUMNS)].to_csv(target, index=False, lineterminator="\n")
    return rows


def needle_finds(path: Path, first: str, last: str, spots: pd.DataFrame, *, seed: int = 21) -> pd.DataFrame:
    """A needle_finds template file: two or three finds a month of 1 to 6 needles, none bulk;
    returns the rows written (dates as Timestamps)."""
    rng = np.random.default_rng(seed)
    rows = []
    for month in pd.date_range(first, last, freq="MS"):
        for _ in range(rng.integers(2, 4)):
            spot = spots.iloc[rng.integers(0, len(spots))]
            rows.append({"found": month + pd.Timedelta(days=int(rng.integers(0, 28))),
                         "location_name": NEEDLE_PLACES[rng.integers(0, len(NEEDLE_PLACES))],
                         "longitude": spot["longitude"], "latitude": spot["latitude"], "ward_code": spot["ward_code"],
                         "needles": int(rng.integers(1, 7)), "bulk_incident": "false", "note": ""})
    return _write(pd.DataFrame(rows), "needle_finds", path)


def service_requests(path: Path, first: str, last: str, spots: pd.DataFrame, *, seed: int = 31) -> pd.DataFrame:
    """A service_requests template file: five to nine requests a month of a few kinds; returns the rows."""
    rng = np.random.default_rng(seed)
    rows = []
    for month in pd.date_range(first, last, freq="MS"):
        for _ in range(rng.integers(5, 10)):
            category, sub = REQUEST_KINDS[rng.integers(0, len(REQUEST_KINDS))]
            rows.append({"received": month + pd.Timedelta(days=int(rng.integers(0, 28))), "category": category,
                         "subcategory": sub, "ward_code": spots.iloc[rng.integers(0, len(spots))]["ward_code"],
                         "longitude": "", "latitude": "", "source": "journey test (invented)"})
    return _write(pd.DataFrame(rows), "service_requests", path)


def _write(frame: pd.DataFrame, dataset: str, path: Path) -> pd.DataFrame:
    date = frame.columns[0]
    frame[schema.columns(dataset)].assign(**{date: frame[date].dt.strftime("%Y-%m-%d")}).to_csv(
        path, index=False, lineterminator="\n")
    return frame


def open_page(store: Path, page: str, *, timeout: int = 90, **query):
    """A fresh AppTest session on ``page`` (``pages/<page>``) over ``store``, with ``query`` as its link's
    parameters; it must run without an exception."""
    import pytest
    from streamlit.testing.v1 import AppTest

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SMP_DATA_DIR", str(store))
        at = AppTest.from_file(Path(__file__).parents[1] / "app.py", default_timeout=timeout)
        at.query_params.update(query)
        at.switch_page(f"pages/{page}")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def renderer(store: Path):
    """``render(page)``: each page of ``store`` opened once and kept (:func:`open_page`)."""
    cache: dict = {}

    def render(page: str):
        if page not in cache:
            cache[page] = open_page(store, page)
        return cache[page]

    return render
