"""The Shepway task force: the focus area against the rest of the borough."""

import streamlit as st

from smp_dash import charts, disclosure, ui
from smp_dash.priorities import task_force

COLOUR = charts.PRIORITY_COLOURS["task_force"]

bundle, view = ui.page("The Maidstone Task Force: Shepway North and Shepway South",
                       "How do the task force's focus wards compare with the rest of the borough on domestic abuse, ASB, drugs and "
                       "needle finds, per resident and over time?")
st.caption("This page always compares the task force focus area with the rest of the borough; the ward filter does not apply.")

f = ui.figures(task_force.figures, view)
p, table = f.period, f.table
cols = st.columns(len(task_force.MEASURES))
for col, name in zip(cols, task_force.MEASURES):
    label = f.labels[name]
    with col:
        if name in f.missing:
            ui.metric(label, "n/a", help=f.missing[name])
            st.caption(f.missing[name])
            continue
        row = table[(table["area"] == "Focus area") & (table["measure"] == name)].iloc[0]
        rest = table[(table["area"] == "Rest of borough") & (table["measure"] == name)].iloc[0]
        if name in f.guards and f.guards[name].change_hidden:
            ui.metric(label, f.guards[name].text(), help=disclosure.HIDDEN_HELP)
        else:
            gap = 0 if f.rates_why else row["rate"] - rest["rate"]   # the arrow compares with the rest
            ui.metric(label, int(row["current"]), None if f.rates_why else
                      f"{row['rate']:.1f} per 1,000, {'higher than' if gap > 0 else 'lower than' if gap < 0 else 'as'} "
                      f"the rest ({rest['rate']:.1f})", help=f.rates_why or None,
                      delta_arrow="up" if gap > 0 else "down" if gap < 0 else "off")
if f.rates_why:
    ui.not_shown("Rates per 1,000 residents, focus area and the rest", f.rates_why)
elif table is not None:
    shown = f.shown_table()
    ui.chart(ui.cached(charts.bars, shown, x="measure", y="rate", series="area", colour=COLOUR, orientation="v",
                       title=bundle.mark(f"Rate per 1,000 residents, {p.label}: focus area and the rest", "population")),
             shown, key="focus_rates", source="Kent Police; MBC needle log", period=p.label, view=view,
             caveat=f.rates_note)
name = st.selectbox("Measure over time", list(task_force.MEASURES), key="tf_measure", bind="query-params")
trend, why = task_force.trend(bundle, f, name, view) if not f.rates_why else (None, f.rates_why)
ui.monthly_chart(trend, view, series="area", y="rate", colour=COLOUR, why=why,
                 title=f"{f.labels[name]} per 1,000 residents by month: focus area and the rest", y_title="per 1,000 residents",
                 highlight=(p.start, p.end), key="focus_trend", source="Kent Police; MBC",
                 period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}",
                 caveat=" ".join(t for t in (f.start_note, f.rates_note) if t))
