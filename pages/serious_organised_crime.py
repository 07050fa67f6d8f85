"""Serious and organised crime: violence, robbery, weapons, drugs, the night-time economy, operations."""

import streamlit as st

from smp_dash import charts, config, measures, metrics as m, ui
from smp_dash.priorities import serious_organised_crime

COLOUR = charts.PRIORITY_COLOURS["soc"]
SOURCE = "Kent Police recorded crime"

bundle, view = ui.page("Protecting our communities against serious and organised crime",
                       "Is violent crime rising, where does the night-time economy drive it, and what have operations achieved? "
                       "Delivered through the Serious and Organised Crime Panel.")

f = ui.figures(serious_organised_crime.figures, view)
p = f.violent.period
ui.section(f"Violent crime, {p.long_label}")
c = st.columns(3)
with c[0]:
    ui.value_metric(f.violent)
with c[1]:
    ui.metric(bundle.mark("Violence against the person", "crimes"), f.vap_share.split(":")[0],
              help="share of violent crime. " + f.vap_share)
with c[2]:
    ui.value_metric(f.weapons)
title = bundle.mark(f"Violent crime by subgroup, {p.label} against {p.previous().label}", "crimes")
if f.subgroups is None:
    ui.not_shown(title, f.violent.missing)
else:
    ui.chart(ui.cached(charts.change_bars, f.subgroups, category="offence_subgroup", current="current", previous="previous",
                       colour=COLOUR, title=title),
             f.subgroups, key="violent_subgroups", source=SOURCE, period=f"{p.label} and {p.previous().label}", view=view,
             caveat="Violent crime = violence against the person, sexual offences and robbery (police.uk: 'Violence and "
                    "sexual offences' plus 'Robbery'). " + m.SIGNIFICANCE_NOTE)
ui.monthly_chart(f.trend, view, series="crime_type", colour=COLOUR,
                 title=bundle.mark(f"Robbery, weapons and drugs by month, {view.area}", "crimes"),
                 highlight=(p.start, p.end), key="soc_trend", source=SOURCE, caveat=measures.POLICE_CAVEAT,
                 period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}", why=f.violent.missing or "")

ui.section("Town centre and the night-time economy")
ui.monthly_chart(f.nte, view, series="area", colour=COLOUR, key="nte", source=SOURCE,
                 title=bundle.mark(f"Violence and public order by month: town centre ({', '.join(config.TOWN_CENTRE_WARDS)}) "
                                   "and the rest", "crimes"),
                 period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}", why=f.violent.missing or "",
                 caveat="Lockdowns closed the night-time economy; the shaded months show them.")

ui.section(bundle.mark("Operations reported in the assessment", "indicators"))
ops = f.operations
if f.operations_why:
    st.caption(f.operations_why)
else:
    ui.data_table(ui.with_units(ops[["label", "value", "unit", "period_start", "period_end", "note"]]), hide_index=True,
                  width="stretch", ranked=len(ops))
    ui.footnote("; ".join(dict.fromkeys(ops["source"].astype(str))),
                f"{ops['period_start'].min():%b %Y} to {ops['period_end'].max():%b %Y}")

ui.section("Action plan")
ui.actions_table(bundle, "soc")
