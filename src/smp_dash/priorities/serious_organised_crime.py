"""Serious and organised crime: violent crime by subgroup, robbery, weapons and drugs, the night-time economy."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from smp_dash import blocks, config, measures, metrics, schema
from smp_dash.periods import CAL_2020
from smp_dash.selection import Filter, ward_codes

VIOLENT = measures.get("violent_crime")
#: How police.uk's crimes without a Home Office subgroup are labelled in the subgroup chart.
NO_SUBGROUP = "Violence and sexual offences (police.uk, not split)"
#: The night-time economy's crimes, by police.uk category (known for every source).
NTE_CATEGORIES = ("Violence and sexual offences", "Public order")


@dataclass(frozen=True)
class SeriousOrganisedCrime:
    violent: measures.Value
    vap_share: str                      # "92%" or "n/a: ..." when subgroups are not in the data
    weapons: measures.Value
    subgroups: pd.DataFrame | None      # offence_subgroup, current, previous, change, pct_change, label
    trend: pd.DataFrame | None          # month, crime_type, value: robbery, weapons and drugs
    nte: pd.DataFrame | None            # month, area, value: the town centre and the rest
    operations: pd.DataFrame            # the operations the assessment reports (indicators)
    operations_why: str


def figures(bundle, view: Filter) -> SeriousOrganisedCrime:
    """The serious and organised crime page's figures for ``view``."""
    violent = measures.value(bundle, VIOLENT, view, CAL_2020)
    p = violent.period
    crimes = metrics.in_wards(bundle.crimes, view.wards)
    subgroups = vap_share = None
    if violent.available:
        rows = VIOLENT.rows(crimes)
        labelled = rows.assign(offence_subgroup=rows["offence_subgroup"].astype(object).fillna(NO_SUBGROUP))
        subgroups = metrics.compare(labelled, "month", p, by="offence_subgroup", weight="n")
        subgroups["label"] = metrics.change_labels(subgroups)
        subgroups = measures.against(subgroups, violent)
        known = subgroups[subgroups["offence_subgroup"] != NO_SUBGROUP]
        vap = known.set_index("offence_subgroup")["current"].get("Violence against the person", 0)
        vap_share = "n/a: police.uk does not split violence from sexual offences" \
            if (subgroups["offence_subgroup"] == NO_SUBGROUP).any() else metrics.format_pct(metrics.share(vap, violent.current),
                                                                                            signed=False)
    focus = measures.series(bundle, "recorded_crime", view.wards, by="crime_type",
                            frame=bundle.crimes[bundle.crimes["crime_type"].isin(["Robbery", "Possession of weapons", "Drugs"])])
    town = ward_codes(bundle.ward_codes, config.TOWN_CENTRE_WARDS)
    nte = bundle.crimes[bundle.crimes["crime_type"].isin(NTE_CATEGORIES)]
    nte = measures.series(bundle, "recorded_crime", by="area",
                          frame=nte.assign(area=nte["ward_code"].isin(town).map({True: "Town centre", False: "Rest of borough"})))
    ops = bundle.indicators[bundle.indicators["indicator_id"].str.startswith(("brothel_op", "drugs_day", "drug_seizures"))]
    return SeriousOrganisedCrime(violent, vap_share or "n/a", measures.value(bundle, "weapons", view, CAL_2020),
                                 subgroups, focus, nte, ops, "" if len(ops) else
                                 f"{measures.NOT_LOADED}: no operations ({schema.template('indicators')})")


COLOUR = "soc"
SOURCE = "Kent Police recorded crime"
#: Its name in the navigation, and its chapter.
NAME = "Serious and organised crime"
#: What its sheets in the workbook start with (Excel allows 31 characters a name).
SHEET = "SOC"
TITLE = "Protecting our communities against serious and organised crime"
QUESTION = ("Is violent crime rising, where does the night-time economy drive it, and what have operations achieved? "
            "Delivered through the Serious and Organised Crime Panel.")
VAP_SHARE = "Violence against the person, share of violent crime"
DEFINITION = ("Violent crime = violence against the person, sexual offences and robbery (police.uk: 'Violence and "
              "sexual offences' plus 'Robbery').")


def page(bundle, view: Filter) -> blocks.Page:
    """The serious and organised crime page for ``view``, as every view of it draws it: the page, the
    pack, the draft and the workbook."""
    from smp_dash import charts

    f = figures(bundle, view)
    colour, where, p = charts.PRIORITY_COLOURS[COLOUR], blocks.where(view), f.violent.period
    mark = lambda text: bundle.mark(text, "crimes")  # noqa: E731
    out = blocks.Page(TITLE, QUESTION, where=where, actions="soc",
                      caveats=[*measures.POLICE_CAVEATS, metrics.SIGNIFICANCE_NOTE])
    share, why = (f.vap_share.split(": ", 1) + [""])[:2]
    why = why or f.violent.missing or ""     # no crimes loaded: the share says why, as violent crime does
    subgroups = blocks.changes(f.subgroups, key="violent_subgroups", category="offence_subgroup", p=p, colour=colour,
                               source=SOURCE, title=mark("Violent crime by subgroup"), why=f.violent.missing or "",
                               no_comparison=f.violent.no_comparison or "")
    whole = f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}"
    out.add(blocks.Heading(f"Violent crime, {p.long_label}"),
            blocks.Headlines((blocks.headline(f.violent, where=where),
                              blocks.Headline(mark(VAP_SHARE), share, why, period=p.long_label, caption=why,
                                              help=f"share of violent crime{f'. {why}' if why else ''}."),
                              blocks.headline(f.weapons, where=where))),
            replace(subgroups, caveat=f"{DEFINITION} {subgroups.caveat}") if subgroups.figure is not None else subgroups,
            blocks.monthly(None if f.violent.missing else f.trend, key="soc_trend", why=f.violent.missing or "",
                           series="crime_type", colour=colour, source=SOURCE, highlight=(p.start, p.end),
                           title=mark(f"Robbery, weapons and drugs by month, {blocks.plot_text(view.area)}"),
                           caveat=measures.POLICE_CAVEAT, period=whole, exclude_outliers=view.exclude_outliers,
                           control=view.control),
            blocks.Heading("Town centre and the night-time economy"),
            replace(blocks.monthly(None if f.violent.missing else f.nte, key="nte", why=f.violent.missing or "",
                                   series="area", colour=colour, source=SOURCE, period=whole,
                                   title=mark(f"Violence and public order by month: town centre "
                                              f"({', '.join(config.TOWN_CENTRE_WARDS)}) and the rest"),
                                   caveat="Lockdowns closed the night-time economy; the shaded months show them.",
                                   exclude_outliers=view.exclude_outliers, control=view.control), document=False),
            blocks.Heading(bundle.mark("Operations reported in the assessment", "indicators")))
    ops = f.operations
    if f.operations_why:
        out.add(blocks.Caption(f.operations_why, document=False))
    else:
        out.add(blocks.Listing("operations", bundle.mark("Operations reported in the assessment", "indicators"),
                               blocks.with_units(ops[["label", "value", "unit", "period_start", "period_end", "note"]]),
                               "; ".join(dict.fromkeys(ops["source"].astype(str))),
                               f"{ops['period_start'].min():%b %Y} to {ops['period_end'].max():%b %Y}", document=False))
    out.add(blocks.Heading("Action plan"), blocks.Actions("soc"))
    return out
