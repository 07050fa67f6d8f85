"""The Shepway task force: the focus wards against the rest of the borough, per resident and over time."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from smp_dash import blocks, config, disclosure, measures, metrics, narrative
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


COLOUR = "task_force"
#: Its name in the navigation.
NAME = "Shepway task force"
#: Its chapter in the data pack and the draft.
CHAPTER = "The Shepway task force"
#: What its sheets in the workbook start with (Excel allows 31 characters a name).
SHEET = "Task force"
TITLE = "The Maidstone Task Force: Shepway North and Shepway South"
QUESTION = ("How do the task force's focus wards compare with the rest of the borough on domestic abuse, ASB, drugs and "
            "needle finds, per resident and over time?")
#: Where the page's figures are, in a sentence.
WHERE = "in the focus area (Shepway North and Shepway South)"
#: Said with the key figures: the page ignores the ward filter.
FIXED = "The task force's focus area is compared with the rest of the borough; the ward filter does not apply."
RATES_SOURCE = "Kent Police; MBC needle log"


def page(bundle, view: Filter, measure: str = next(iter(MEASURES))) -> blocks.Page:
    """The task force page for ``view``, as every view of it draws it: a key figure per measure (its
    change on the year before in the documents, its rate against the rest's on the tile), the rates
    per 1,000 residents, the figures as a table and ``measure`` by month (the page's alone)."""
    from smp_dash import charts

    f = figures(bundle, view)
    p, colour = f.period, charts.PRIORITY_COLOURS[COLOUR]
    out = blocks.Page(TITLE, QUESTION, where=WHERE, caveats=[t for t in (f.start_note, f.rates_note) if t]
                      + [metrics.SIGNIFICANCE_NOTE])
    out.add(blocks.AgainstRow(tuple(_figure(f, name) for name in MEASURES), note=FIXED))
    shown = f.shown_table()
    rates_title = bundle.mark(f"Rate per 1,000 residents, {p.label}: focus area and the rest", "population")
    if f.rates_why:
        out.add(blocks.Missing("Rates per 1,000 residents, focus area and the rest", f.rates_why))
    elif shown is not None:
        out.add(blocks.Chart("focus_rates", rates_title, charts.bars(shown, x="measure", y="rate", series="area",
                                                                     colour=colour, orientation="v", title=rates_title),
                             shown, RATES_SOURCE, p.label, caveat=f.rates_note),
                blocks.Text(tuple(_rate_sentences(shown, p))))
    if shown is not None:
        out.add(blocks.Table("focus_table", f"Focus area and the rest of the borough, {p.long_label}",
                             shown[["measure", "area", "current", "previous", "pct_change", "rate"]], period=p.label))
    name = measure if measure in MEASURES else next(iter(MEASURES))
    frame, why = trend(bundle, f, name, view) if not f.rates_why else (None, f.rates_why)
    out.add(replace(blocks.monthly(frame, key="focus_trend", why=why, series="area", y="rate", colour=colour,
                                   title=f"{f.labels[name]} per 1,000 residents by month: focus area and the rest",
                                   y_title="per 1,000 residents", highlight=(p.start, p.end), source="Kent Police; MBC",
                                   period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}",
                                   caveat=" ".join(t for t in (f.start_note, f.rates_note) if t),
                                   exclude_outliers=view.exclude_outliers, control=view.control), document=False))
    return out


def _figure(f: TaskForce, name: str) -> blocks.Against:
    """Measure ``name``'s key figure in the focus area: why there is none, disclosure control's "<5" or
    "hidden", or the count with its change on the year before (or why there is none) and, on the tile,
    its rate against the rest of the borough's."""
    p, label = f.period, f.labels[name]
    common = dict(period=p.long_label, notes=(FIXED,))
    if name in f.missing:
        why = f.missing[name]
        return blocks.Against(label, "n/a", why, help=why, caption=why,
                              sentence=f"{label} {WHERE}, {p.long_label}: {why}.", **common)
    table = f.table
    row = table[(table["area"] == "Focus area") & (table["measure"] == name)].iloc[0]
    rest = table[(table["area"] == "Rest of borough") & (table["measure"] == name)].iloc[0]
    guard = f.guards.get(name)
    if guard is not None and guard.change_hidden:
        return blocks.Against(label, guard.text(), "not shown (disclosure control)", help=disclosure.HIDDEN_HELP,
                              current=None if guard.hidden else row["current"],
                              sentence=f"{label} {WHERE}, {p.label}: not shown (disclosure control).", **common)
    if name in f.no_comparison:
        why = f.no_comparison[name]
        shown = blocks.Headline(label, blocks.number(row["current"]), why, current=row["current"],
                                sentence=narrative.without_change(label, row["current"], p.label, why, where=WHERE),
                                help=f"{why}.", **common)
    else:
        shown = blocks.change(label, row["current"], row["previous"], p, where=WHERE, **common)
    if f.rates_why:
        return blocks.Against(**{**vars(shown), "delta": None, "colour": "off",
                                 "help": " ".join(t for t in (f.rates_why, shown.help) if t)})
    gap = row["rate"] - rest["rate"]
    return blocks.Against(**{**vars(shown), "colour": "off", "arrow": "up" if gap > 0 else "down" if gap < 0 else "off",
                             "delta": f"{row['rate']:.1f} per 1,000, "
                                      f"{'higher than' if gap > 0 else 'lower than' if gap < 0 else 'as'} "
                                      f"the rest ({rest['rate']:.1f})"})


def _rate_sentences(shown: pd.DataFrame, p: Period) -> list[str]:
    """Each measure's rate in the focus area against the rest's, in words."""
    import math

    out = []
    for name, row in shown.pivot(index="measure", columns="area", values="rate").iterrows():
        if pd.notna(row.get("Focus area")) and pd.notna(row.get("Rest of borough")):
            ratio = row["Focus area"] / row["Rest of borough"] if row["Rest of borough"] else math.nan
            out.append(f"{name} per 1,000 residents in {p.label}: {row['Focus area']:.1f} in the focus area "
                       f"against {row['Rest of borough']:.1f} in the rest of the borough"
                       + (f" ({ratio:.1f} times the rest's rate)." if math.isfinite(ratio) else "."))
    return out
