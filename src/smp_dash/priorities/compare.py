"""How Maidstone compares with other partnerships: recorded crime per 1,000 residents against its
comparators (every partnership of its police force area, or a list the analyst saved, such as its
Most Similar Group from iQuanta), its rank, a funnel plot and the trend by quarter.

From the Home Office's table of police recorded crime by Community Safety Partnership area and ONS's
mid-year population estimates (``smp-dash ingest csp-crime FILE``, ``smp-dash ingest lad-population
FILE``, or the Data page); without them the page says what is missing and how to load it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from smp_dash import blocks, config, measures, partnerships, schema

#: Its name in the navigation, and its chapter.
NAME = "How Maidstone compares"
#: What its sheets in the workbook start with (Excel allows 31 characters a name).
SHEET = "Compare"
TITLE = "How Maidstone compares with other partnerships"
QUESTION = ("Is recorded crime in Maidstone high or low for its residents, against the other partnerships of its "
            "police force area or of its Most Similar Group?")
COLOUR = "overview"
#: Its key figure, named apart from police.uk's recorded crime on the other chapters.
RECORDED = "Recorded crime (Home Office)"
SOURCE = ("Home Office, police recorded crime by Community Safety Partnership area; ONS mid-year population "
          "estimates")
HOW_TO_LOAD = {
    "csp_crime": "download the Home Office's 'Police recorded crime by Community Safety Partnership area' (.ods) "
                 "from GOV.UK's 'Police recorded crime and outcomes open data tables' page and load it on the Data "
                 "page, or with smp-dash ingest csp-crime FILE",
    "lad_population": "download ONS's 'Estimates of the population for England and Wales' (mid-year estimates by "
                      "local authority) and load it on the Data page, or with smp-dash ingest lad-population FILE",
}
CAVEATS = ("Police recorded crime counts the crimes reported to and recorded by the police; recording practice "
           "differs between forces, so partnerships of one force compare most fairly.",
           "A rank says where a partnership stands, not whether the difference is beyond chance: the funnel plot "
           "says that.")


@dataclass(frozen=True)
class Comparison:
    """The compare page's figures: Maidstone's partnership (``csp``) against ``comparators`` in the
    financial ``year``, or ``missing`` saying why there is nothing to compare."""

    csp: str
    missing: str = ""
    year: str = ""
    partial: str = ""                                   # the year lacks quarters: which it has
    comparators: tuple[str, ...] = ()
    chosen: str = ""                                    # how the comparators were chosen, in words
    population_year: int | None = None
    population_source: str = ""
    table: pd.DataFrame | None = None                   # csp_name, offences, population, rate, rank, of
    groups: pd.DataFrame | None = None                  # offence_group, offences, rate, comparators' rate, rank, of
    quarters: pd.DataFrame | None = None                # quarter, area, rate
    unmatched: tuple[str, ...] = ()                     # partnerships with no population
    not_found: tuple[str, ...] = ()                     # comparators saved that the table does not name
    blank: tuple[str, ...] = field(default=())          # partnerships whose total has a line with no count


def figures(bundle, comparators: tuple[str, ...] = ()) -> Comparison:
    """The comparison for the data in use; ``comparators`` (partnership names) replace the list saved
    (``bundle.csp_comparators``) and, without either, every partnership of Maidstone's police force area."""
    csp = config.csp_name()
    lacking = [name for name in ("csp_crime", "lad_population") if not len(getattr(bundle, name))]
    if lacking:
        return Comparison(csp, missing=f"{measures.NOT_LOADED}: no {' and no '.join(schema.named(n) for n in lacking)}; "
                                       + "; ".join(HOW_TO_LOAD[n] for n in lacking))
    crime = bundle.csp_crime
    if csp not in set(crime["csp_name"]):
        return Comparison(csp, missing=f"{csp} is not among the {crime['csp_name'].nunique()} partnerships of the "
                                       "Home Office table loaded")
    complete = partnerships.complete_years(crime, csp)
    year = complete[0] if complete else str(crime.loc[crime["csp_name"] == csp, "financial_year"].max())
    own = crime[(crime["csp_name"] == csp) & (crime["financial_year"] == year)]
    partial = "" if complete and complete[0] >= crime["financial_year"].max() else \
        _partial(crime, csp, year, complete)
    named, chosen = _chosen(bundle, comparators, crime, own)
    present = set(crime["csp_name"])
    found = tuple(n for n in named if n in present and n != csp)
    areas = (csp, *found)
    population, unmatched = partnerships.populations(areas, bundle.lad_population)
    in_year = crime[(crime["financial_year"] == year) & crime["csp_name"].isin(areas)]
    table = partnerships.ranked(partnerships.rates(partnerships.totals(in_year), population))
    by_group = partnerships.ranked(partnerships.rates(partnerships.totals(in_year, ("offence_group",)), population),
                                   ("offence_group",))
    others = partnerships.pooled(by_group[by_group["csp_name"] != csp], ("offence_group",))
    groups = by_group[by_group["csp_name"] == csp].merge(
        others[["offence_group", "rate"]].rename(columns={"rate": "comparators_rate"}), on="offence_group", how="left")
    return Comparison(csp, year=year, partial=partial, comparators=found, chosen=chosen,
                      population_year=_year(population),
                      population_source=str(bundle.lad_population["source"].dropna().iloc[0])
                      if bundle.lad_population["source"].notna().any() else "population estimates loaded",
                      table=table.sort_values(["rank", "csp_name"]).reset_index(drop=True),
                      groups=groups.sort_values("offences", ascending=False).reset_index(drop=True),
                      quarters=_quarters(crime[crime["csp_name"].isin(areas)], population, csp),
                      unmatched=tuple(unmatched), not_found=tuple(n for n in named if n not in present),
                      blank=tuple(table.loc[table["offences"].isna(), "csp_name"]))


