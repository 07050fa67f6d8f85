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
    rates_note: str                            # what the rates rest on: the ward populations and their source
    start_note: str                            # what can be said of the task force's impact for ``period`` ("" nothing)
    labels: dict[str, str]                     # measure name -> as shown (marked when it is demonstration data)

    def shown_table(self) -> pd.DataFrame | None:
        """The table with each measure named as shown (:attr:`labels`)."""
        return None if self.table is None else self.table.assign(measure=self.table["measure"].map(self.labels))


def figures(bundle, view: Filter) -> TaskForce:
    """The task force page's figures (always the focus area against the rest; the ward filter does not apply)."""
    p = view.pick(ASSESS_2020)
    area = ward_codes(bundle.ward_codes, config.TASK_FORCE_WARDS)
    # every measure for the one period compared: a dataset that does not cover it has no figure, not a 0
    missing = {name: why for name, mid in MEASURES.items() if (why := measures.missing(bundle, mid, period=p))}
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
    rates_why = measures.NO_POPULATION if bundle.population.empty else ""
    labels = {name: measures.marked(name, bundle.demonstration(measures.get(mid).dataset)) for name, mid in MEASURES.items()}
    return TaskForce(p, area, table, missing, no_comparison, guards, rates_why,
                     "" if rates_why else measures.population_note(bundle.population, p.end.year), start_note(p), labels)


def start_note(p: Period, start: str | None = None, early: int | None = None) -> str:
    """What a figure for ``p`` can say of the task force's impact: that the task force began after ``p``,
    or that ``p`` ends too soon after it began to judge (within ``early`` months, default
    ``config.TASK_FORCE_EARLY_MONTHS``, of ``start``, default ``config.TASK_FORCE_START``); "" later,
    when neither is true."""
    began = pd.Timestamp(f"{start or config.TASK_FORCE_START}-01")
    after = (p.end.year - began.year) * 12 + p.end.month - began.month
    if after < 0:
        return f"The task force began in {began:%B %Y}, after this period."
    if after < (config.TASK_FORCE_EARLY_MONTHS if early is None else early):
        return f"The task force began in {began:%B %Y}: too soon to judge its impact."
    return ""


def trend(bundle, figures: TaskForce, name: str, view: Filter) -> tuple[pd.DataFrame | None, str]:
    """Monthly counts and rates per 1,000 of measure ``name`` for the focus area and the rest, as they
    may be shown (by calendar year, or not, where disclosure control keeps a sensitive measure's months back)."""
    if name in figures.missing:
        return None, figures.missing[name]
    m = measures.get(MEASURES[name])
    frame = metrics.focus_trend(m.rows(getattr(bundle, m.frame)), figures.area, bundle.first_month, bundle.last_month,
                                date=m.date, weight=m.weight, population=bundle.population)
    return measures.protected(bundle, m, view, frame, area=figures.area)
