"""Scenarios: a seasonal baseline for the next 12 months, what-if levers on top, and the partner work they bring.

The method is :mod:`smp_dash.scenarios`; this is what the page shows of it for a measure, a set of
levers and a scenario's name: the projection's totals, its chart with the recorded months before it
(kept back where disclosure control says so), the partner workload at current ratios, and the method.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import blocks, charts, measures, scenarios
from smp_dash.selection import Filter
from smp_dash.wording import mid_sentence

#: Its name in the navigation.
NAME = "Scenarios"
TITLE = "Scenarios: what if?"
QUESTION = ("What might the next 12 months bring, and what would a tournament summer, a one-off event or a change in "
            "recording practice add, for the police and for partners?")
#: The priority each measure belongs to (its colour on every chart).
PRIORITIES = {"Domestic abuse": "domestic_abuse", "ASB incidents": "asb_community_protection",
              "Drug offences": "substance_misuse", "Needles found": "substance_misuse"}
#: What a measure's series leaves out of its source's rows (``scenarios.measure_series``).
LEFT_OUT = {"Needles found": "bulk finds left out"}
#: Recorded months drawn before the projection.
HISTORY = 36
#: The workload table's columns as the page shows them, in order.
WORKLOAD_COLUMNS = {"item": "Partner work", "extra": "Extra in the next 12 months", "per_case": "Per case"}
#: Projections a bundle keeps, one per measure and view (viewers choose the wards, so the memory is bounded).
KEPT = 64
#: Why a selection whose recorded months disclosure control keeps back gets no projection either.
WITHHELD = ("Projection not shown: it is made from the recorded months, so for a selection with small counts "
            "it would show them (a flat projection's 12 months equal the last 12 months recorded). Choose more "
            "wards, or the whole borough.")
SHARE = "Copy this link to share the scenario: the address bar holds its name, the levers and the ward filter."


def page(bundle, view: Filter, *, measure: str | None = None, levers: scenarios.Levers | None = None,
         name: str = "") -> blocks.Page:
    """The Scenarios page for ``view``: ``measure`` (one of ``scenarios.offered``; the first offered by
    default) projected over the next 12 months, with ``levers`` (no change by default) on top, under
    the scenario's ``name`` (text typed by a user or a link: never markup)."""
    if measure is not None and measure not in scenarios.MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {', '.join(scenarios.MEASURES)}")
    offered, not_offered = scenarios.offered(bundle)
    out = blocks.Page(TITLE, QUESTION, where=blocks.where(view))
    if not offered:
        out.add(blocks.Missing("Scenarios, the next 12 months", not_offered))
        return out
    measure = measure or offered[0]
    if not_offered:
        out.add(blocks.Caption(f"Not offered: {not_offered}"))
    if measure not in offered:      # a link from a store that held it
        out.add(blocks.Missing(f"{measure}, the next 12 months", scenarios.missing(bundle, measure)))
        return out

    levers = levers or scenarios.Levers()
    labels = list(scenarios.horizon(bundle.last_month))
    span, named, described = f"{labels[0]} to {labels[-1]}", name.strip(), scenarios.describe(levers)
    start = _start(bundle, measure, view)
    projected = scenarios.apply(start.base, levers)
    sums = scenarios.totals(projected)
    scope = f"the selected wards ({view.area})" if view.wards else "the whole borough"
    heading = blocks.Heading(f"{blocks.plain(named or scenarios.UNNAMED)}: {mid_sentence(measure)}, {view.area}, {span}")
    if start.why:   # a projection is made of the months kept back: a flat one's 12 months are their last 12 months' count
        out.add(heading, blocks.Missing(f"{measure}, projected, {view.area}", f"{WITHHELD} {start.why}"),
                _method(""))      # its details (phi) come from the counts too
        return out
    out.add(heading, blocks.said(described, "Scenario"),
            blocks.Caption(f"The projection uses {scope}; change the wards in the sidebar. The period filter does not "
                           f"apply: projections start after the latest month of data ({bundle.last_month:%b %Y}).",
                           document=False),
            _headlines(bundle, measure, sums, span),
            _chart(bundle, view, measure, start, projected, span, caveat=f"Scenario: {described}",
                   export=scenarios.export_table(projected, named, described)),
            blocks.Heading("Partner workload at current ratios"),
            *_workload(bundle, measure, start, sums["extra"], span),
            _method(start.base.attrs["method_text"]),
            blocks.Caption(SHARE, document=False))
    return out