def choices(bundle) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every partnership of the table loaded but Maidstone's, and the comparators in use (the list saved,
    else its police force area's): what the page offers to choose from, and its choice to start with."""
    crime, csp = bundle.csp_crime, config.csp_name()
    every = tuple(sorted(set(crime["csp_name"]) - {csp}))
    named, _ = _chosen(bundle, (), crime, crime[crime["csp_name"] == csp])
    return every, tuple(n for n in named if n in every)


def page(bundle, view, comparators: tuple[str, ...] = ()) -> blocks.Page:
    """The compare page, as the page, the pack, the draft and the workbook draw it. The same for every
    view: the ward filter does not apply to partnerships."""
    from smp_dash import charts

    f = figures(bundle, comparators)
    out = blocks.Page(TITLE, QUESTION, caveats=list(CAVEATS))
    mark = lambda text: bundle.mark(text, "csp_crime", "lad_population")  # noqa: E731
    if f.missing:
        out.add(blocks.Heading(f"{f.csp} against other partnerships"), blocks.Missing(mark(TITLE), f.missing))
        return out
    period = f"financial year {f.year}"
    mine = f.table[f.table["csp_name"] == f.csp].iloc[0]
    others = partnerships.pooled(f.table[f.table["csp_name"] != f.csp]).iloc[0]
    out.add(blocks.Heading(f"{f.csp} against {f.chosen}, {period}"),
            blocks.Note(f"{f.partial}.") if f.partial else None,
            blocks.Headlines(_headlines(f, mine, others, period, mark),
                             note="The ward filter does not apply: these figures are for whole partnerships."),
            blocks.Table("compare_partnerships", mark(f"Recorded crime per 1,000 residents by partnership, {period}"),
                         _shown(f.table, f.csp), period=period, ranked=3),
            _funnel(f, period, mark, charts),
            blocks.Heading(f"By offence group, {period}"),
            blocks.Table("compare_groups", mark(f"{f.csp} by offence group against its comparators, {period}"),
                         _groups(f.groups, f.csp), period=period),
            blocks.Heading("Trend by quarter"),
            _trend(f, mark, charts))
    out.add(*_notes(f))
    return out


# The figures ---------------------------------------------------------------------------------------

