"""The Shepway task force: the focus wards against the rest of the borough, per resident and over time."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import config, disclosure, measures, metrics
from smp_dash.periods import ASSESS_2020, Period
from smp_dash.selection import Filter, ward_codes

#: The measures compared: name on the page -> measure id.
MEASURES = {"Domestic abuse": "domestic_abuse", "ASB (police)": "asb", "Drug offences": "drug_offences",
            "Needles found": "needles"}


@dataclass(frozen=True)
class TaskForce:
    period: Period
    area: tuple[str, ...]                      # the focus wards' codes
    table: pd.DataFrame | None                 # measure, area, current, previous, pct_change, population, rate
    missing: dict[str, str]                    # measure name -> why it is not in the data
    no_comparison: dict[str, str]              # measure name -> why it has no change on the year before
    guards: dict[str, disclosure.Guarded]      # sensitive measures: the focus area's counts under disclosure control
    rates_why: str                             # why rates per 1,000 are not shown ("" when they are)


def figures(bundle, view: Filter) -> TaskForce:
    """The task force page's figures (always the focus area against the rest; the ward filter does not apply)."""
    p = view.pick(ASSESS_2020)
    area = ward_codes(bundle.ward_codes, config.TASK_FORCE_WARDS)
    missing = {name: why for name, mid in MEASURES.items() if (why := measures.missing(bundle, mid, ASSESS_2020, view))}
    chosen = {name: measures.get(mid) for name, mid in MEASURES.items() if name not in missing}
    frames = {name: (m.rows(getattr(bundle, m.frame)), m.date, m.weight) for name, m in chosen.items()}
    guards = {name: measures.shield(bundle, m).guard(area, p, on=view.suppress) for name, m in chosen.items() if m.sensitive}
    no_comparison = {name: why for name, m in chosen.items() if (why := bundle.no_comparison(p, m.dataset))}
    table = None
    if frames:
        table = metrics.focus_comparison(frames, p, area, bundle.population)
        table = measures.without_previous(table, table["measure"].isin(list(no_comparison)))
        hidden = table["measure"].map(lambda name: name in guards and guards[name].change_hidden)
        table = disclosure.hide_rows(table, hidden, ("current", "previous", "pct_change", "rate"))
    rates_why = "" if len(bundle.population) else \
        f"{measures.NOT_LOADED}: no ward populations for rates per 1,000 (load them through the population template)"
    return TaskForce(p, area, table, missing, no_comparison, guards, rates_why)


def trend(bundle, figures: TaskForce, name: str, view: Filter) -> tuple[pd.DataFrame | None, str]:
    """Monthly counts and rates per 1,000 of measure ``name`` for the focus area and the rest, as they
    may be shown (by quarter, or not, where disclosure control keeps a sensitive measure's months back)."""
    if name in figures.missing:
        return None, figures.missing[name]
    m = measures.get(MEASURES[name])
    frame = metrics.focus_trend(m.rows(getattr(bundle, m.frame)), figures.area, bundle.first_month, bundle.last_month,
                                date=m.date, weight=m.weight, population=bundle.population)
    return measures.protected(bundle, m, view, frame, area=figures.area)
