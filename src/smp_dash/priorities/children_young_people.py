"""Children and young people: youth justice by financial year, and complaints about young people gathering."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import measures, metrics
from smp_dash.periods import CAL_2020, YOUTH_2019, Period
from smp_dash.selection import Filter

GATHERING = measures.get("youths_gathering")


@dataclass(frozen=True)
class ChildrenYoungPeople:
    youth_period: Period
    youth: dict                        # metrics.youth_summary
    youth_note: str                    # said when the view's period has no youth justice figures
    convicted_share: float
    gathering: pd.DataFrame | None     # month, value for the selected wards
    gathering_why: str
    gathering_period: Period
    youth_years: str                   # the financial years the youth offences series covers ("2014/15 to 2019/20")
    band_years: str                    # the years of the age bands ("2018/19 and 2019/20")
    demo: bool                         # youth justice figures are demonstration data beside real data


def figures(bundle, view: Filter) -> ChildrenYoungPeople:
    """The children and young people page's figures for ``view``."""
    yp = view.pick(YOUTH_2019, "indicators")
    youth = metrics.youth_summary(bundle.indicators, yp)
    note = ""
    if yp.kind != "financial" or youth["offences"] != youth["offences"]:
        published = metrics.youth_summary(bundle.indicators, YOUTH_2019)
        if published["offences"] == published["offences"]:
            note = (f"Youth justice figures are published by financial year; the data in use holds them to "
                    f"{YOUTH_2019.label}, so {YOUTH_2019.label} is shown.")
            yp, youth = YOUTH_2019, published
        else:
            note = f"{measures.NOT_LOADED}: no youth justice figures (indicators) for {yp.label}."
    why = measures.missing(bundle, GATHERING) or ""
    return ChildrenYoungPeople(
        yp, youth, note,
        metrics.indicator_value(bundle.indicators, "youth_population_convicted_share", f"{yp.start:%Y-%m-%d}"),
        None if why else measures.series(bundle, GATHERING, view.wards), why, view.pick(CAL_2020, GATHERING.dataset),
        _span(youth["series"]["label"], " to "), _span(youth["bands"]["label"], " and "),
        bundle.demonstration("indicators"))


def _span(labels: pd.Series, joined: str) -> str:
    """The first and last of ``labels`` (in order), e.g. "2014/15 to 2019/20"; "" when there are none."""
    years = list(dict.fromkeys(labels))
    return "" if not years else years[0] if len(years) == 1 else f"{years[0]}{joined}{years[-1]}"
