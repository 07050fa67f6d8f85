"""Sentences written from the figures: what changed, by how much, whether chance could explain it.

The draft assessment (``smp_dash.draft``) and the data pack say in words what a headline shows.
Every sentence here is built from the same numbers the page shows for the same view and
period, so the document and the dashboard cannot disagree:

- a change beyond chance (exact Poisson test, :mod:`smp_dash.significance`) "rose" or "fell";
- a change within chance is "broadly stable", never a rise or a fall, whatever its sign;
- counts too small to judge say so;
- a figure that is not in the data says why, and one disclosure control hides says that.
"""

from __future__ import annotations

import math

import pandas as pd

from smp_dash import metrics, significance
from smp_dash.measures import Value

STABLE = "broadly stable"


def number(value) -> str:
    """A count as the document writes it: "2,888", "12.5"; "n/a" when unknown."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    value = float(value)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.1f}"


def change(label: str, current: float, previous: float, period: str, previous_period: str, *,
           where: str = "", decimals: int = 0) -> str:
    """A sentence about ``label`` going from ``previous`` (in ``previous_period``) to ``current`` (in ``period``).

    E.g. "Domestic abuse in the whole borough rose 5.7% to 2,888 in 2020 (2,732 in 2019), a change
    beyond chance." A change within chance reads "... held broadly stable at 1,020 in 2020 (1,001 in
    2019, +1.9%), within chance."
    """
    subject = f"{label} {where}".strip()
    test = significance.poisson_change(current, previous)
    then = f"{number(previous)} in {previous_period}"
    pct = metrics.format_pct(metrics.pct_change(current, previous), decimals)
    if current == previous:
        return f"{subject} stayed at {number(current)} in {period} ({then})."
    if test.small_numbers:
        return (f"{subject} numbered {number(current)} in {period} against {then}: too few to judge whether that "
                "is more than chance.")
    if not test.significant:
        return f"{subject} held {STABLE} at {number(current)} in {period} ({then}, {pct}), within chance."
    if previous == 0:
        return f"{subject} rose to {number(current)} in {period} from none in {previous_period}, a change beyond chance."
    verb = "rose" if current > previous else "fell"
    unsigned = metrics.format_pct(metrics.pct_change(current, previous), decimals, signed=False)
    return f"{subject} {verb} {unsigned} to {number(current)} in {period} ({then}), a change beyond chance."


def without_change(label: str, current: float, period: str, why: str, *, where: str = "") -> str:
    """A sentence about a count with no change on the year before, saying why: "ASB (police) in the
    focus area numbered 233 in Dec 2024 to Nov 2025; no comparison: the data covers 11 of the 12
    months of Dec 2023 to Nov 2024 (Dec 2023 missing)."."""
    return f"{f'{label} {where}'.strip()} numbered {number(current)} in {period}; {why}."


def headline(v: Value, *, where: str = "", decimals: int = 0, label: str = "") -> str:
    """The sentence for a measure's headline as the page shows it (:class:`smp_dash.measures.Value`):
    its change, or why there is no figure, no comparison or no change shown."""
    label = label or v.measure.label
    subject = f"{label} {where}".strip()
    p = v.period
    if not v.available:
        return f"{subject}, {p.long_label}: {v.missing}."
    # as the page: a hidden count first, then no comparison, then a change disclosure control hides
    if v.guarded is not None and v.guarded.change_hidden and (v.guarded.hidden or v.comparable):
        if v.guarded.hidden:
            return (f"{subject} in {p.label} is not shown ({v.guarded.text()}): disclosure control hides a count that "
                    "is small or would reveal one.")
        return (f"{subject} numbered {number(v.current)} in {p.label}; the change is not shown (disclosure control: "
                "the year before is small or would reveal a small count).")
    if not v.comparable:
        return without_change(label, v.current, p.label, v.no_comparison, where=where)
    return change(label, v.current, v.previous, p.label, p.previous().label, where=where, decimals=decimals)


def leaders(table: pd.DataFrame | None, *, what: str = "", name: str = "ward_name", value: str = "current",
            period: str = "", n: int = 3) -> str | None:
    """ "High Street, Park Wood and Shepway South recorded the most domestic abuse in 2020." (``what``
    is "domestic abuse") from a ward table as shown (largest first), or None when there is none to
    name. Wards whose count is not a number (hidden by disclosure control) are not named, nor any
    after them."""
    if table is None or not len(table):
        return None
    # A table as published holds text: "1,566", "<5", "hidden". The leading wards are named up to the
    # first count not shown as a number (a hidden ward might have had more than the next one shown).
    counts = pd.to_numeric(table[value].astype(str).str.replace(",", ""), errors="coerce") if value in table else None
    names = []
    for ward, count in zip(table[name].head(n), [] if counts is None else counts.head(n)):
        if not count > 0:
            break
        names.append(str(ward))
    if not names:
        return None
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{listed} recorded the most{f' {what}' if what else ''}{f' in {period}' if period else ''}."

