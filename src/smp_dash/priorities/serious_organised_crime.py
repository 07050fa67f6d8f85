"""Serious and organised crime: violent crime by subgroup, robbery, weapons and drugs, the night-time economy."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import config, measures, metrics
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
                                 f"{measures.NOT_LOADED}: no operations (the indicators template)")
