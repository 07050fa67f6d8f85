"""Substance misuse: drug offences against Kent, and needle finds with or without bulk incidents."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import disclosure, measures, metrics
from smp_dash.periods import ASSESS_2020, CAL_2020, Period
from smp_dash.selection import Filter

DRUGS, NEEDLES = measures.get("drug_offences"), measures.get("needles")


@dataclass(frozen=True)
class Drugs:
    drugs: measures.Value
    kent: pd.DataFrame | None             # drug offences by Kent district (calendar periods only)
    csvg_share: float
    indexed: pd.DataFrame                 # year, area, value: Maidstone (or the wards) and Kent
    indexed_years: range


@dataclass(frozen=True)
class Needles:
    needles: measures.Value
    previous_text: str                    # the previous period's needles as shown ("<5", "1,621", "n/a")
    bulk_finds: int | str                 # bulk incidents in the period (or "<5"; "n/a" when needles are not in the data)
    monthly: pd.DataFrame | None          # month, value, bulk
    monthly_why: str
    period: Period
    wards: pd.DataFrame | None            # ward table of needles (whole borough)
    wards_no_comparison: str              # why the ward table has no change on the year before ("" when it has)
    points: pd.DataFrame | None           # find locations in the selected wards
    top: dict[str, pd.DataFrame]          # period label -> top five places (as shown)


def figures(bundle, view: Filter, include_bulk: bool = True) -> tuple[Drugs, Needles]:
    """The substance misuse page's figures for ``view`` (bulk needle finds in or out)."""
    return drug_figures(bundle, view), needle_figures(bundle, view, include_bulk)


def drug_figures(bundle, view: Filter) -> Drugs:
    """Drug offences for ``view``, against Kent."""
    drugs = measures.value(bundle, DRUGS, view, CAL_2020)
    p = drugs.period
    kent = metrics.district_table(bundle.indicators, "drug_offences_district", p.end.year) \
        if p.kind == "calendar" and p.whole_year else None
    last_year = bundle.last_month.year - (bundle.last_month.month < 12)   # the latest complete calendar year
    years = range(max(bundle.first_month.year, last_year - 5), last_year + 1) or range(last_year + 1, last_year + 2)
    selected = metrics.in_wards(bundle.crimes, view.wards)
    indexed = metrics.maidstone_vs_kent(DRUGS.rows(selected), bundle.indicators, "drug_offences_district", None, years)
    csvg = metrics.csvg_mix(bundle.indicators, p).set_index("concern")["share"]
    return Drugs(drugs, kent, float(csvg["Substance misuse"]), indexed, years)


def needle_figures(bundle, view: Filter, include_bulk: bool = True) -> Needles:
    """Needle finds for ``view``, with or without bulk incidents."""
    finds = metrics.without_bulk(bundle.needles, include_bulk)
    variant = "" if include_bulk else "without bulk"
    needles = measures.value(bundle, NEEDLES, view, ASSESS_2020, frame=finds, variant=variant)
    np_ = needles.period
    mine = metrics.in_wards(bundle.needles, view.wards)
    guarded = needles.guarded
    monthly, why = (None, needles.missing) if needles.missing else \
        (metrics.needle_monthly(mine, bundle.first_month, bundle.last_month, include_bulk=include_bulk), "")
    if monthly is not None and guarded is not None and guarded.series_hidden():
        monthly, why = None, guarded.series_hidden()
    elif monthly is not None:
        monthly, why = measures.protected(bundle, NEEDLES, view, monthly, whole=finds, variant=variant)
    bulk = int(metrics.in_period(mine, "found", np_)["bulk_incident"].astype(bool).sum())
    # no needle log loaded: the count of bulk finds is unknown, not 0
    bulk_shown = "n/a" if needles.missing else disclosure.small_count(bulk, view.suppress and bool(view.wards)) or bulk
    wards, wards_no_comparison = (None, "") if needles.missing else measures.ward_table(bundle, NEEDLES, np_, view,
                                                                                        frame=finds, variant=variant)
    # The year before's top places only where the data holds every month of it, as for any previous figure.
    shown = (np_,) if needles.previous is None else (np_, np_.previous())
    return Needles(
        needles,
        "n/a" if needles.previous is None else guarded.text(previous=True) if guarded else f"{needles.previous:,.0f}",
        bulk_shown, monthly, why or "", np_, wards, wards_no_comparison,
        None if needles.missing else metrics.needle_points(mine, np_, include_bulk=include_bulk),
        {} if needles.missing else {q.label: disclosure.shown(metrics.top_locations(mine, q, include_bulk=include_bulk),
                                                              "needles", view.suppress) for q in shown})