def _chosen(bundle, comparators, crime, own) -> tuple[tuple[str, ...], str]:
    """The comparators' names and how they were chosen, in words."""
    if comparators:
        return tuple(comparators), f"the {len(comparators)} partnerships chosen"
    saved = bundle.csp_comparators
    if len(saved):
        group = saved["group_name"].dropna()
        label = str(group.iloc[0]) if len(group) else "the comparators saved"
        return tuple(saved["csp_name"]), f"its {label}" if len(group) else label
    forces = own["police_force"].dropna()
    if not len(forces):
        return tuple(sorted(set(crime["csp_name"]))), "every partnership in the table"
    force = str(forces.iloc[0])
    return tuple(sorted(set(crime.loc[crime["police_force"] == force, "csp_name"]))), \
        f"the other partnerships of the {force} police force area"


def _partial(crime, csp, year, complete) -> str:
    quarters = crime.loc[(crime["csp_name"] == csp) & (crime["financial_year"] == year), "quarter"]
    return (f"No financial year of the table holds all four quarters for {csp}; {year} holds "
            f"{quarters.nunique()}" if not complete else
            f"{crime['financial_year'].max()} is not complete yet; the latest complete financial year, {year}, is shown")


def _year(population: pd.DataFrame) -> int | None:
    years = population["year"].dropna()
    return int(years.max()) if len(years) else None


def _quarters(crime: pd.DataFrame, population: pd.DataFrame, csp: str) -> pd.DataFrame:
    """Each quarter's rate for ``csp`` and for its comparators together."""
    counts = partnerships.rates(partnerships.totals(crime, ("quarter",)), population)
    own = counts[counts["csp_name"] == csp][["quarter", "rate"]].assign(area=csp)
    pooled = partnerships.pooled(counts[counts["csp_name"] != csp], ("quarter",))[["quarter", "rate"]]
    return pd.concat([own.sort_values("quarter"), pooled.assign(area="Comparators together")],
                     ignore_index=True)[["quarter", "area", "rate"]]


# The blocks --------------------------------------------------------------------------------------

def _headlines(f: Comparison, mine, others, period: str, mark) -> tuple[blocks.Headline, ...]:
    why = "a line of the year has no count" if pd.isna(mine["offences"]) else \
        "no population for it" if pd.isna(mine["rate"]) else ""
    rank = f"{_ordinal(int(mine['rank']))} highest of {int(mine['of'])}" if pd.notna(mine["rank"]) else "n/a"
    ranked = f"the {_ordinal(int(mine['rank']))} highest rate of the {int(mine['of'])} partnerships compared" \
        if pd.notna(mine["rank"]) else ""
    rate = blocks.number(round(float(mine["rate"]), 1)) if pd.notna(mine["rate"]) else "n/a"
    against = f"{others['rate']:.1f}" if others["partnerships"] else "n/a"
    return (
        blocks.Headline(mark(RECORDED), blocks.number(None if pd.isna(mine["offences"]) else int(mine["offences"])),
                        caption=why, period=period, help=f"{SOURCE}.",
                        sentence=f"{f.csp} recorded {blocks.number(mine['offences'])} crimes in {period}." if not why else
                        f"Recorded crime in {f.csp}, {period}: {why}."),
        blocks.Headline(mark("Per 1,000 residents"), rate, caption=why, period=period,
                        sentence=f"That is {rate} per 1,000 residents, against {against} for its comparators together."
                        if not why else ""),
        blocks.Headline(mark("Comparators per 1,000 residents"), against, period=period,
                        help=f"The offences of {int(others['partnerships'])} partnerships together per 1,000 of their "
                             "residents together."),
        blocks.Headline(mark("Rank by rate"), rank, period=period, caption="" if rank != "n/a" else why,
                        help="1 is the highest rate of recorded crime among the partnerships compared.",
                        sentence=f"{f.csp} has {ranked}." if ranked else ""),
    )


def _shown(table: pd.DataFrame, csp: str) -> pd.DataFrame:
    return pd.DataFrame({"Rank": table["rank"], "Partnership": table["csp_name"].where(table["csp_name"] != csp,
                                                                                       table["csp_name"] + " (this one)"),
                         "Offences": table["offences"], "Residents": table["population"],
                         "Per 1,000": table["rate"].round(1)})


