"""MoRiLE priorities: the themes ranked on threat, risk and harm (``smp_dash.morile``) for a view, and
which single weight change would reorder the top five.

A theme that names a data measure takes its volume and trend from the data for the view's wards and
period; where the data does not hold the measure the sheet's judged scores stand, and a sentence
says which and why (missing is never 0).

Disclosure control: three of the measures are sensitive (domestic abuse, hate crime, needle finds
without bulk finds). With the view's disclosure control on, each of their counts is asked of the
measure's :class:`~smp_dash.protection.Protection` (``measures.shield``), as every page asks it, so
no view shows what another hides: a hidden count reads "<5" or "hidden", and a change against a
hidden year "not shown". A hidden count is not used for the scores either: its theme keeps the
sheet's judged volume and trend, as a theme whose measure is not loaded does; a hidden change leaves
the judged trend. That is the safe choice, as every figure shown is worked from the scores: a volume
score from a hidden count would bound it (1 says fewer than 50), and the priority score, the rank,
the move against the default and the sensitivity table would pass the bound on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from smp_dash import blocks, config, measures, metrics, morile
from smp_dash.periods import CAL_2020, Period
from smp_dash.selection import Filter, ward_codes

#: Its name in the navigation, and its chapter.
NAME = "MoRiLE priorities"
#: What its sheets in the workbook start with (Excel allows 31 characters a name).
SHEET = "MoRiLE"
TITLE = "MoRiLE priorities"
QUESTION = ("Which themes carry the most threat, risk and harm, and would other weights change the order? The "
            "assessment ranks themes with the MoRiLE matrix (Appendix 2).")
SENSITIVITY = "Which single weight change would reorder the top five?"
#: Where the ranking's scores come from, under its chart.
SHEET_SOURCE = "MoRiLE scoring sheet on this page"
#: Said under the ranking and noted in the documents (which always use the defaults).
DEFAULTS = ("Scores and weights here are the illustrative defaults; the MoRiLE page shows the effect of other "
            "weights and of the partnership's own scoring sheet.")
CHANGED = ("Scores or weights here differ from the illustrative defaults; 'vs default' is each theme's move from "
           "its rank under them.")
#: A change disclosure control keeps back, in the volume and trend table.
NOT_SHOWN = "not shown"
#: The needle finds MoRiLE counts (bulk finds left out), named as the substance misuse page names
#: them, so both ask the same Protection.
WITHOUT_BULK = "without bulk"


@dataclass(frozen=True)
class Figures:
    period: Period
    measures: dict                # data measure -> (count, % change) the scores use: what disclosure control lets through
    hidden: dict                  # data measure -> "<5" or "hidden": counts it keeps back (scored on judgement)
    change_hidden: tuple          # data measures whose change it keeps back (trend on judgement)
    lacking: tuple                # data measures the data loaded does not hold for the period


def figures(bundle, view: Filter) -> Figures:
    """The data measures for ``view`` (its wards; calendar 2020 or the period it picks), as it may show them."""
    p = view.pick(CAL_2020)
    town = ward_codes(bundle.ward_codes, config.TOWN_CENTRE_WARDS)
    counted = morile.measures_from_data(bundle.crimes, bundle.asb, bundle.needles, p, wards=view.wards,
                                        town_centre=town, coverage=bundle.coverage)
    usable, hidden, change_hidden = {}, {}, []
    for key, (count, change) in counted.items():
        guarded = _guard(bundle, view, key, p)
        if guarded is not None and guarded.hidden:
            hidden[key] = guarded.text()
        elif guarded is not None and guarded.change_hidden and not math.isnan(change):
            usable[key] = (count, math.nan)
            change_hidden.append(key)
        else:
            usable[key] = (count, change)
    lacking = tuple(k for k in morile.MEASURES if k not in counted and (k != "nte_violence" or town))
    return Figures(p, usable, hidden, tuple(change_hidden), lacking)


def page(bundle, view: Filter, *, weights=None, sheet=None) -> blocks.Page:
    """The MoRiLE page for ``view``, as every view of it draws it: the page, and for the defaults the
    pack, the draft and the workbook.

    Parameters
    ----------
    weights : mapping or tuple of (criterion, weight) pairs, optional
        The weights (``morile.DEFAULT_WEIGHTS`` for those not given).
    sheet : DataFrame or tuple of rows, optional
        A valid scoring sheet (``morile.validate_sheet``), or its rows (``morile.sheet_rows``: a
        cache's key); ``morile.default_sheet()`` when not given.
    """
    f = figures(bundle, view)
    w, base = morile.check_weights(weights), _sheet(sheet)
    default = w == dict(morile.DEFAULT_WEIGHTS) and morile.sheet_rows(base) == morile.DEFAULT_ROWS
    with_data = morile.data_likelihood(base, f.measures)
    scored = morile.score(with_data, w)
    table = morile.ranking_table(scored, scored if default else
                                 morile.score(morile.data_likelihood(morile.default_sheet(), f.measures)))
    table = table.assign(priority_area=table["priority_area"].map(lambda key: morile.AREA_NAMES.get(key, key)))
    detail = morile.sensitivity(with_data, w)
    p = f.period
    out = blocks.Page(TITLE, QUESTION, where=blocks.where(view), caveats=[morile.CAVEAT])
    out.add(blocks.Expander("How the priority score is worked out", (blocks.said(morile.METHOD, document=False),),
                            icon=":material/functions:"),
            blocks.Heading(f"Ranking, {view.area}"),
            _ranking(table, view, p, default),
            blocks.Text((_top_five(table["theme"].head(5).tolist(), f, default),)),
            blocks.Caption(DEFAULTS if default else CHANGED),
            blocks.Heading(SENSITIVITY),
            *_sensitivity(detail),
            blocks.Heading(f"Volume and trend from the data, {p.long_label}"),
            blocks.Listing("morile_data", f"Volume and trend from the data, {view.area}, {p.long_label}",
                           _volume(bundle, with_data, f), f"{morile.DATA_SOURCE}, {view.area}; scores: the MoRiLE "
                           "scoring sheet above", p.long_label, document=False),
            *_judged(f))
    return out


def _guard(bundle, view: Filter, key: str, p: Period):
    """What disclosure control lets the view show of a sensitive data measure's count (None: not asked)."""
    measure = measures.get(morile.MEASURE_IDS[key])
    if not (measure.sensitive and view.suppress):
        return None
    frame, variant = (metrics.without_bulk(bundle.needles, False), WITHOUT_BULK) if measure.frame == "needles" \
        else (None, "")
    return measures.shield(bundle, measure, frame=frame, variant=variant).guard(view.wards, p)


def _sheet(sheet) -> pd.DataFrame:
    if sheet is None:
        return morile.default_sheet()
    return sheet if isinstance(sheet, pd.DataFrame) else morile.sheet_from_rows(sheet)


def _ranking(table: pd.DataFrame, view: Filter, p: Period, default: bool) -> blocks.Ranking:
    from smp_dash import charts

    title = f"Priority score, {blocks.plot_text(view.area)}"
    figure = charts.bars(table, x="theme", y="priority", orientation="h", sort=False, title=title,
                         colour=charts.PRIORITY_COLOURS["overview"], highlight=table["theme"].head(5).tolist(),
                         height=90 + 30 * len(table))
    used = "default scores and weights" if default else "scores and weights as set on the MoRiLE page"
    return blocks.Ranking(
        blocks.Table("morile_ranking", f"Priority ranking, {view.area}, {p.long_label} ({used})", table,
                     period=p.long_label, ranked=len(table)),
        blocks.Chart("morile_ranking", title, figure, table, SHEET_SOURCE, p.long_label, caveat=morile.CAVEAT),
        columns=("rank", "theme", "priority", "change"),
        document_columns=("rank", "theme", "priority_area", "priority", "harm", "likelihood"))


def _top_five(top: list[str], f: Figures, default: bool) -> str:
    p = f.period
    source = (f"volume and trend from the data for {p.label}" if f.measures else
              f"the sheet's judged volume and trend (disclosure control hides what the data holds for {p.label})"
              if f.hidden else
              f"the sheet's judged volume and trend (the data loaded holds none of its measures for {p.label})")
    scores = "the default MoRiLE scores and equal weights" if default else "the MoRiLE scores and weights set"
    themes = f"{', '.join(top[:-1])} and {top[-1]}" if len(top) > 1 else top[0]
    return (f"With {scores}, and {source}, the {_five(len(top))} carrying the most threat, risk and harm "
            f"{'are' if len(top) > 1 else 'is'}: {themes}.")


def _five(n: int) -> str:
    return "five themes" if n == 5 else "theme" if n == 1 else f"{n} themes"


def _sensitivity(detail: pd.DataFrame) -> tuple:
    summary = morile.sensitivity_summary(detail)
    smallest = pd.DataFrame({"weight": summary["label"], "smallest_change": summary["smallest_change"],
                             "what_moves": summary["moves"]})
    tried = pd.DataFrame({"weight": detail["weight"].map(morile.LABELS), "weight_tried": detail["value"],
                          "reorders": detail["reorders"], "top_five": detail["top"]})
    return (blocks.Table("morile_sensitivity", "The smallest change to each weight that reorders the top five",
                         smallest, ranked=len(smallest), document=False),
            blocks.Expander("Every change tried, with the new top five",
                            (blocks.Table("morile_sensitivity_tried", "One weight changed at a time, the others as set",
                                          tried, document=False),)),
            blocks.Caption(morile.SENSITIVITY_NOTE, document=False))


def _volume(bundle, sheet: pd.DataFrame, f: Figures) -> pd.DataFrame:
    """Each theme scored from the data, or that would be but for disclosure control: its measure (marked
    when demonstration data), count and change as shown, and the volume and trend scores used."""
    rows = sheet[sheet["data_measure"].isin([*f.measures, *f.hidden])]
    keys = rows["data_measure"].tolist()
    count = [f.hidden[k] if k in f.hidden else blocks.number(f.measures[k][0]) for k in keys]
    change = [NOT_SHOWN if k in f.hidden or k in f.change_hidden else metrics.format_pct(f.measures[k][1], 1)
              for k in keys]
    return pd.DataFrame({"theme": rows["theme"].to_numpy(),
                         "measure": [bundle.mark(morile.MEASURES[k], morile.DATASETS[k]) for k in keys],
                         "count": count, "change": change, "volume_score": rows["likelihood_volume"].to_numpy(),
                         "trend_score": rows["likelihood_trend"].to_numpy()})


def _judged(f: Figures) -> tuple:
    """What is scored on judgement and why: not in the data loaded, or kept back by disclosure control."""
    labels = lambda keys: ", ".join(morile.MEASURES[k] for k in keys)  # noqa: E731
    p, said = f.period, []
    if (f.measures or f.hidden) and f.lacking:
        said.append(blocks.Said((f"Not in the data loaded for {p.label}, so scored on judgement: "
                                 f"{labels(f.lacking)}.",)))
    if f.hidden:
        said.append(blocks.Said((f"Hidden by disclosure control, so volume and trend are scored on judgement: "
                                 f"{labels(f.hidden)}.",)))
    if f.change_hidden:
        said.append(blocks.Said((f"Change on {p.previous().label} not shown (disclosure control), so the trend is "
                                 f"scored on judgement: {labels(f.change_hidden)}.",)))
    return tuple(said)
