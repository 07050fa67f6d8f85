"""ASB and community protection: police ASB, council complaints and requests, ASB by ward, enforcement."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from smp_dash import measures, metrics
from smp_dash.periods import ASSESS_2020, CAL_2020, period
from smp_dash.selection import Filter

ASB, COUNCIL_ASB, REQUESTS = measures.get("asb"), measures.get("council_asb"), measures.get("service_requests")


@dataclass(frozen=True)
class CommunityProtection:
    police: measures.Value
    council: measures.Value
    asb: pd.DataFrame | None                # the selected wards' ASB rows (cube), for the overlay chart
    council_asb: pd.DataFrame | None        # the selected wards' council ASB complaints (cube)
    requests: pd.DataFrame | None           # the selected wards' service requests (cube)
    categories: pd.DataFrame | None         # category, current, previous, change, pct_change, label
    wards: pd.DataFrame | None              # ASB by ward (whole borough)
    wards_no_comparison: str                # why the ward table has no change on the year before ("" when it has)
    year: int
    enforcement: pd.DataFrame               # metrics.enforcement_table for ``year``
    encampments: pd.DataFrame
    trigger: str                            # the community trigger sentence for ``year`` ("" when not loaded)
    trigger_why: str                        # why it is left out ("" when it is said)
    enforcement_why: str                    # why warnings and notices are not shown ("" when they are)
    encampments_why: str


def figures(bundle, view: Filter) -> CommunityProtection:
    """The ASB and community protection page's figures for ``view``."""
    police = measures.value(bundle, ASB, view, ASSESS_2020, label="Police-recorded ASB")
    council = measures.value(bundle, COUNCIL_ASB, view, ASSESS_2020)
    p = police.period if police.available else council.period
    police = _labelled(police)
    council = _labelled(council)
    requests = None if council.missing and not bundle.loaded("service_requests") else \
        metrics.in_wards(bundle.requests, view.wards)
    categories = None
    if requests is not None and len(requests):
        categories = metrics.compare(requests, "month", council.period, by="category", weight="n")
        categories["label"] = metrics.change_labels(categories)
        categories = measures.against(categories, council)
    year = view.pick(CAL_2020).end.year
    wards, wards_no_comparison = (None, "") if police.missing else measures.ward_table(bundle, ASB, p)
    trigger = trigger_sentence(bundle.indicators, year)
    return CommunityProtection(
        police, council, None if police.missing else metrics.in_wards(bundle.asb, view.wards),
        None if council.missing else COUNCIL_ASB.rows(requests), requests if requests is not None and len(requests) else None,
        categories, wards, wards_no_comparison, year, metrics.enforcement_table(bundle.enforcement, year),
        metrics.encampment_summary(bundle.encampments),
        trigger, "" if trigger else f"Community triggers, {year}: {measures.NOT_LOADED} (the indicators template).",
        measures.not_loaded(bundle, "enforcement") or _none_in(bundle.enforcement, "issued", year),
        measures.not_loaded(bundle, "encampments"))


def _none_in(rows: pd.DataFrame, date: str, year: int) -> str:
    """Why a loaded dataset has nothing to say of ``year`` ("" when it holds rows dated in it)."""
    return "" if (rows[date].dt.year == year).any() else f"{measures.NOT_LOADED}: no rows dated in {year}"


def trigger_sentence(indicators: pd.DataFrame, year: int) -> str:
    """The community trigger case reviews instigated in ``year``, from its figure ("1 case review
    instigated in 2020."); "" when the year's figure is not loaded."""
    row = metrics.indicator_latest(indicators, "community_triggers", within=period("calendar", year))
    if row is None:
        return ""
    n = float(row["value"])
    return f"{n:,.0f} case review{'' if n == 1 else 's'} instigated in {year}."


def _labelled(value: measures.Value) -> measures.Value:
    return replace(value, label=f"{value.label}, {value.period.label}")
