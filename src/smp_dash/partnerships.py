"""How one Community Safety Partnership compares with others: the Home Office's crime by partnership
(``csp_crime``) per 1,000 residents of ONS's district populations (``lad_population``).

Frames in, frames out. A partnership is joined to its district by name (:func:`key`: case, "&",
punctuation and words such as "City of" aside; a partnership of two districts, "Babergh and Mid
Suffolk", takes their sum); a name with no population is listed, never dropped silently. A total of
which a line had no count is missing, never 0, and so is its rate.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from smp_dash import significance

#: Rates are per this many residents.
PER = 1000
#: Words a publisher adds to a place's name that do not tell places apart.
_NOISE = re.compile(r"\b(city of|county of|royal borough of|london borough of|borough of|community safety partnership|"
                    r"csp|council|the)\b")
#: ONS areas that are not districts or unitary authorities: never a partnership's population.
_NOT_DISTRICTS = ("Country", "Region", "County")


def key(name: str) -> str:
    """A place's name as the join compares it: "Kingston upon Hull, City of" and "Kingston upon Hull" alike."""
    text = str(name).lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return " ".join(_NOISE.sub(" ", text).split())


def populations(names, lad_population: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The population of each partnership in ``names``: (csp_name, lad_codes, population, year) for those
    found, and the names with none (no district of that name, or ONS gives its district no figure).
    A partnership named "A and B" whose whole name is no district's takes A's and B's together."""
    districts = lad_population[~lad_population["geography"].isin(_NOT_DISTRICTS).fillna(False).to_numpy(dtype=bool)]
    by_key = {key(r.lad_name): r for r in districts.itertuples()}
    rows, unmatched = [], []
    for name in dict.fromkeys(names):
        parts = [by_key.get(key(name))]
        if parts[0] is None and " and " in key(name):
            parts = [by_key.get(part) for part in key(name).split(" and ")]
        if any(p is None or pd.isna(p.population) for p in parts):
            unmatched.append(name)
            continue
        rows.append({"csp_name": name, "lad_codes": ", ".join(p.lad_code for p in parts),
                     "population": int(sum(p.population for p in parts)),
                     "year": parts[0].year if pd.notna(parts[0].year) else pd.NA})
    frame = pd.DataFrame(rows, columns=["csp_name", "lad_codes", "population", "year"])
    return frame.astype({"population": "int64"}), unmatched


def complete_years(csp_crime: pd.DataFrame, csp: str) -> list[str]:
    """The financial years holding all four quarters of ``csp``, newest first."""
    own = csp_crime[csp_crime["csp_name"] == csp]
    quarters = own.groupby("financial_year")["quarter"].nunique()
    return sorted(quarters[quarters == 4].index, reverse=True)


def totals(csp_crime: pd.DataFrame, by=()) -> pd.DataFrame:
    """Offences per partnership (and ``by``), missing (NA) where any line summed had no count."""
    keys = ["csp_name", *by]
    grouped = csp_crime.groupby(keys, observed=True, dropna=False)
    out = pd.DataFrame({"offences": grouped["offences"].sum(min_count=1),
                        "missing": grouped["offences"].apply(lambda s: bool(s.isna().any()))}).reset_index()
    out["offences"] = out["offences"].astype("Int64").mask(out["missing"])
    return out.drop(columns="missing")


def rates(counts: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """``counts`` (csp_name, offences, ...) with population and rate per 1,000 residents (missing
    where either is)."""
    out = counts.merge(population[["csp_name", "population"]], on="csp_name", how="left")
    out["population"] = out["population"].astype("Int64")
    out["rate"] = (out["offences"].astype("Float64") / out["population"].astype("Float64") * PER).astype("float64")
    return out


def ranked(frame: pd.DataFrame, by=()) -> pd.DataFrame:
    """``frame`` with ``rank`` of its rate (1: the highest) among the rows of the same ``by`` that
    have one (missing where the rate is), and how many were ranked (``of``)."""
    if by:
        groups = frame.groupby(list(by), observed=True)["rate"]
        rank, of = groups.rank(method="min", ascending=False), groups.transform("count")
    else:
        rank, of = frame["rate"].rank(method="min", ascending=False), pd.Series(frame["rate"].count(), index=frame.index)
    return frame.assign(rank=rank.astype("Int64"), of=of.astype("int64"))


def pooled(frame: pd.DataFrame, by=()) -> pd.DataFrame:
    """The rows' offences together per 1,000 of their residents together (per ``by``), over the rows
    with both figures; ``partnerships`` how many those are."""
    known = frame[frame["offences"].notna() & frame["population"].notna()]
    if by:
        grouped = known.groupby(list(by), observed=True)
        out = grouped[["offences", "population"]].sum().reset_index()
        out["partnerships"] = grouped.size().to_numpy()
    else:
        out = pd.DataFrame({"offences": [known["offences"].sum()], "population": [known["population"].sum()],
                            "partnerships": [len(known)]})
    out["rate"] = out["offences"].astype("float64") / out["population"].astype("float64") * PER
    return out


def funnel(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Each partnership's rate against the rate of all of them together, with its position against the
    95% and 99.8% limits (``significance.ward_funnel``), the limits drawn across their populations, and
    that rate. Partnerships without a count or a population are left out (listed by the caller)."""
    known = frame[frame["offences"].notna() & frame["population"].notna()]
    table = pd.DataFrame({"ward_name": known["csp_name"].to_numpy(), "current": known["offences"].astype("int64").to_numpy(),
                          "population": known["population"].astype("int64").to_numpy()})
    points, rate = significance.ward_funnel(table, per=PER)
    if points.empty:
        return points, pd.DataFrame(), rate
    span = np.linspace(points["population"].min() * 0.9, points["population"].max() * 1.05, 120)
    return points, significance.funnel_limits(span, rate, PER), rate
