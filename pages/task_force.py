"""The Shepway task force: the focus area against the rest of the borough."""

import streamlit as st

from smp_dash import charts, config, disclosure, metrics as m, ui
from smp_dash.figures import ASSESS_2020

COLOUR = charts.PRIORITY_COLOURS["task_force"]
SENSITIVE = ("Domestic abuse", "Needles found")

bundle, view = ui.page("The Maidstone Task Force: Shepway North and Shepway South",
                       "How do the task force's focus wards compare with the rest of the borough on domestic abuse, ASB, drugs and "
                       "needle finds, per resident and over time? Launched September 2020.")
st.caption("This page always compares the task force focus area with the rest of the borough; the ward filter does not apply.")

p = view.pick(ASSESS_2020)
area = tuple(bundle.ward_codes[n] for n in config.TASK_FORCE_WARDS if n in bundle.ward_codes)
crimes = bundle.crimes
measures = {
    "Domestic abuse": (crimes[crimes["domestic_abuse"]], "month", "n"),
    "ASB (police)": (bundle.asb, "month", "n"),
    "Drug offences": (crimes[crimes["crime_type"] == "Drugs"], "month", "n"),
    "Needles found": (bundle.needles, "found", "needles"),
}
guards = {name: disclosure.guard(frame, area, p, on=view.suppress, date=date, weight=weight)
          for name, (frame, date, weight) in measures.items() if name in SENSITIVE}
table = m.focus_comparison(measures, p, area, bundle.population)
hidden = table["measure"].map(lambda name: name in guards and guards[name].change_hidden)
table = disclosure.hide_rows(table, hidden, ("current", "previous", "pct_change", "rate"))
cols = st.columns(len(measures))
for col, (name, row) in zip(cols, table[table["area"] == "Focus area"].set_index("measure").iterrows()):
    rest = table[(table["area"] == "Rest of borough") & (table["measure"] == name)].iloc[0]
    with col:
        if name in guards and guards[name].change_hidden:
            ui.metric(name, guards[name].text(), help=disclosure.HIDDEN_HELP)
        else:
            ui.metric(name, int(row["current"]), f"{row['rate']:.1f} per 1,000 (rest: {rest['rate']:.1f})")
ui.chart(ui.cached(charts.bars, table, x="measure", y="rate", series="area", title=f"Rate per 1,000 residents, {p.label}: focus area and the rest",
                     colour=COLOUR, orientation="v"),
         table, key="focus_rates", source="Kent Police; MBC needle log", period=p.label, view=view,
         caveat="Rates use approximate ward populations (demonstration).")
name = st.selectbox("Measure over time", list(measures), key="tf_measure", bind="query-params")
frame, date, weight = measures[name]
trend = m.focus_trend(frame, area, bundle.first_month, bundle.last_month, date=date, weight=weight, population=bundle.population)
ui.monthly_chart(trend, view, series="area", y="rate", colour=COLOUR,
                title=f"{name} per 1,000 residents by month: focus area and the rest", y_title="per 1,000 residents",
                highlight=(p.start, p.end), key="focus_trend", source="Kent Police; MBC",
                period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}",
                caveat="The task force began in September 2020: too soon to judge its impact.", guarded=guards.get(name))
