"""Mental health: section 136 by calendar year, referrals by age band, the CSVG case mix (borough-wide)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import measures, metrics
from smp_dash.periods import CAL_2020, Period, period
from smp_dash.selection import Filter


@dataclass(frozen=True)
class MentalHealth:
    period: Period
    note: str                        # said when the view's year has no figures, or none are loaded
    s136: float
    s136_previous: float
    s136_series: pd.DataFrame        # year, value, source
    referrals: pd.DataFrame          # age_band, current, previous, pct_change
    csvg: pd.DataFrame               # concern, share


def figures(bundle, view: Filter) -> MentalHealth:
    """The mental health page's figures: the view's calendar year, or the latest the figures reach."""
    series = metrics.indicator_series(bundle.indicators, "section_136_uses")
    series = series.assign(year=series["period_start"].dt.year.astype(str))
    value = lambda q: metrics.indicator_value(bundle.indicators, "section_136_uses", f"{q.start:%Y-%m-%d}")  # noqa: E731
    p, note = view.pick(CAL_2020, "indicators"), ""
    if series.empty:
        note = f"{measures.NOT_LOADED}: no section 136, referral or CSVG figures (the indicators template)."
    elif p.kind != "calendar" or value(p) != value(p):
        latest = period("calendar", int(series["period_start"].max().year))
        note = (f"Section 136 and referral figures are published by calendar year; the data in use holds them to "
                f"{latest.label}, so {latest.label} is shown.")
        p = latest
    return MentalHealth(p, note, value(p), value(p.previous()), series[["year", "value", "source"]],
                        metrics.referral_table(bundle.indicators, p), metrics.csvg_mix(bundle.indicators))
