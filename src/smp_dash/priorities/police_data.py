"""Police data: recorded crime over the years, Kent districts, change by crime type, hate crime."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from smp_dash import disclosure, measures, metrics
from smp_dash.periods import ASSESS_2020, CAL_2020
from smp_dash.selection import Filter

HATE = measures.get("hate_crime")


@dataclass(frozen=True)
class PoliceData:
    crime: measures.Value
    kent: pd.DataFrame | None          # recorded crime by Kent district (calendar periods only)
    kent_caveat: str                   # said when the district figures are illustrative ("" when not)
    years: pd.DataFrame | None         # label, value: recorded crime per complete calendar year
    types: pd.DataFrame | None         # offence_subgroup (or police.uk category), current, previous, ..., label
    hate: measures.Value
    strands: pd.DataFrame | None       # hate_strand, value, share (protected when disclosure control is on)
    strands_why: str


@dataclass(frozen=True)
class Iom:
    """The Integrated Offender Management cohort at its latest snapshot (Kent-wide), or why there is none."""

    cohort: float                      # NaN when not loaded
    change: float                      # on a year earlier, NaN when not loaded
    as_at: str                         # "31 Mar 2021": the snapshot's date ("" when not loaded)
    shares: pd.DataFrame               # breakdown (police division), value (% of the cohort) at the snapshot
    note: str                          # how many of the cohort are in the Maidstone area ("" when not loaded)
    why: str                           # why there is no cohort ("" when there is)


def iom(indicators: pd.DataFrame) -> Iom:
    """The IOM cohort's latest snapshot in the data, with its own date: never a date typed into the page."""
    row = metrics.indicator_latest(indicators, "iom_cohort")
    if row is None:
        return Iom(float("nan"), float("nan"), "", metrics.indicator_series(indicators, "iom_cohort_share", breakdown=True),
                   "", f"{measures.NOT_LOADED}: no IOM cohort (the indicators template)")
    at = row["period_start"]
    same = lambda indicator: metrics.indicator_value(indicators, indicator, f"{at:%Y-%m-%d}")  # noqa: E731
    shares = metrics.indicator_series(indicators, "iom_cohort_share", breakdown=True)
    local = same("iom_maidstone_cohort")
    return Iom(float(row["value"]), same("iom_cohort_change"), f"{at:%d %b %Y}",
               shares[shares["period_start"] == at].reset_index(drop=True),
               "" if local != local else f"{local:,.0f} of the Kent cohort are in the Maidstone area.", "")


def figures(bundle, view: Filter) -> PoliceData:
    """The police data page's figures for ``view``."""
    crime = measures.value(bundle, "recorded_crime", view, CAL_2020)
    p = crime.period
    crime = replace(crime, label=f"Recorded crime, {p.label}")
    crimes = metrics.in_wards(bundle.crimes, view.wards)
    kent = metrics.district_table(bundle.indicators, "recorded_crime_district", p.end.year) \
        if p.kind == "calendar" and p.whole_year else None
    years = types = None
    if crime.available:
        years = metrics.calendar_years(crimes, bundle.first_month, bundle.last_month)
        by_type = crimes.assign(offence_subgroup=crimes["offence_subgroup"].astype(object).fillna(
            crimes["crime_type"].astype(object) + " (police.uk)"))
        types = metrics.compare(by_type, "month", p, by="offence_subgroup", weight="n")
        types["label"] = metrics.change_labels(types)
        types = measures.against(types, crime)
    hate = measures.value(bundle, HATE, view, ASSESS_2020)
    strands, why = None, hate.missing or ""
    guarded = hate.guarded
    hidden = hate.available and ((guarded is not None and guarded.series_hidden())
                                 or measures.breakdown_hidden(bundle, HATE, view, hate.period, "hate_strand"))
    if hidden:
        why = hidden
    elif hate.available:
        strands = metrics.share_table(HATE.rows(crimes), hate.period, "hate_strand")
        if view.suppress:
            strands = disclosure.suppress_counts(strands, "value", derived=("share",))
    kent = kent if kent is not None and len(kent) else None
    districts = bundle.indicators[(bundle.indicators["indicator_id"] == "recorded_crime_district")
                                  & (bundle.indicators["period_start"].dt.year == p.end.year)]
    kent_caveat = f"Other districts' figures are illustrative {measures.DEMO_MARK}." \
        if kent is not None and measures.illustrative(districts, "breakdown") else ""
    return PoliceData(crime, kent, kent_caveat, years, types, hate, strands, why)