@dataclass(frozen=True)
class _Start:
    """What every scenario of a measure in a view starts from, whatever its levers."""

    base: pd.DataFrame        # the baseline projection (scenarios.project)
    history: pd.DataFrame     # the recorded months drawn before it
    recorded: str             # "Apr 2018 to Mar 2021 recorded; "
    why: str                  # why disclosure control keeps the recorded months back ("": shown), and so the projection
    ratios: dict              # partner cases per case (scenarios.current_ratios) and their basis in words
    basis: str


def _start(bundle, measure: str, view: Filter) -> _Start:
    """The projection, recorded months and ratios of ``measure`` for ``view``, worked out once per data
    version and kept in the bundle, so moving a lever only applies the levers."""
    kept = bundle.memo.setdefault("scenarios", {})
    key = (measure, view.wards, view.suppress)
    start = kept.get(key)
    if start is None:
        series = scenarios.measure_series(bundle, measure, view.wards)
        history = series.tail(HISTORY)
        recorded = f"{history['month'].iloc[0]:%b %Y} to {history['month'].iloc[-1]:%b %Y} recorded; "
        _, why = scenarios.recorded(bundle, measure, view, history)
        start = _Start(scenarios.project(series), history, recorded, why, scenarios.current_ratios(bundle, measure),
                       scenarios.ratio_basis(bundle, measure))
        if len(kept) >= KEPT:
            kept.clear()
        kept[key] = start
    return start


def _method(details: str) -> blocks.Expander:
    """The method, and how this projection used it (``details``, in plain words: the documents' note)."""
    return blocks.Expander("Method", (blocks.said(scenarios.METHOD, document=False),
                                      *([blocks.Caption(details)] if details else [])))


def _mark(bundle, measure: str, text: str, *more: str) -> str:
    """``text`` marked as demonstration data where the measure's dataset (or ``more``) must say so."""
    return bundle.mark(text, measures.get(scenarios.MEASURE_IDS[measure]).dataset, *more)


def _headlines(bundle, measure: str, sums: dict, span: str) -> blocks.Headlines:
    """The baseline (its 95% band on hover), the scenario and the extra cases, over the next 12 months."""
    return blocks.Headlines((
        blocks.Headline(_mark(bundle, measure, "Baseline, next 12 months"), f"{sums['baseline']:,.0f}", period=span,
                        current=sums["baseline"], help=f"95% band {sums['lower']:,.0f} to {sums['upper']:,.0f}"),
        blocks.Headline(_mark(bundle, measure, "Scenario, next 12 months"), f"{sums['scenario']:,.0f}", period=span,
                        current=sums["scenario"]),
        blocks.Headline(_mark(bundle, measure, "Extra cases"), f"{sums['extra']:+,.0f}", period=span,
                        current=sums["extra"], help="Scenario less baseline, over the next 12 months.")))


def _chart(bundle, view: Filter, measure: str, start: _Start, projected: pd.DataFrame, span: str, *,
           export: pd.DataFrame, caveat: str) -> blocks.Chart:
    """The recorded months and the projection with its band and the scenario."""
    title = _mark(bundle, measure, f"{measure} by month, {blocks.plot_text(view.area)}: "
                                   f"recorded, and projected with a 95% band")
    source = measures.get(scenarios.MEASURE_IDS[measure]).source
    figure = scenarios.projection_figure(start.history, projected, title=title,
                                         colour=charts.PRIORITY_COLOURS[PRIORITIES[measure]])
    return blocks.Chart("scenario", title, figure, export, f"{source} ({LEFT_OUT[measure]})" if measure in LEFT_OUT
                        else source, f"{start.recorded}{span} projected",
                        caveat=caveat)


def _workload(bundle, measure: str, start: _Start, extra: float, span: str) -> tuple:
    """The partner work the extra cases bring at current ratios (no table where none is held), and
    the ratios' basis in words."""
    basis = blocks.Caption(bundle.mark(start.basis, *([scenarios.RATIO_DATASETS[measure]] if start.ratios else [])))
    if not start.ratios:
        return (basis,)
    work = scenarios.workload(extra, start.ratios)
    shown = work.assign(extra=work["extra"].round(1), per_case=work["per_case"].round(3))[list(WORKLOAD_COLUMNS)]
    return (blocks.Table("scenario_workload", _mark(bundle, measure, f"Partner work the extra cases bring, {span}",
                                                    scenarios.RATIO_DATASETS[measure]),
                         shown.rename(columns=WORKLOAD_COLUMNS), period=f"{span} projected", ranked=10), basis)
