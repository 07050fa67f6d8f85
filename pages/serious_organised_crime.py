"""Serious and organised crime: violence, robbery, weapons, drugs, the night-time economy, operations."""

import streamlit as st

from smp_dash import charts, config, metrics as m, ui
from smp_dash.figures import CAL_2020

COLOUR = charts.PRIORITY_COLOURS["soc"]
SOURCE = "Kent Police recorded crime"

bundle, view = ui.page("Protecting our communities against serious and organised crime",
                       "Is violent crime rising, where does the night-time economy drive it, and what have operations achieved? "
                       "Delivered through the Serious and Organised Crime Panel.")

crimes = m.in_wards(bundle.crimes, view.wards)
p = view.pick(CAL_2020)
violent = m.compare(m.violent(crimes), "month", p, by="offence_subgroup", weight="n")
violent["label"] = m.change_labels(violent)
total = m.compare(m.violent(crimes), "month", p, weight="n").iloc[0]
ui.section(f"Violent crime, {p.long_label}")
c = st.columns(3)
with c[0]:
    ui.change_metric("Violent crime", total["current"], total["previous"], p.previous().label)
with c[1]:
    vap = violent.set_index("offence_subgroup")["current"].get("Violence against the person", 0)
    ui.metric("Violence against the person", m.format_pct(m.share(vap, total["current"]), signed=False), help="share of violent crime")
with c[2]:
    weapons = m.compare(crimes[crimes["crime_type"] == "Possession of weapons"], "month", p, weight="n").iloc[0]
    ui.change_metric("Possession of weapons", weapons["current"], weapons["previous"], p.previous().label)
ui.chart(ui.cached(charts.change_bars, violent, category="offence_subgroup", current="current", previous="previous", colour=COLOUR,
                            title=f"Violent crime by subgroup, {p.label} against {p.previous().label}"),
         violent, key="violent_subgroups", source=SOURCE, period=f"{p.label} and {p.previous().label}", view=view,
         caveat="Violent crime = violence against the person, sexual offences and robbery. " + m.SIGNIFICANCE_NOTE)
focus = crimes[crimes["crime_type"].isin(["Robbery", "Possession of weapons", "Drugs"])]
trend = m.monthly(focus, bundle.first_month, bundle.last_month, by="crime_type")
ui.monthly_chart(trend, view, series="crime_type", title=f"Robbery, weapons and drugs by month, {view.area}", colour=COLOUR,
                highlight=(p.start, p.end), key="soc_trend", source=SOURCE, caveat=ui.POLICE_CAVEAT,
                period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}")

ui.section("Town centre and the night-time economy")
town = [code for name, code in bundle.ward_codes.items() if name in config.TOWN_CENTRE_WARDS]
nte = bundle.crimes[bundle.crimes["crime_type"].isin(["Violence and sexual offences", "Public order"])]
nte_trend = m.monthly(nte.assign(area=nte["ward_code"].isin(town).map({True: "Town centre", False: "Rest of borough"})),
                      bundle.first_month, bundle.last_month, by="area")
ui.monthly_chart(nte_trend, view, series="area", colour=COLOUR, key="nte", source=SOURCE,
                title=f"Violence and public order by month: town centre ({', '.join(config.TOWN_CENTRE_WARDS)}) and the rest",
                period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}",
                caveat="Lockdowns closed the night-time economy; the shaded months show them.")

ui.section("Operations reported in the assessment")
ops = bundle.indicators[bundle.indicators["indicator_id"].str.startswith(("brothel_op", "drugs_day", "drug_seizures"))]
ui.data_table(ops[["label", "value", "unit", "period_start", "period_end", "note"]], hide_index=True, width="stretch")
ui.footnote("Strategic Assessment 2020-21 (Kent Police, Maidstone Task Force)", "as stated in the assessment")

ui.section("Action plan")
ui.actions_table(bundle, "soc")
