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
    years: pd.DataFrame | None         # label, value: recorded crime per complete calendar year
    types: pd.DataFrame | None         # offence_subgroup (or police.uk category), current, previous, ..., label
    hate: measures.Value
    strands: pd.DataFrame | None       # hate_strand, value, share (protected when disclosure control is on)
    strands_why: str


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
    return PoliceData(crime, kent if kent is not None and len(kent) else None, years, types, hate, strands, why)
