"""Police data: recorded crime over the years, Kent districts, change by crime type, hate crime."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from smp_dash import blocks, disclosure, measures, metrics, schema
from smp_dash.periods import ASSESS_2020, CAL_2020
from smp_dash.selection import Filter

HATE = measures.get("hate_crime")


@dataclass(frozen=True)
class PoliceData:
    crime: measures.Value
    kent: pd.DataFrame | None          # recorded crime by Kent district (calendar periods only)
    kent_caveat: str                   # said when the district figures are illustrative ("" when not)
    years: pd.DataFrame | None         # label, value: recorded crime per complete calendar year
    types: pd.DataFrame | None         # offence_subgroup (or police.uk category), current, previous, ..., label
    hate: measures.Value
    strands: pd.DataFrame | None       # hate_strand, value, share (protected when disclosure control is on)
    strands_why: str


@dataclass(frozen=True)
class Iom:
    """The Integrated Offender Management cohort at its latest snapshot (Kent-wide), or why there is none."""

    cohort: float                      # NaN when not loaded
    change: float                      # on a year earlier, NaN when not loaded
    as_at: str                         # "31 Mar 2021": the snapshot's date ("" when not loaded)
    shares: pd.DataFrame               # breakdown (police division), value (% of the cohort) at the snapshot
    note: str                          # how many of the cohort are in the Maidstone area ("" when not loaded)
    why: str                           # why there is no cohort ("" when there is)


def iom(indicators: pd.DataFrame) -> Iom:
    """The IOM cohort's latest snapshot in the data, with its own date: never a date typed into the page."""
    row = metrics.indicator_latest(indicators, "iom_cohort")
    if row is None:
        return Iom(float("nan"), float("nan"), "", metrics.indicator_series(indicators, "iom_cohort_share", breakdown=True),
                   "", f"{measures.NOT_LOADED}: no IOM cohort ({schema.template('indicators')})")
    at = row["period_start"]
    same = lambda indicator: metrics.indicator_value(indicators, indicator, f"{at:%Y-%m-%d}")  # noqa: E731
    shares = metrics.indicator_series(indicators, "iom_cohort_share", breakdown=True)
    local = same("iom_maidstone_cohort")
    return Iom(float(row["value"]), same("iom_cohort_change"), f"{at:%d %b %Y}",
               shares[shares["period_start"] == at].reset_index(drop=True),
               "" if local != local else f"{local:,.0f} of the Kent cohort are in the Maidstone area.", "")


def figures(bundle, view: Filter) -> PoliceData:
    """The police data page's figures for ``view``."""
    crime = measures.value(bundle, "recorded_crime", view, CAL_2020)
    p = crime.period
    crime = replace(crime, label=f"Recorded crime, {p.label}")
    crimes = metrics.in_wards(bundle.crimes, view.wards)
    kent = metrics.district_table(bundle.indicators, "recorded_crime_district", p.end.year) \
        if p.kind == "calendar" and p.whole_year else None
    years = types = None
    if crime.available:
        years = metrics.calendar_years(crimes, bundle.first_month, bundle.last_month)
        by_type = crimes.assign(offence_subgroup=crimes["offence_subgroup"].astype(object).fillna(
            crimes["crime_type"].astype(object) + " (police.uk)"))
        types = metrics.compare(by_type, "month", p, by="offence_subgroup", weight="n")
        types["label"] = metrics.change_labels(types)
        types = measures.against(types, crime)
    hate = measures.value(bundle, HATE, view, ASSESS_2020)
    strands, why = None, hate.missing or ""
    guarded = hate.guarded
    hidden = hate.available and ((guarded is not None and guarded.series_hidden())
                                 or measures.breakdown_hidden(bundle, HATE, view, hate.period, "hate_strand"))
    if hidden:
        why = hidden
    elif hate.available:
        strands = metrics.share_table(HATE.rows(crimes), hate.period, "hate_strand")
        if view.suppress:
            strands = disclosure.suppress_counts(strands, "value", derived=("share",))
    kent = kent if kent is not None and len(kent) else None
    districts = bundle.indicators[(bundle.indicators["indicator_id"] == "recorded_crime_district")
                                  & (bundle.indicators["period_start"].dt.year == p.end.year)]
    kent_caveat = f"Other districts' figures are illustrative {measures.DEMO_MARK}." \
        if kent is not None and measures.illustrative(districts, "breakdown") else ""
    return PoliceData(crime, kent, kent_caveat, years, types, hate, strands, why)


COLOUR = "police_data"
SOURCE = "Kent Police recorded crime"
#: Its name in the navigation.
NAME = "Police data"
#: Its chapter in the data pack and the draft.
CHAPTER = "Police data and the Kent comparison"
#: What its sheets in the workbook start with (Excel allows 31 characters a name).
SHEET = "Police"
TITLE = "Police data"
QUESTION = ("How has recorded crime changed over six years, how does Maidstone compare with the rest of Kent, which "
            "crime types moved, and what does hate crime look like?")
TYPES_NOTE = "Home Office subgroups where the data has them; police.uk's categories otherwise."


