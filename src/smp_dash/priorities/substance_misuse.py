"""Substance misuse: drug offences against Kent, and needle finds with or without bulk incidents."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import blocks, disclosure, measures, metrics, schema
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


COLOUR = "substance_misuse"
#: Its name in the navigation, and its chapter.
NAME = "Substance misuse"
#: What its sheets in the workbook start with (Excel allows 31 characters a name).
SHEET = "Substance"
TITLE = "Reducing the impact of substance misuse on our community"
QUESTION = ("Are drug offences and discarded needles rising, where are needles found, and what is being done? "
            "Delivered through the Community Protection Team and Licensing.")
#: The page's option: bulk needle finds in or out (a toggle kept in the address).
BULK_OPTION = "Include bulk incidents"
BULK_HELP = ("A bulk incident is a single find of bagged, unused needles, which can hold most of a year's needles; "
             "exclude them to see the usual pattern.")
#: The heading that opens the needle finds, where the page offers :data:`BULK_OPTION`.
NEEDLE_HEADING = "Needle finds"
WITHOUT_BULK = "Needles found, without bulk incidents"
NEEDLE_SOURCE = "Maidstone Borough Council waste team needle log, including needle bins"
INDEXED_SOURCE = "Kent Police recorded crime; Kent district figures"


def page(bundle, view: Filter, include_bulk: bool = True) -> blocks.Page:
    """The substance misuse page for ``view`` (bulk needle finds in or out), as every view of it draws
    it: the page, the pack, the draft and the workbook (which take bulk finds in)."""
    from smp_dash import charts

    drugs, needles = figures(bundle, view, include_bulk)
    colour, where = charts.PRIORITY_COLOURS[COLOUR], blocks.where(view)
    out = blocks.Page(TITLE, QUESTION, where=where, actions="substance_misuse",
                      caveats=[*measures.POLICE_CAVEATS, drugs.drugs.measure.caveat,
                               "One needle find can hold many needles; bulk incidents of bagged, unused needles can "
                               "dominate a year."])
    out.add(*_drug_blocks(bundle, view, drugs, colour, where), *_needle_blocks(bundle, view, needles, include_bulk,
                                                                                 colour, where),
            blocks.Heading("Action plan"), blocks.Actions("substance_misuse"))
    return out


def _drug_blocks(bundle, view: Filter, f: Drugs, colour: str, where: str) -> list:
    from smp_dash import charts

    p = f.drugs.period
    tiles = [blocks.headline(f.drugs, where=where)]
    if f.kent is not None and len(f.kent):
        total, before = f.kent["current"].sum(), f.kent["previous"].sum()
        tiles.append(blocks.Headline(bundle.mark("Drug offences, Kent", "indicators"), blocks.number(total),
                                     delta=f"{metrics.format_pct(metrics.pct_change(total, before))} "
                                           f"({int(total - before):+,})", period=p.long_label, document=False))
    tiles.append(blocks.Headline(bundle.mark("CSVG closed cases with substance misuse", "indicators"),
                                 blocks.percent(f.csvg_share), period=p.long_label, document=False,
                                 help=p.label if f.csvg_share == f.csvg_share else
                                 f"{measures.NOT_LOADED}: no CSVG case mix for {p.label} ({schema.template('indicators')})"))
    years, kent_drawn = f.indexed_years, bool((f.indexed["area"] == "Kent").any())
    title = bundle.mark(f"Drug offences, Maidstone and Kent, indexed to {years[0]} = 100",
                        *(("crimes", "indicators") if kent_drawn else ("crimes",)))
    # an index needs a first year with offences in it; with no crimes loaded, say so, never draw 0
    drawn = not f.drugs.missing and bool(((f.indexed["year"] == years[0]) & (f.indexed["value"] > 0)).any())
    indexed = blocks.Chart(
        "drugs_indexed", title, charts.indexed_lines(f.indexed, base=years[0], title=title) if drawn else None, f.indexed if drawn else None,
        INDEXED_SOURCE, f"Calendar years {years[0]} to {years[-1]}",
        missing="" if drawn else f.drugs.missing or
        f"{measures.NOT_LOADED} (drug offences and Kent's figures for the same years)",
        caveat=("Kent is the Kent Police area (12 districts and Medway). " if kent_drawn else
                f"{measures.NOT_LOADED}: Kent's district figures (indicators): Maidstone only. ")
        + ("Maidstone is the whole borough." if not view.wards else "Maidstone is the selected wards."))
    return [blocks.Heading(f"Drug offences, {p.long_label}"), blocks.Headlines(tuple(tiles)),
            blocks.Caption(f.drugs.measure.caveat, document=False), indexed]


def _needle_blocks(bundle, view: Filter, f: Needles, include_bulk: bool, colour: str, where: str) -> list:
    np_, mark = f.period, lambda text: bundle.mark(text, "needle_finds")
    rough = "Needles, not finds: one find can hold many needles, so the test is a rough guide."
    tiles = [blocks.headline(f.needles, where=where, help=rough, label="" if include_bulk else WITHOUT_BULK)]
    if include_bulk:   # the figure without them too, as the documents state it
        without = measures.value(bundle, NEEDLES, view, ASSESS_2020, frame=metrics.without_bulk(bundle.needles, False),
                                 variant="without bulk")
        tiles.append(blocks.headline(without, where=where, help=rough, label=WITHOUT_BULK))
    bulk = f.bulk_finds
    why = f.needles.missing or ""     # no needle log: each tile says why it has no figure
    tiles += [blocks.Headline(mark("Previous period"), f.previous_text, period=np_.previous().long_label,
                              help=why or None, document=False),
              blocks.Headline(mark("Bulk incidents"), blocks.number(bulk) if isinstance(bulk, int) else bulk,
                              period=np_.long_label, current=bulk if isinstance(bulk, int) else None,
                              help=why or "single finds of bagged needles, flagged as outliers",
                              document=f.needles.available)]
    out = [blocks.Heading(f"{NEEDLE_HEADING}, {np_.long_label}"), blocks.Headlines(tuple(tiles)),
           blocks.monthly(f.monthly, key="needles_monthly", why=f.monthly_why, colour=colour, source=NEEDLE_SOURCE,
                          title=mark(f"Needles found by month, {blocks.plot_text(view.area)} "
                                     f"({'including' if include_bulk else 'excluding'} bulk incidents)"),
                          highlight=(np_.start, np_.end), period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}",
                          extra_flags=f.monthly["bulk"] if include_bulk and f.monthly is not None
                          and "bulk" in f.monthly else None,
                          caveat="Bulk incidents are flagged." if include_bulk else
                          "Excluded: bulk incidents (finds of bagged, unused needles).",
                          exclude_outliers=view.exclude_outliers, control=view.control)]
    if f.wards is not None:
        out.append(blocks.WardMap("needles", mark(f"Needles found by ward, {np_.label}"), f.wards, colour=colour,
                                  sensitive=True, no_comparison=f.wards_no_comparison, points=f.points,
                                  caption=mark(f"Needles found by ward, {np_.label}")
                                  + "; dots are the find locations sized by needles."))
    if f.top:
        out.append(blocks.Places(tuple(
            blocks.Table(f"needle_places_{when}", mark(f"Top five needle-find locations, {label}"), top, period=label,
                         sensitive_wards=True, ranked=5, document=when == "now")
            for (label, top), when in zip(f.top.items(), ("now", "before"))),
            withheld="Where needles were found (place names) is not shown to viewers; the map gives ward totals."))
    return out
