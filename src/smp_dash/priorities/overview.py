"""The overview: a headline per priority, a small trend per priority, and the wards with most."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import disclosure, measures, metrics
from smp_dash.periods import ASSESS_2020, CAL_2020, FY_TO_DATE_2020
from smp_dash.selection import Filter

#: The headlines: measure and the period the 2020-21 assessment reports it for.
HEADLINES = (("recorded_crime", CAL_2020), ("domestic_abuse", CAL_2020), ("drug_offences", CAL_2020),
             ("asb", ASSESS_2020), ("needles", ASSESS_2020), ("hate_crime", ASSESS_2020))
#: A small trend per priority: the measure behind it.
TRENDS = {"soc": "violent_crime", "children_young_people": "youths_gathering", "domestic_abuse": "domestic_abuse",
          "substance_misuse": "drug_offences", "asb_community_protection": "asb"}
#: The wards with most: label, measure and the period the assessment ranks them for.
TOP_WARDS = (("Domestic abuse", "domestic_abuse", FY_TO_DATE_2020), ("Anti-social behaviour", "asb", ASSESS_2020),
             ("Needles found", "needles", ASSESS_2020))


@dataclass(frozen=True)
class Trend:
    label: str
    series: pd.DataFrame | None     # month, value; None with ``why`` when not shown
    why: str = ""


@dataclass(frozen=True)
class Overview:
    headlines: list[measures.Value]
    trends: dict[str, Trend]
    top_wards: dict[str, tuple[str, pd.DataFrame | None, str]]   # label -> (period label, table, why not)


def figures(bundle, view: Filter) -> Overview:
    """The overview's figures for ``view``."""
    return Overview([measures.value(bundle, m, view, p) for m, p in HEADLINES], trends(bundle, view),
                    top_wards(bundle, view))


def trends(bundle, view: Filter) -> dict[str, Trend]:
    """A monthly series per priority for the selected wards (section 136 yearly, borough-wide)."""
    out = {}
    for priority, measure_id in TRENDS.items():
        measure = measures.get(measure_id)
        why = measures.missing(bundle, measure)
        series = None if why else measures.series(bundle, measure, view.wards)
        if series is not None:
            series, why = measures.protected(bundle, measure, view, series)
        out[priority] = Trend(bundle.mark(measure.label, measure.dataset), series, why or "")
    s136 = metrics.indicator_series(bundle.indicators, "section_136_uses")
    out["mental_health"] = Trend(bundle.mark("Section 136 uses (yearly)", "indicators"),
                                 pd.DataFrame({"month": s136["period_start"], "value": s136["value"]}) if len(s136) else None,
                                 "" if len(s136) else f"{measures.NOT_LOADED}: no section 136 figures (indicators)")
    return {p: out[p] for p in ("soc", "children_young_people", "domestic_abuse", "substance_misuse", "mental_health",
                                "asb_community_protection")}


def top_wards(bundle, view: Filter, n: int = 5) -> dict[str, tuple[str, pd.DataFrame | None, str]]:
    """The ``n`` wards with most of each measure (whole borough), as shown: small counts "<5" when
    disclosure control is on."""
    out = {}
    for name, measure_id, native in TOP_WARDS:
        measure = measures.get(measure_id)
        label = bundle.mark(name, measure.dataset)
        p = view.pick(native, measure.dataset)
        why = measures.missing(bundle, measure, native, view)
        if why:
            out[label] = (p.label, None, why)
            continue
        table = disclosure.published(measures.ward_table(bundle, measure, p, view)[0]).head(n)
        out[label] = (p.label, table[["ward_name", "current"]].rename(columns={"ward_name": "ward", "current": p.label}), "")
    return out
