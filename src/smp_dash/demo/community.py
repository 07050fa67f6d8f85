"""Demonstration council data: service requests, needle finds, enforcement, encampments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from smp_dash import geo
from smp_dash.demo import calibration as cal
from smp_dash.demo._alloc import apportion, apportion_pinned, monthly, split
from smp_dash.demo._places import NEEDLE_PLACES
from smp_dash.demo.crime import FLAT, SUMMER, _by_year, _pick_points, _weights

#: How lockdown moved each request category (working from home: more noise and nuisance).
_SHOCK = {"ASB": 1.2, "Noise": 0.9, "Other nuisance": 0.9, "Dog fouling": 0.6, "Stray dogs": -0.4,
          "Dangerous dogs": 0.0, "Street trading": 0.0}


def build_service_requests(wards: pd.DataFrame, pools: pd.DataFrame, rng) -> pd.DataFrame:
    """Community Protection Team requests by day, category and subcategory."""
    frames = []
    weights = _weights(wards, cal.ASB_WARD_WEIGHTS)
    for category, totals in cal.SERVICE_TOTALS.items():
        pins = {"2020-05": sum(cal.NOISE_MAY_2020.values())} if category == "Noise" else None
        counts = monthly(dict(zip(cal.YEARS, totals)), SUMMER if category != "Stray dogs" else FLAT,
                         shock=lambda s, b=_SHOCK[category]: 1 + b * s, pins=pins)
        months = np.repeat(counts.index.values, counts.values)
        frames.append(pd.DataFrame({"month": months, "category": category,
                                    "subcategory": _subcategories(category, months, rng)}))
    rows = pd.concat(frames, ignore_index=True)
    ward_pos = _by_year(rows["month"].to_numpy(), weights, rng)
    picked = _pick_points(ward_pos, pools, rng)
    located = rng.random(len(rows)) < 0.85
    days = rng.integers(0, rows["month"].dt.days_in_month.to_numpy())
    return pd.DataFrame({
        "received": rows["month"] + pd.to_timedelta(days, unit="D"),
        "category": rows["category"],
        "subcategory": rows["subcategory"],
        "ward_code": picked["ward_code"].to_numpy(),
        "longitude": np.where(located, picked["longitude"], np.nan),
        "latitude": np.where(located, picked["latitude"], np.nan),
        "source": cal.ILLUSTRATIVE,
    }).sort_values(["received", "category"], kind="stable").reset_index(drop=True)


def _subcategories(category: str, months: np.ndarray, rng) -> np.ndarray:
    """Subcategory per row: exact May 2020 noise mix and April-June bonfire smoke counts."""
    names = list(cal.SUBCATEGORIES[category])
    weights = np.array(list(cal.SUBCATEGORIES[category].values()))
    month_index = pd.DatetimeIndex(months)
    out = np.empty(len(months), dtype=object)
    groups = np.array([_group(category, m) for m in month_index])
    for key in np.unique(groups):
        idx = np.flatnonzero(groups == key)
        if key == "may2020":
            counts = [cal.NOISE_MAY_2020[n] for n in names]
        elif key.startswith("aprjun"):
            pins = {names.index("Bonfire smoke"): cal.BONFIRE_APR_JUN[int(key[-4:])]}
            counts = apportion_pinned(len(idx), weights, pins)
        else:
            counts = apportion(len(idx), weights)
        out[idx] = rng.permutation(np.repeat(np.array(names, dtype=object), counts))
    return out


def _group(category: str, month: pd.Timestamp) -> str:
    if category == "Noise" and month == pd.Timestamp("2020-05-01"):
        return "may2020"
    if category == "Other nuisance" and month.month in (4, 5, 6) and month.year in cal.BONFIRE_APR_JUN:
        return f"aprjun{month.year}"
    return f"year{month.year}"


def build_needle_finds(wards: pd.DataFrame, rng) -> pd.DataFrame:
    """Needle finds by day and place; exact totals per assessment year and named place."""
    places = pd.DataFrame([(n, lon, lat) for n, (lon, lat) in NEEDLE_PLACES.items()],
                          columns=["location_name", "longitude", "latitude"])
    places["ward_code"] = geo.assign_areas(places["longitude"], places["latitude"], wards, "ward_code")
    rows = []
    for year, total in cal.NEEDLE_TOTALS.items():
        window = _needle_window(year)
        bulk = cal.NEEDLE_BULK.get(year, ())
        for day, place, needles in bulk:
            rows.append((pd.Timestamp(day), place, needles, True,
                         "bulk find of bagged, unused needles" if needles > 100 else "bulk find (illustrative)"))
        named = dict(cal.NEEDLE_PERIODS.get(year, {}))
        remaining = total - sum(named.values()) - sum(b[2] for b in bulk)
        others = [p for p in NEEDLE_PLACES if p not in named]
        cap = min(named.values()) - 1 if named else remaining
        named.update(_others(remaining, others, cap, rng))
        for place, needles in named.items():
            finds = max(1, min(needles, needles // 9 + 1))
            for size, day in zip(split(needles, finds, rng), _days(window, finds, rng)):
                rows.append((day, place, int(size), False, None))
    finds = pd.DataFrame(rows, columns=["found", "location_name", "needles", "bulk_incident", "note"])
    finds = finds.merge(places, on="location_name", how="left")
    return finds[["found", "location_name", "longitude", "latitude", "ward_code", "needles",
                  "bulk_incident", "note"]].sort_values(["found", "location_name", "needles"],
                                                        kind="stable").reset_index(drop=True)


def _needle_window(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = pd.Timestamp(year - 1, 12, 1) if year > 2015 else pd.Timestamp(2015, 1, 1)
    end = pd.Timestamp(year, 11, 30) if year < 2021 else pd.Timestamp(2021, 3, 31)
    return start, end


def _others(total: int, places: list[str], cap: int, rng) -> dict[str, int]:
    """Spread ``total`` over ``places`` with no place reaching ``cap``."""
    weights = rng.uniform(0.5, 1.5, len(places))
    counts = apportion(total, weights)
    if counts.max() > cap:
        raise AssertionError("needle totals cannot be spread below the named places")
    return {p: int(c) for p, c in zip(places, counts) if c > 0}


def _days(window, n: int, rng) -> list[pd.Timestamp]:
    start, end = window
    span = (end - start).days + 1
    return sorted(start + pd.Timedelta(days=int(d)) for d in rng.integers(0, span, n))


def build_enforcement(wards: pd.DataFrame, rng) -> pd.DataFrame:
    """Warnings (CPW), notices (CPN) and fixed penalties (FPN) issued by the team."""
    weights = _weights(wards, cal.ASB_WARD_WEIGHTS)
    categories = list(cal.ENFORCEMENT_CATEGORIES)
    rows = []
    for year, actions in cal.ENFORCEMENT.items():
        for action, (total, with_police) in actions.items():
            cats = rng.permutation(np.repeat(categories, apportion(total, list(cal.ENFORCEMENT_CATEGORIES.values()))))
            police = rng.permutation(np.arange(total) < with_police)
            wards_at = rng.permutation(np.repeat(wards["ward_code"].to_numpy(), apportion(total, weights)))
            days = _days((pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)), total, rng)
            rows += list(zip(days, [action] * total, cats, police, wards_at))
    frame = pd.DataFrame(rows, columns=["issued", "action", "category", "with_police", "ward_code"])
    return frame.sort_values(["issued", "action"], kind="stable").reset_index(drop=True)


def build_encampments(wards: pd.DataFrame, rng) -> pd.DataFrame:
    """Unauthorised encampments with start and end dates."""
    sites = ["Mote Park", "Whatman Park", "Lockmeadow", "Sittingbourne Road", "Tovil Green", "Sutton Road",
             "Sandling Road", "Tonbridge Road", "Shepway Green"]
    codes = geo.assign_areas([NEEDLE_PLACES[s][0] for s in sites], [NEEDLE_PLACES[s][1] for s in sites],
                             wards, "ward_code")
    rows = []
    for year, (count, typical) in cal.ENCAMPMENTS.items():
        starts = _days((pd.Timestamp(year, 3, 1), pd.Timestamp(year, 10, 31)), count, rng)
        for i, start in enumerate(starts):
            site = i % len(sites) if year != 2020 else i % 8
            stay = int(rng.integers(0, 2 * typical + 1)) if typical else 0
            rows.append((start, start + pd.Timedelta(days=stay), sites[site], codes[site]))
    long_start, days, name = cal.ENCAMPMENT_LONG_2020
    start = pd.Timestamp(long_start)
    industrial = geo.assign_areas([0.5385], [51.2475], wards, "ward_code")[0]
    rows[-1] = (start, start + pd.Timedelta(days=days), name, industrial)
    frame = pd.DataFrame(rows, columns=["started", "ended", "location_name", "ward_code"])
    return frame.sort_values("started", kind="stable").reset_index(drop=True)


