"""Domestic abuse: the headline and its shares, the monthly trend, types, wards, MARAC and sanctuary."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import config, disclosure, measures, metrics
from smp_dash.periods import ASSESS_2020, CAL_2020, FY_2020, FY_TO_DATE_2020, Period
from smp_dash.selection import Filter

DA = measures.get("domestic_abuse")


@dataclass(frozen=True)
class DomesticAbuse:
    headline: measures.Value
    shares: dict[str, str]                 # label -> "19%", "hidden" or "n/a"
    trend: pd.DataFrame | None             # month, value for the selected wards (None with ``trend_why``)
    trend_why: str
    types: pd.DataFrame | None             # da_class, current, previous, change, pct_change, label (protected)
    types_why: str
    ward_period: Period
    wards: pd.DataFrame | None             # metrics.ward_table for the whole borough
    wards_why: str
    wards_no_comparison: str               # why the ward table has no change on the year before ("" when it has)
    marac: dict                            # metrics.indicator_window, for the MARAC period
    marac_period: Period
    repeats: float
    children: float
    sanctuary: dict
    sanctuary_period: Period


def figures(bundle, view: Filter) -> DomesticAbuse:
    """The domestic abuse page's figures for ``view``."""
    head = measures.value(bundle, DA, view, CAL_2020, label="DA crimes")
    p = head.period
    crimes = metrics.in_wards(bundle.crimes, view.wards)
    why = head.missing or ""
    hidden = head.guarded.series_hidden() if head.guarded is not None else None
    types_why = why or hidden or (view.suppress and view.wards and measures.breakdown_hidden(
        bundle, DA, view, p, "da_class", bundle.crimes.assign(da_class=metrics.da_class(bundle.crimes)))) or ""
    types = None if types_why else measures.against(_types(crimes, p, view.suppress), head)
    shares = _shares(crimes, p, head, types)
    trend, trend_why = (None, why or hidden) if why or hidden else \
        measures.protected(bundle, DA, view, measures.series(bundle, DA, view.wards))
    wp = view.pick(FY_TO_DATE_2020)
    wards_why = measures.missing(bundle, DA, FY_TO_DATE_2020, view) or ""
    wards, wards_no_comparison = (None, "") if wards_why else measures.ward_table(bundle, DA, wp, view,
                                                                                   rural=config.RURAL_WARDS)
    mp, sp = view.pick(ASSESS_2020, "indicators"), view.pick(FY_2020, "indicators")
    return DomesticAbuse(
        head, shares, trend, trend_why or "", types, types_why,
        wp, wards, wards_why, wards_no_comparison,
        metrics.indicator_window(bundle.indicators, "marac_cases_monthly", mp), mp,
        metrics.indicator_value(bundle.indicators, "marac_repeat_cases", f"{mp.start:%Y-%m-%d}"),
        metrics.indicator_value(bundle.indicators, "marac_children", f"{mp.start:%Y-%m-%d}"),
        metrics.indicator_window(bundle.indicators, "sanctuary_referrals_monthly", sp), sp)


def _types(crimes: pd.DataFrame, p: Period, suppress: bool) -> pd.DataFrame:
    da = DA.rows(crimes)
    types = metrics.compare(da.assign(da_class=metrics.da_class(da)), "month", p, by="da_class", weight="n")
    types["label"] = metrics.change_labels(types, decimals=1)
    return disclosure.protect_breakdown(types) if suppress else types


def _shares(crimes: pd.DataFrame, p: Period, head: measures.Value, types: pd.DataFrame | None) -> dict[str, str]:
    """The assessment's shares: of all crime, of violent crime, and violence against the person's
    share of DA. Hidden where a count they give back is, n/a where DA is not in the data."""
    labels = ("Share of all crime", "Share of violent crime", "Violence against the person")
    if not head.available:
        return dict.fromkeys(labels, "n/a")
    count = lambda frame: metrics.count(frame, "month", p, "n")  # noqa: E731
    da, violent = DA.rows(crimes), crimes[measures.violent(crimes).to_numpy()]
    vap = da[da["offence_subgroup"] == "Violence against the person"]
    hidden = head.guarded is not None and head.guarded.hidden
    vap_hidden = hidden or types is None or (disclosure.any_hidden(
        types[types["da_class"] == "Violence against the person"]))
    values = (metrics.share(count(da), count(crimes)), metrics.share(count(violent[measures.domestic_abuse(violent).to_numpy()]),
                                                                     count(violent)), metrics.share(count(vap), count(da)))
    return {label: disclosure.HIDDEN if (vap_hidden if label == labels[2] else hidden)
            else metrics.format_pct(v, signed=False) for label, v in zip(labels, values)}
