"""Counts, changes, shares and rankings: frames in, frames (or numbers) out.

Nothing here reads files or draws; every function takes the frames it needs and returns new
objects, leaving its inputs untouched.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from smp_dash.periods import Period

#: The Home Office "violent crime" grouping the assessment uses.
VIOLENT_SUBGROUPS = ("Violence against the person", "Sexual offences", "Robbery")


def pct_change(current: float, previous: float) -> float:
    """Percentage change from ``previous`` to ``current`` (NaN when previous is 0)."""
    return (current - previous) / previous * 100 if previous else math.nan


def share(part: float, whole: float) -> float:
    """``part`` as a percentage of ``whole`` (NaN when whole is 0)."""
    return part / whole * 100 if whole else math.nan


def format_pct(value: float, decimals: int = 0, signed: bool = True) -> str:
    """A percentage as the assessment writes it: "+21%", "-5.4%", "n/a" when undefined."""
    if value is None or not np.isfinite(value):
        return "n/a"
    text = f"{abs(value):.{decimals}f}%"
    if not signed or round(value, decimals) == 0:
        return text
    return ("+" if value > 0 else "-") + text


def in_period(frame: pd.DataFrame, column: str, period: Period) -> pd.DataFrame:
    """Rows of ``frame`` whose ``column`` date falls in ``period``."""
    return frame[period.contains(frame[column])]


def count(frame: pd.DataFrame, column: str, period: Period, weight: str | None = None) -> int:
    """Rows (or the sum of ``weight``) in ``period``."""
    rows = in_period(frame, column, period)
    return int(rows[weight].sum()) if weight else int(len(rows))


def compare(frame: pd.DataFrame, column: str, period: Period, by: str | None = None,
            weight: str | None = None) -> pd.DataFrame:
    """This period against the same months a year earlier, overall or per ``by``.

    Returns columns [by,] current, previous, change, pct_change; one row per group (or one).
    """
    cur = _total(in_period(frame, column, period), by, weight)
    old = _total(in_period(frame, column, period.previous()), by, weight)
    if by is None:
        out = pd.DataFrame({"current": [int(cur)], "previous": [int(old)]})
    else:
        out = pd.DataFrame({"current": cur, "previous": old}).fillna(0).astype(int).reset_index()
    out["change"] = out["current"] - out["previous"]
    out["pct_change"] = [pct_change(c, p) for c, p in zip(out["current"], out["previous"])]
    return out


def _total(rows: pd.DataFrame, by: str | None, weight: str | None):
    if by is None:
        return rows[weight].sum() if weight else len(rows)
    groups = rows.groupby(by, observed=True)
    return groups[weight].sum() if weight else groups.size()


def violent(crimes: pd.DataFrame) -> pd.DataFrame:
    """Violent crime: violence against the person, sexual offences and robbery."""
    return crimes[crimes["offence_subgroup"].isin(VIOLENT_SUBGROUPS)]


def da_class(crimes: pd.DataFrame) -> pd.Series:
    """The assessment's DA classes: violence against the person, sexual offences, other."""
    sub = crimes["offence_subgroup"]
    return pd.Series(np.where(sub == "Violence against the person", "Violence against the person",
                              np.where(sub == "Sexual offences", "Sexual offences", "Other")),
                     index=crimes.index, name="da_class")


def ward_ranking(frame: pd.DataFrame, column: str, period: Period, wards: pd.DataFrame,
                 weight: str | None = None) -> pd.DataFrame:
    """Every ward's count in ``period`` and the previous one, ranked (1 = most).

    Wards with no rows are kept with zero, so a map or table shows the whole borough.
    """
    table = compare(frame, column, period, by="ward_code", weight=weight)
    table = wards[["ward_code", "ward_name"]].merge(table, on="ward_code", how="left")
    for col in ("current", "previous", "change"):
        table[col] = table[col].fillna(0).astype(int)
    table["pct_change"] = [pct_change(c, p) for c, p in zip(table["current"], table["previous"])]
    table = table.sort_values(["current", "ward_name"], ascending=[False, True], kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    return table.reset_index(drop=True)


def top_locations(needles: pd.DataFrame, period: Period, n: int = 5, include_bulk: bool = True) -> pd.DataFrame:
    """The ``n`` places with most needles found in ``period`` (rank, location_name, needles)."""
    rows = in_period(needles, "found", period)
    if not include_bulk:
        rows = rows[~rows["bulk_incident"].astype(bool)]
    table = (rows.groupby("location_name", observed=True)["needles"].sum()
             .reset_index().sort_values(["needles", "location_name"], ascending=[False, True], kind="stable")
             .head(n).reset_index(drop=True))
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table


def needle_change(needles: pd.DataFrame, period: Period, include_bulk: bool = True) -> pd.DataFrame:
    """Needles found this period and the previous one, with or without bulk incidents."""
    rows = needles if include_bulk else needles[~needles["bulk_incident"].astype(bool)]
    return compare(rows, "found", period, weight="needles")


def indicator_value(indicators: pd.DataFrame, indicator_id: str, start: str, end: str | None = None,
                    breakdown: str | None = None) -> float:
    """The value of one indicator row (or the sum over rows) starting at ``start``.

    With ``end`` the rows falling between ``start`` and ``end`` are summed (monthly series).
    """
    rows = indicators[indicators["indicator_id"] == indicator_id]
    if breakdown is not None:
        rows = rows[rows["breakdown"] == breakdown]
    if end is None:
        rows = rows[rows["period_start"] == pd.Timestamp(start)]
    else:
        rows = rows[(rows["period_start"] >= pd.Timestamp(start)) & (rows["period_end"] <= pd.Timestamp(end))]
    if rows.empty:
        return math.nan
    return float(rows["value"].sum())