def _groups(groups: pd.DataFrame, csp: str) -> pd.DataFrame:
    return pd.DataFrame({"Offence group": groups["offence_group"], "Offences": groups["offences"],
                         "Per 1,000": groups["rate"].round(1), "Comparators per 1,000": groups["comparators_rate"].round(1),
                         "Rank": [f"{int(r)} of {int(n)}" if pd.notna(r) else "n/a" for r, n in zip(groups["rank"], groups["of"])]})


def _funnel(f: Comparison, period: str, mark, charts) -> blocks.Chart:
    title = mark(f"Recorded crime per 1,000 residents against population, {period}")
    points, limits, rate = partnerships.funnel(f.table)
    if points.empty:
        return blocks.Chart("compare_funnel", title, None, None, SOURCE, period,
                            missing=f"{measures.NOT_LOADED}: no partnership has both a count and a population")
    beyond = {side: points.loc[points["position"] == f"{side} 99.8% limit", "ward_name"].tolist()
              for side in ("above", "below")}
    outside = "; ".join(f"{side} it, {', '.join(names)}" for side, names in beyond.items() if names)
    data = points.rename(columns={"ward_name": "partnership", "current": "offences"})[
        ["partnership", "offences", "population", "rate", "lower_95", "upper_95", "lower_99.8", "upper_99.8", "position"]]
    return blocks.Chart("compare_funnel", title,
                        charts.funnel(points, limits, rate=rate, title=title, colour=charts.PRIORITY_COLOURS[COLOUR],
                                      noun=("partnership", "partnerships")),
                        data, SOURCE, period,
                        caveat=f"Centre line: {rate:.1f} per 1,000, the partnerships compared together. Outside the "
                               "99.8% limits a rate is very unlikely to differ by chance"
                               + (f": {outside}." if outside else "; none lies outside them.")
                               + _population_note(f))


def _trend(f: Comparison, mark, charts) -> blocks.Chart:
    title = mark(f"Recorded crime per 1,000 residents by quarter: {f.csp} and its comparators together")
    shown = f.quarters.dropna(subset=["rate"])
    if shown.empty:
        return blocks.Chart("compare_quarters", title, None, None, SOURCE, "", missing="no quarter has a rate")
    span = f"{_quarter(shown['quarter'].min())} to {_quarter(shown['quarter'].max())}"
    data = f.quarters.assign(quarter=f.quarters["quarter"].map(_quarter))
    return blocks.Chart("compare_quarters", title,
                        charts.monthly_trend(shown.assign(rate=shown["rate"].round(2)), x="quarter", y="rate",
                                             series="area", title=title, colour=charts.PRIORITY_COLOURS[COLOUR],
                                             y_title="per 1,000 residents", lockdowns=False),
                        data, SOURCE, span,
                        caveat="Each point is a financial quarter, drawn at its first month; a quarter's rate is not "
                               "made up to a year." + _population_note(f))


def _notes(f: Comparison) -> list:
    notes = []
    if f.unmatched:
        notes.append(blocks.Note(f"No population for {len(f.unmatched)} partnership{'s' * (len(f.unmatched) != 1)}, "
                                 f"so no rate or rank: {', '.join(f.unmatched)}. Their names match no district of the "
                                 "population estimates loaded."))
    if f.not_found:
        notes.append(blocks.Note(f"Not in the Home Office table loaded, so not compared: {', '.join(f.not_found)}."))
    if f.blank:
        notes.append(blocks.Note(f"A line of the year has no count ('..' or blank) for {', '.join(f.blank)}: the "
                                 "total is missing, not 0."))
    return notes


def _population_note(f: Comparison) -> str:
    year = f" for mid-{f.population_year}" if f.population_year else ""
    return f" Residents: {f.population_source}{year}, for every quarter."


def _quarter(when) -> str:
    """A financial quarter as people write it: "Q1 2024/25"."""
    when = pd.Timestamp(when)
    start = when.year if when.month >= 4 else when.year - 1
    return f"Q{(when.month - 4) % 12 // 3 + 1} {start}/{(start + 1) % 100:02d}"


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
