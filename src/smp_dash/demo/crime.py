"""Demonstration police data: street-level crimes and ASB incidents for the borough."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from smp_dash.demo import calibration as cal
from smp_dash.demo._alloc import apportion, apportion_pinned, monthly

#: Month-of-year weights (January first).
SUMMER = (0.93, 0.88, 0.97, 0.98, 1.05, 1.06, 1.10, 1.07, 1.00, 1.00, 0.96, 1.00)
WINTER = (1.10, 1.00, 1.00, 0.95, 0.92, 0.90, 0.93, 0.95, 0.97, 1.05, 1.10, 1.13)
FLAT = (1.0,) * 12
#: Domestic abuse peaks in summer and at Christmas.
DA_PROFILE = (0.98, 0.90, 0.97, 0.98, 1.03, 1.04, 1.08, 1.06, 0.98, 0.97, 0.96, 1.05)

_PROFILE = {"Violence and sexual offences": SUMMER, "Public order": SUMMER, "Criminal damage and arson": SUMMER,
            "Burglary": WINTER, "Vehicle crime": WINTER}
#: How lockdown moves each type within its year (street crime down, drug detections up).
_SHOCK = {"Drugs": 0.45, "Possession of weapons": 0.0, "Shoplifting": -0.5, "Theft from the person": -0.6,
          "Other theft": -0.35, "Bicycle theft": -0.2}


def build_crimes(wards: pd.DataFrame, pools: pd.DataFrame, rng) -> pd.DataFrame:
    """Every crime row, January 2015 to March 2021, in the ``crimes`` contract."""
    cells = _cells()
    rows = cells.loc[cells.index.repeat(cells["n"])].drop(columns="n").reset_index(drop=True)
    rows = rows.sort_values(["month", "crime_type", "offence_subgroup", "domestic_abuse"],
                            kind="stable").reset_index(drop=True)
    rows["hate_strand"] = _hate_strands(rows, rng)
    rows["ward_pos"] = _wards_for(rows, wards, rng)
    return _finish(rows, pools, rng)


def build_asb(wards: pd.DataFrame, pools: pd.DataFrame, rng) -> pd.DataFrame:
    """Police-recorded anti-social behaviour incidents in the ``asb_incidents`` contract."""
    counts = monthly(dict(zip(cal.YEARS, cal.ASB_TOTALS)), SUMMER, shock=lambda s: 1 + 0.8 * s)
    months = np.repeat(counts.index.values, counts.values)
    weights = _weights(wards, cal.ASB_WARD_WEIGHTS)
    ward_pos = _by_year(months, weights, rng)
    picked = _pick_points(ward_pos, pools, rng)
    return pd.DataFrame({
        "month": months,
        "longitude": picked["longitude"].to_numpy(),
        "latitude": picked["latitude"].to_numpy(),
        "location": picked["location"].to_numpy(),
        "lsoa_code": picked["lsoa_code"].to_numpy(),
        "ward_code": picked["ward_code"].to_numpy(),
        "source": cal.ILLUSTRATIVE,
    })


def _cells() -> pd.DataFrame:
    """Counts per (month, crime type, subgroup, DA flag): yearly totals spread over months."""
    frames = []
    da_by_key = _da_totals()
    for (ctype, subgroup), totals in cal.CRIME_TOTALS.items():
        profile = _PROFILE.get(ctype, FLAT)
        bend = _SHOCK.get(ctype, -0.25)
        all_rows = monthly(dict(zip(cal.YEARS, totals)), profile, shock=lambda s, b=bend: 1 + b * s)
        da_totals = da_by_key.get((ctype, subgroup))
        da_rows = (monthly(dict(zip(cal.YEARS, da_totals)), DA_PROFILE, shock=lambda s: 1 + 0.15 * s)
                   if da_totals is not None else all_rows * 0)
        if (da_rows > all_rows).any():
            raise AssertionError(f"more DA than all crime in a month for {ctype} / {subgroup}")
        for flag, series in ((True, da_rows), (False, all_rows - da_rows)):
            frames.append(pd.DataFrame({"month": series.index, "crime_type": ctype, "offence_subgroup": subgroup,
                                        "domestic_abuse": flag, "n": series.to_numpy()}))
    return pd.concat(frames, ignore_index=True)


def _da_totals() -> dict:
    out = {("Violence and sexual offences", "Violence against the person"): cal.DA_VAP,
           ("Violence and sexual offences", "Sexual offences"): cal.DA_SEXUAL}
    keys = list(cal.DA_OTHER_TYPES)
    split = np.array([apportion(total, list(cal.DA_OTHER_TYPES.values())) for total in cal.DA_OTHER])
    for i, key in enumerate(keys):
        out[key] = tuple(int(v) for v in split[:, i])
    return out


def _hate_strands(rows: pd.DataFrame, rng) -> np.ndarray:
    """Flag hate crimes among non-DA public order and violence, exact per assessment year."""
    strand = np.full(len(rows), None, dtype=object)
    window = _assessment_year(rows["month"])
    eligible = (~rows["domestic_abuse"]) & rows["crime_type"].isin(["Public order", "Violence and sexual offences"]) \
        & (rows["offence_subgroup"] != "Sexual offences")
    for year, total in cal.HATE_WINDOWS.items():
        pool = np.flatnonzero((eligible & (window == year)).to_numpy())
        chosen = np.sort(rng.choice(pool, size=total, replace=False))
        shares = {2019: cal.HATE_STRANDS_2019, 2020: cal.HATE_STRANDS_2020}.get(year)
        if shares is None:
            names = list(cal.HATE_STRAND_SHARES)
            counts = apportion(total, list(cal.HATE_STRAND_SHARES.values()))
        else:
            names, counts = list(shares), list(shares.values())
        strand[chosen] = rng.permutation(np.repeat(np.array(names, dtype=object), counts))
    return strand


def _assessment_year(months: pd.Series) -> pd.Series:
    """The assessment year (December to November) a month belongs to, named by its end."""
    return months.dt.year + (months.dt.month == 12).astype(int)


def _weights(wards: pd.DataFrame, by_name: dict) -> np.ndarray:
    return wards["ward_name"].map(by_name).to_numpy(dtype="float64")


def _wards_for(rows: pd.DataFrame, wards: pd.DataFrame, rng) -> np.ndarray:
    """Ward position for every row: exact ward totals per year (DA: per DA window)."""
    out = np.empty(len(rows), dtype=int)
    base = _weights(wards, cal.WARD_WEIGHTS)
    town = wards["ward_name"].isin(["High Street", "Bridge", "Fant"]).to_numpy()
    for ctype, group in rows[~rows["domestic_abuse"]].groupby("crime_type", sort=True):
        weights = base * np.where(town, cal.TOWN_CENTRE_BOOST.get(ctype, 1.0), 1.0)
        idx = group.index.to_numpy()
        out[idx] = _by_year(group["month"].to_numpy(), weights, rng)
    da = rows.index[rows["domestic_abuse"]].to_numpy()
    out[da] = _da_wards(rows.loc[da, "month"], wards, rng)
    return out


def _by_year(months: np.ndarray, weights: np.ndarray, rng) -> np.ndarray:
    years = pd.DatetimeIndex(months).year.to_numpy()
    out = np.empty(len(months), dtype=int)
    for year in np.unique(years):
        idx = np.flatnonzero(years == year)
        totals = apportion(len(idx), weights)
        out[idx] = rng.permutation(np.repeat(np.arange(len(weights)), totals))
    return out


def _da_wards(months: pd.Series, wards: pd.DataFrame, rng) -> np.ndarray:
    """DA ward positions: exact totals per window (April-November and December-March)."""
    names = wards["ward_name"].tolist()
    svl = names.index("Sutton Valence and Langley")
    weights = _weights(wards, cal.DA_WARD_WEIGHTS)
    window = _da_window(months)
    out = np.empty(len(months), dtype=int)
    for key in np.unique(window):
        idx = np.flatnonzero(window == key)
        w = weights.copy()
        pins = {}
        if key.endswith("aprnov"):
            year = int(key[:4])
            if year in cal.DA_SVL_APR_NOV:
                pins[svl] = cal.DA_SVL_APR_NOV[year]
            if year == 2020:
                for name, factor in cal.DA_RURAL_RISE_2020.items():
                    w[names.index(name)] *= factor
        totals = apportion_pinned(len(idx), w, pins)
        out[idx] = rng.permutation(np.repeat(np.arange(len(w)), totals))
    return out


def _da_window(months: pd.Series) -> np.ndarray:
    m = months.dt.month.to_numpy()
    y = months.dt.year.to_numpy()
    aprnov = (m >= 4) & (m <= 11)
    fy = np.where(m >= 4, y, y - 1)
    return np.where(aprnov, [f"{v}-aprnov" for v in fy], [f"{v}-decmar" for v in fy])


def _pick_points(ward_pos: np.ndarray, pools: pd.DataFrame, rng) -> pd.DataFrame:
    from smp_dash.demo._places import POINTS_PER_WARD

    point = rng.integers(0, POINTS_PER_WARD, size=len(ward_pos))
    return pools.iloc[ward_pos * POINTS_PER_WARD + point].reset_index(drop=True)


def _finish(rows: pd.DataFrame, pools: pd.DataFrame, rng) -> pd.DataFrame:
    picked = _pick_points(rows["ward_pos"].to_numpy(), pools, rng)
    years = rows["month"].dt.year
    ids = [hashlib.sha256(f"smp-demo-crime-{i}".encode()).hexdigest() for i in range(len(rows))]
    return pd.DataFrame({
        "crime_id": ids,
        "month": rows["month"].to_numpy(),
        "crime_type": rows["crime_type"].to_numpy(),
        "offence_subgroup": rows["offence_subgroup"].to_numpy(),
        "domestic_abuse": rows["domestic_abuse"].to_numpy(),
        "hate_strand": rows["hate_strand"].to_numpy(),
        "longitude": picked["longitude"].to_numpy(),
        "latitude": picked["latitude"].to_numpy(),
        "location": picked["location"].to_numpy(),
        "lsoa_code": picked["lsoa_code"].to_numpy(),
        "ward_code": picked["ward_code"].to_numpy(),
        "source": np.where(years.isin([2019, 2020]), cal.CALIBRATED, cal.ILLUSTRATIVE),
    })