def page(bundle, view: Filter) -> blocks.Page:
    """The police data page for ``view``, as every view of it draws it: the page, the pack, the draft
    and the workbook."""
    from smp_dash import charts

    f = figures(bundle, view)
    colour = charts.PRIORITY_COLOURS[COLOUR]
    where = blocks.where(view)
    p, hp, kent = f.crime.period, f.hate.period, f.kent
    mark = lambda text, *datasets: bundle.mark(text, *(datasets or ("crimes",)))  # noqa: E731
    out = blocks.Page(TITLE, QUESTION, where=where, caveats=[*measures.POLICE_CAVEATS, metrics.SIGNIFICANCE_NOTE])
    tiles = [blocks.headline(f.crime, label="Recorded crime", where=where, help=f"Recorded crime, {p.long_label}.")]
    if kent is not None:
        now, before = kent["current"].sum(), kent["previous"].sum()
        tiles.append(blocks.Headline(mark("Recorded crime, Kent", "indicators"), blocks.number(now),
                                     metrics.change_text(now, before, p.previous().label) or "", period=p.long_label,
                                     delta=metrics.format_pct(metrics.pct_change(now, before)), current=now,
                                     document=False))
    out.add(blocks.Heading(f"Recorded crime, {p.long_label}"), blocks.Headlines(tuple(tiles)))
    if f.years is None:
        out.add(blocks.Missing("Recorded crime by calendar year", f.crime.missing))
    else:
        title = mark(f"Recorded crime by calendar year, {blocks.plot_text(view.area)}")
        types = blocks.changes(f.types, key="crime_types", category="offence_subgroup", p=p, colour=colour, source=SOURCE,
                               title=mark("Change by crime type"), no_comparison=f.crime.no_comparison or "")
        out.add(blocks.Chart("six_years", title, charts.yearly_bars(f.years, x="label", y="value", colour=colour,
                                                                    title=title),
                             f.years, SOURCE, f"{f.years['label'].iloc[0]} to {f.years['label'].iloc[-1]}",
                             caveat=measures.POLICE_CAVEAT),
                replace(types, caveat=f"{TYPES_NOTE} {types.caveat}"))
    out.add(blocks.Heading(f"Kent districts, {p.label}"))
    if kent is None:
        out.add(blocks.Missing("Recorded crime by Kent district", f"{measures.NOT_LOADED} for {p.long_label} (Kent's "
                               f"district figures come through {schema.template('indicators')}, for calendar years)"))
    else:
        title = mark(f"Recorded crime by Kent district, {p.label} against {p.previous().label}", "indicators")
        bars = mark(f"Recorded crime by Kent district, {p.label}", "indicators")
        out.add(blocks.DistrictMap("districts", title, kent, colour=colour),
                blocks.Text(tuple(s for s in (_maidstone(kent, p.label),) if s)),
                blocks.Chart("district_bars", bars, charts.bars(kent, x="lad_name", y="current", orientation="h",
                                                                colour=colour, highlight=["Maidstone"], title=bars),
                             kent, "Kent Police recorded crime by district", p.label, caveat=f.kent_caveat,
                             document=False))
    out.add(blocks.Heading(f"Hate crime, {hp.long_label}"), blocks.Headlines((blocks.headline(f.hate, where=where),)))
    title = mark(f"Hate crime by strand, {hp.label}")
    if f.strands is None:
        out.add(blocks.Missing("Hate crime by strand", f.strands_why))
    else:
        out.add(blocks.Chart("hate_strands", title, charts.donut(f.strands, names="hate_strand", values="value",
                                                                 title=title),
                             disclosure.published(f.strands), SOURCE + " (hate crime flag)", hp.label,
                             sensitive_wards=True,
                             caveat="" if f.strands["hate_strand"].isin(["Gender", "Age"]).any() else
                             "Gender and age prejudice: none recorded this period."))
    out.add(blocks.Heading("Integrated Offender Management"), *_iom(bundle, colour))
    return out


def _maidstone(kent: pd.DataFrame, period: str) -> str:
    """Where Maidstone ranks among Kent's districts, in a sentence ("" when it is not among them)."""
    rank = kent.index[kent["lad_name"] == "Maidstone"]
    if not len(rank):
        return ""
    n = rank[0] + 1
    ordinal = "" if n == 1 else f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')} "
    return (f"Among Kent's districts, Maidstone recorded the {ordinal}most crime in {period} "
            f"({blocks.number(kent.at[rank[0], 'current'])}).")


def _iom(bundle, colour: str) -> tuple:
    """The IOM cohort (Kent-wide, at its latest snapshot) and its split by police division: the page's alone."""
    from smp_dash import charts

    cohort = iom(bundle.indicators)
    title = bundle.mark("IOM cohort by police division (% of Kent cohort)", "indicators")
    tile = blocks.Headline(bundle.mark("IOM cohort (Kent)", "indicators"), blocks.number(cohort.cohort),
                           delta=None if cohort.change != cohort.change else f"{cohort.change:+.0f} on a year earlier",
                           help=cohort.why or f"As at {cohort.as_at}.", document=False)
    period = f"as at {cohort.as_at}" if cohort.as_at else ""
    chart = blocks.Chart("iom", title, None, None, "Kent IOM", period, document=False,
                         missing=cohort.why or f"{measures.NOT_LOADED}: no IOM cohort shares (indicators)") \
        if cohort.shares.empty else \
        blocks.Chart("iom", title, charts.bars(cohort.shares, x="breakdown", y="value", colour=colour, title=title),
                     cohort.shares, "Kent IOM", period, caveat=cohort.note, missing=cohort.why, document=False)
    return blocks.Headlines((tile,)), chart
